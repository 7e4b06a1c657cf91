// Card actions through the desk: recharge (idempotent on ref), report-lost, reissue
// (moves the balance), close (refunds it out), who may do them, and dispenses.
#include "tickets/card_desk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tickets/card_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using ::testing::ElementsAre;

std::vector<EntryKind> kinds(const std::vector<LedgerEntry>& entries) {
  std::vector<EntryKind> out;
  for (const LedgerEntry& e : entries) out.push_back(e.kind);
  return out;
}

std::string code_of(const Error& e) { return e.code + "/" + e.field; }

TEST_F(CardDeskTest, RechargeCreatesTheCardAndIsIdempotentOnRef) {
  CardDesk desk = make_desk();
  Result<CardOutcome> first = desk.recharge("c-1", 1000, "pay-1", agent_, kT0);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->card.state, CardState::kActive);
  EXPECT_EQ(first->card.balance_fen, 1000);
  EXPECT_EQ(first->card.created_at_ms, kT0);
  ASSERT_EQ(first->entries.size(), 1u);
  EXPECT_EQ(first->entries[0].ref, "pay-1");

  Result<CardOutcome> again = desk.recharge("c-1", 1000, "pay-1", agent_, kT0 + kMin);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->entries, first->entries) << "the same answer";
  EXPECT_EQ(balance("c-1"), 1000) << "no second entry";
  EXPECT_EQ(book_.ledger("c-1", 0, 0).size(), 1u);

  EXPECT_EQ(code_of(desk.recharge("c-1", 999, "pay-1", agent_, kT0).error()),
            "idempotency_mismatch/ref");
  EXPECT_EQ(code_of(desk.recharge("c-2", 1000, "pay-1", agent_, kT0).error()),
            "idempotency_mismatch/ref")
      << "a payment reference pays one card";
  EXPECT_EQ(book_.card("c-2"), std::nullopt);
}

TEST_F(CardDeskTest, RechargeInputIsChecked) {
  CardDesk desk = make_desk();
  EXPECT_EQ(code_of(desk.recharge("c-1", 0, "p", agent_, kT0).error()), "out_of_range/amount_fen");
  EXPECT_EQ(code_of(desk.recharge("c-1", kMaxRechargeFen + 1, "p", agent_, kT0).error()),
            "out_of_range/amount_fen");
  EXPECT_TRUE(desk.recharge("c-1", kMaxRechargeFen, "p", agent_, kT0).ok());
  EXPECT_EQ(code_of(desk.recharge("c-1", 10, "", agent_, kT0).error()), "missing_field/ref");
  EXPECT_EQ(code_of(desk.recharge("", 10, "p2", agent_, kT0).error()), "missing_field/token");
  EXPECT_EQ(code_of(desk.recharge("c-1", 10, "p3", selfservice_, kT0).error()), "forbidden/action");
}

TEST_F(CardDeskTest, LostCardIsBlockedForRechargeAndReportingIsIdempotent) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 500, "pay-1");
  Result<CardOutcome> lost = desk.report_lost("c-1", agent_, kT0 + kMin);
  ASSERT_TRUE(lost.ok()) << lost.error().to_string();
  EXPECT_EQ(lost->card.state, CardState::kLost);
  EXPECT_EQ(lost->card.lost_at_ms, kT0 + kMin);
  EXPECT_FALSE(lost->replayed);
  Result<CardOutcome> again = desk.report_lost("c-1", agent_, kT0 + 2 * kMin);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->card.lost_at_ms, kT0 + kMin) << "the first report stands";
  EXPECT_EQ(code_of(desk.recharge("c-1", 100, "pay-2", agent_, kT0).error()), "conflict/state");
  EXPECT_EQ(code_of(desk.report_lost("c-404", agent_, kT0).error()), "not_found/token");
  EXPECT_EQ(code_of(desk.report_lost("c-1", selfservice_, kT0).error()), "forbidden/action");
}

TEST_F(CardDeskTest, ReissueMovesTheBalanceAndClosesTheOldCard) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 730, "pay-1");
  ASSERT_TRUE(desk.report_lost("c-1", agent_, kT0).ok());
  Result<CardOutcome> done = desk.reissue("c-1", "c-2", agent_, kT0 + kHour);
  ASSERT_TRUE(done.ok()) << done.error().to_string();
  EXPECT_EQ(done->card.state, CardState::kClosed);
  EXPECT_EQ(done->card.balance_fen, 0);
  EXPECT_EQ(done->card.reissued_to, "c-2");
  ASSERT_TRUE(done->successor);
  EXPECT_EQ(done->successor->state, CardState::kActive);
  EXPECT_EQ(done->successor->balance_fen, 730);
  EXPECT_EQ(done->successor->reissued_from, "c-1");
  EXPECT_THAT(kinds(done->entries), ElementsAre(EntryKind::kTransferOut, EntryKind::kTransferIn));
  EXPECT_THAT(kinds(book_.ledger("c-1", 0, 1)), ElementsAre(EntryKind::kTransferOut));
  EXPECT_EQ(book_.ledger("c-1", 0, 1)[0].ref, "c-2");
  EXPECT_EQ(book_.ledger("c-2", 0, 1)[0].ref, "c-1");

  Result<CardOutcome> replay = desk.reissue("c-1", "c-2", agent_, kT0 + 2 * kHour);
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(balance("c-2"), 730);
  EXPECT_EQ(code_of(desk.reissue("c-1", "c-3", agent_, kT0).error()), "conflict/state");
  EXPECT_EQ(code_of(desk.recharge("c-1", 1, "pay-9", agent_, kT0).error()), "conflict/state");
}

TEST_F(CardDeskTest, ReissueNeedsANewToken) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 100, "pay-1");
  recharged(desk, "c-2", 100, "pay-2");
  EXPECT_EQ(code_of(desk.reissue("c-1", "c-2", agent_, kT0).error()), "conflict/new_token");
  EXPECT_EQ(code_of(desk.reissue("c-1", "c-1", agent_, kT0).error()), "out_of_range/new_token");
  EXPECT_EQ(balance("c-1"), 100);
  EXPECT_EQ(balance("c-2"), 100);
}

TEST_F(CardDeskTest, ReissueOfAnEmptyCardWritesNoEntries) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 100, "pay-1");
  dispensed(desk, facts("t-1", "c-1", 100, 500, 500));
  Result<CardOutcome> done = desk.reissue("c-1", "c-2", operator_, kT0);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->entries.empty());
  EXPECT_EQ(balance("c-2"), 0);
  EXPECT_EQ(book_.card("c-2")->entry_count, 0u);
}

TEST_F(CardDeskTest, CloseRefundsTheBalanceOutAndRecordsIt) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 860, "pay-1");
  Result<CardOutcome> closed = desk.close("c-1", property_, kT0 + kHour);
  ASSERT_TRUE(closed.ok()) << closed.error().to_string();
  EXPECT_EQ(closed->card.state, CardState::kClosed);
  EXPECT_EQ(closed->card.closed_at_ms, kT0 + kHour);
  ASSERT_EQ(closed->entries.size(), 1u);
  EXPECT_EQ(closed->entries[0].kind, EntryKind::kRefundOut);
  EXPECT_EQ(closed->entries[0].amount_fen, -860);
  EXPECT_EQ(balance("c-1"), 0);
  Result<CardOutcome> again = desk.close("c-1", property_, kT0 + 2 * kHour);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(book_.ledger("c-1", 0, 0).size(), 2u);
  EXPECT_EQ(code_of(desk.report_lost("c-1", agent_, kT0).error()), "conflict/state");
  EXPECT_EQ(code_of(desk.close("c-1", selfservice_, kT0).error()), "forbidden/action");
}

TEST_F(CardDeskTest, DispenseIsChargedOnceThroughRedelivery) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 500, "pay-1");
  const DispenseOutcome first = dispensed(desk, facts("t-1", "c-1", 120, 500, 0));
  EXPECT_FALSE(first.duplicate);
  ASSERT_TRUE(first.refund);
  EXPECT_EQ(first.refund->state, RefundState::kApproved);
  EXPECT_THAT(kinds(first.entries), ElementsAre(EntryKind::kCharge, EntryKind::kRefund));
  for (int i = 0; i < 3; ++i) {
    const DispenseOutcome again = dispensed(desk, facts("t-1", "c-1", 120, 500, 0));
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.dispense, first.dispense);
    ASSERT_TRUE(again.refund);
    EXPECT_EQ(again.refund->id, first.refund->id);
  }
  EXPECT_EQ(balance("c-1"), 500);
  EXPECT_EQ(book_.ledger("c-1", 0, 0).size(), 3u);
  EXPECT_EQ(book_.all_refunds().size(), 1u);
  // The same txn on another machine is another dispense.
  const DispenseOutcome other = dispensed(desk, facts("t-1", "c-1", 120, 500, 500, kT0, "wm-0003"));
  EXPECT_FALSE(other.duplicate);
  EXPECT_EQ(balance("c-1"), 380);
}

TEST_F(CardDeskTest, DispenseAfterLossIsChargedAndFlaggedSuspicious) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 500, "pay-1");
  ASSERT_TRUE(desk.report_lost("c-1", agent_, kT0).ok());
  const DispenseOutcome d = dispensed(desk, facts("t-1", "c-1", 120, 500, 0, kT0 + kMin));
  EXPECT_TRUE(d.dispense.suspicious);
  EXPECT_EQ(d.dispense.outcome, ChargeOutcome::kCharged);
  EXPECT_EQ(balance("c-1"), 380);
  ASSERT_TRUE(d.refund);
  EXPECT_EQ(d.refund->state, RefundState::kPendingReview);
  EXPECT_TRUE(book_.card("c-1")->flagged);
  ASSERT_EQ(book_.flags("c-1").size(), 1u);
  EXPECT_EQ(book_.flags("c-1")[0].reason, FlagReason::kUsedWhileLost);
}

TEST_F(CardDeskTest, PendingRefundOfAReissuedCardIsCreditedToItsSuccessor) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 5000, "pay-1");
  const DispenseOutcome d = dispensed(desk, facts("t-1", "c-1", 2500, 500, 0));
  ASSERT_TRUE(d.refund);
  ASSERT_EQ(d.refund->state, RefundState::kPendingReview);  // over the limit
  ASSERT_TRUE(desk.reissue("c-1", "c-2", agent_, kT0 + kMin).ok());
  ASSERT_TRUE(desk.reissue("c-2", "c-3", agent_, kT0 + 2 * kMin).ok());
  Result<RefundOutcome> approved = desk.approve(d.refund->id, operator_, "ok", kT0 + kHour);
  ASSERT_TRUE(approved.ok()) << approved.error().to_string();
  EXPECT_EQ(balance("c-1"), 0);
  EXPECT_EQ(balance("c-3"), 2500 + 2500);
  ASSERT_EQ(approved->entries.size(), 1u);
  EXPECT_EQ(approved->entries[0].card, "c-3");
  EXPECT_EQ(approved->entries[0].ref, d.refund->id);
}

TEST_F(CardDeskTest, PendingRefundOfAClosedCardIsPaidOut) {
  CardDesk desk = make_desk();
  recharged(desk, "c-1", 5000, "pay-1");
  const DispenseOutcome d = dispensed(desk, facts("t-1", "c-1", 2500, 500, 0));
  ASSERT_TRUE(desk.close("c-1", agent_, kT0 + kMin).ok());
  Result<RefundOutcome> approved = desk.approve(d.refund->id, admin_, "", kT0 + kHour);
  ASSERT_TRUE(approved.ok()) << approved.error().to_string();
  EXPECT_THAT(kinds(approved->entries), ElementsAre(EntryKind::kRefund, EntryKind::kRefundOut));
  EXPECT_EQ(balance("c-1"), 0);
}

TEST_F(CardDeskTest, UnknownCardDispenseIsKeptForReview) {
  CardDesk desk = make_desk();
  const DispenseOutcome d = dispensed(desk, facts("t-1", "c-404", 120, 500, 0));
  EXPECT_EQ(d.dispense.outcome, ChargeOutcome::kUnknownCard);
  EXPECT_FALSE(d.refund);
  ASSERT_EQ(d.flags.size(), 1u);
  EXPECT_EQ(book_.flags("c-404").size(), 1u);
  EXPECT_EQ(book_.card("c-404"), std::nullopt);
  EXPECT_EQ(book_.dispenses_of_card("c-404", 0).size(), 1u);
}

}  // namespace
}  // namespace wm::tickets
