// The second half of the CardBook contract suite (see card_book_contract_test.h for how
// to instantiate it): every field of every record comes back as stored, a refused plan
// leaves no part behind, reads keep their documented order, and a whole card desk life
// (dispense, reissue, approval on the successor, close) keeps every ledger exact.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tickets/card_book_contract_test.h"
#include "tickets/card_desk.h"

namespace wm::tickets::contract {

template <class Harness>
class CardBookRecordsTest : public CardBookContractTest<Harness> {};

TYPED_TEST_SUITE_P(CardBookRecordsTest);

TYPED_TEST_P(CardBookRecordsTest, EveryFieldIsStoredAsGiven) {
  CardBook& book = this->book();
  MoneyPlan plan;
  Card odd = new_card("卡-2");
  odd.state = CardState::kLost;
  odd.lost_at_ms = kT0 + 5;
  odd.closed_at_ms = kT0 + 6;
  odd.reissued_from = "c-0";
  odd.reissued_to = "c-9";
  odd.flagged = true;
  odd.flag_count = 2;
  append_entry(write_of(plan, odd), EntryKind::kRecharge, 777, kT0 + 1, "pay-x", "wm-0009", "t-x",
               "paid at the desk, 现金");
  add_flag(plan, nullptr,
           CardFlag{"卡-2", FlagReason::kUsedWhileLost, "wm-0001", "t-9", 300, kT0 + 2, "lost"});
  const Result<MoneyPlan> cards = book.apply(plan);
  ASSERT_TRUE(cards.ok()) << cards.error().to_string();
  EXPECT_EQ(book.card("卡-2"), cards->cards[0].card);
  EXPECT_EQ(book.ledger("卡-2", 0, 0), cards->cards[0].entries);
  EXPECT_EQ(book.flags("卡-2"), plan.flags);

  DispenseFacts f = facts("t-1", 2500, 120);
  f.failure_active = true;
  f.evidence = "E08 active since 09:58; flow 0.0 L/min";
  f.failure_ticket_id = "t-000042";
  MoneyPlan money = dispense_plan_of(book, f);
  ASSERT_TRUE(money.refund);
  Refund& refund = money.refund->refund;
  refund.review_reasons = {std::string(review_reason::kOverLimit),
                           std::string(review_reason::kCardFlagged)};
  refund.reviewer_party = devices::Party::kProperty;
  refund.reviewer_org = "pm-7";
  refund.reviewer_rule = "contract:s-001/refund_dispute";
  refund.idempotency_key = "k-9";
  refund.body_hash = "sha256:00ff";
  refund.decision_note = "-";
  money.dispense->suspicious = true;
  const Result<MoneyPlan> stored = book.apply(money);
  ASSERT_TRUE(stored.ok()) << stored.error().to_string();
  EXPECT_EQ(book.dispense("wm-0001", "t-1"), stored->dispense);
  EXPECT_EQ(book.dispense("wm-0001", "t-2"), std::nullopt);
  const Refund& kept = stored->refund->refund;
  EXPECT_EQ(kept.ticket_id, "t-000042");
  EXPECT_EQ(book.refund(kept.id), kept);
  EXPECT_EQ(book.refund_by_key("k-9"), kept);
  EXPECT_EQ(book.refunds_of_dispense("wm-0001", "t-1"), std::vector<Refund>{kept});
  EXPECT_EQ(book.card("c-1"), stored->cards.at(0).card);
}

TYPED_TEST_P(CardBookRecordsTest, ApprovalCreditsTheCardUnderTheRefundId) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 2500, 0)).ok());
  Refund refund = book.refunds_of_dispense("wm-0001", "t-1").at(0);
  ASSERT_EQ(refund.state, RefundState::kPendingReview);
  MoneyPlan approve;
  const std::uint64_t read = refund.revision;
  refund.state = RefundState::kApproved;
  refund.decided_at_ms = kT0 + testutil::kHour;
  refund.decided_by = "operator:op-1";
  refund.decision_note = "E08 confirmed";
  approve.refund = RefundWrite{read, refund};
  ASSERT_TRUE(credit_refund(approve, {card_of(book)}, kT0 + testutil::kHour).ok());
  const Result<MoneyPlan> stored = book.apply(approve);
  ASSERT_TRUE(stored.ok()) << stored.error().to_string();
  EXPECT_EQ(stored->refund->refund.revision, 2u);
  EXPECT_EQ(book.refund(refund.id), stored->refund->refund);
  const std::vector<LedgerEntry> ledger = book.ledger("c-1", 0, 1);
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].kind, EntryKind::kRefund);
  EXPECT_EQ(ledger[0].ref, refund.id);
  EXPECT_EQ(ledger[0].seq, 3u);
  EXPECT_EQ(card_of(book).balance_fen, 10000);
  EXPECT_EQ(card_of(book).revision, 3u);
  EXPECT_EQ(code_of(book.apply(approve)), "conflict/revision") << "decided once";
  EXPECT_TRUE(check_ledger("c-1", 10000, chronological(book, "c-1")).ok());
}

TYPED_TEST_P(CardBookRecordsTest, ARefusedPlanLeavesNoDispenseFlagOrRefund) {
  CardBook& book = this->book();
  MoneyPlan plan = dispense_plan(book, "t-1", 10, 0);  // charge + automatic refund
  ASSERT_TRUE(plan.refund && plan.caps);
  add_flag(plan, nullptr, CardFlag{"c-1", FlagReason::kOverdraw, "wm-0001", "t-1", 10, kT0, ""});
  plan.caps->counters.card_auto = 3;  // what nobody stored
  EXPECT_EQ(code_of(book.apply(plan)), "conflict/counters");
  EXPECT_EQ(book.dispense("wm-0001", "t-1"), std::nullopt);
  EXPECT_TRUE(book.refunds_of_dispense("wm-0001", "t-1").empty());
  EXPECT_TRUE(book.flags("c-1").empty());
  EXPECT_EQ(book.ledger("c-1", 0, 0).size(), 1u);
  EXPECT_EQ(card_of(book).revision, 1u);
  plan.caps->counters = {};
  const Result<MoneyPlan> stored = book.apply(plan);
  ASSERT_TRUE(stored.ok()) << stored.error().to_string();
  EXPECT_EQ(stored->refund->refund.id, "r-000001") << "a refused plan takes no id";
}

TYPED_TEST_P(CardBookRecordsTest, DispensesOfCardAreNewestFirst) {
  CardBook& book = this->book();
  const std::int64_t minute = testutil::kMin;
  for (const auto& [txn, at] : {std::pair{"t-a", kT0 + 2 * minute}, std::pair{"t-b", kT0},
                                std::pair{"t-c", kT0 + minute}}) {
    ASSERT_TRUE(book.apply(dispense_plan_of(book, facts(txn, 10, 500, "c-1", "wm-0001", at))).ok());
  }
  ASSERT_TRUE(
      book.apply(dispense_plan_of(book, facts("t-d", 10, 500, "c-1", "wm-0002", kT0 - minute)))
          .ok());
  std::vector<std::string> order;
  for (const DispenseRecord& d : book.dispenses_of_card("c-1", 3)) order.push_back(d.txn);
  EXPECT_EQ(order, (std::vector<std::string>{"t-a", "t-c", "t-b"}));
  EXPECT_EQ(book.dispenses_of_card("c-1", 0).back().txn, "t-d");
  EXPECT_TRUE(book.dispenses_of_card("c-404", 0).empty());
}

TYPED_TEST_P(CardBookRecordsTest, FlagsAreOldestFirstAlsoForUnknownTokens) {
  CardBook& book = this->book();
  for (const char* txn : {"t-1", "t-2"}) {
    const MoneyPlan plan = dispense_plan_of(book, facts(txn, 50, 500, "c-404"));
    ASSERT_EQ(plan.flags.size(), 1u);
    ASSERT_TRUE(book.apply(plan).ok());
  }
  const std::vector<CardFlag> flags = book.flags("c-404");
  ASSERT_EQ(flags.size(), 2u);
  EXPECT_EQ(flags[0].txn, "t-1");
  EXPECT_EQ(flags[1].reason, FlagReason::kUnknownCard);
  EXPECT_EQ(book.card("c-404"), std::nullopt);
  EXPECT_EQ(book.dispense("wm-0001", "t-2")->outcome, ChargeOutcome::kUnknownCard);
  EXPECT_TRUE(book.flags("c-1").empty());
}

TYPED_TEST_P(CardBookRecordsTest, RefundListFiltersByCardAndDevice) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(recharge_plan(new_card("c-2"), 5000, "pay-2")).ok());
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 2500, 0)).ok());
  ASSERT_TRUE(book.apply(dispense_plan_of(book, facts("t-2", 2500, 0, "c-2", "wm-0002"))).ok());
  RefundFilter by_card;
  by_card.card = "c-2";
  const std::vector<Refund> of_c2 = book.list_refunds(by_card);
  ASSERT_EQ(of_c2.size(), 1u);
  EXPECT_EQ(of_c2[0].txn, "t-2");
  RefundFilter by_device;
  by_device.device_id = "wm-0001";
  ASSERT_EQ(book.list_refunds(by_device).size(), 1u);
  EXPECT_EQ(book.list_refunds(by_device)[0].txn, "t-1");
  RefundFilter approved;
  approved.state = RefundState::kApproved;
  EXPECT_TRUE(book.list_refunds(approved).empty());
  EXPECT_EQ(book.list_refunds({}).size(), 2u);
}

TYPED_TEST_P(CardBookRecordsTest, DeskReissueApproveAndCloseKeepLedgersExact) {
  CardBook& book = this->book();
  const devices::Site site = testutil::site();
  CardDesk desk(book, [&](std::string_view id) -> std::optional<devices::Site> {
    if (id == site.id) return site;
    return std::nullopt;
  });
  const Actor admin{Role::kAdmin, ""};
  const Result<DispenseOutcome> dispensed = desk.on_dispense(facts("t-1", 2500, 0));
  ASSERT_TRUE(dispensed.ok()) << dispensed.error().to_string();
  ASSERT_TRUE(dispensed->refund);
  ASSERT_TRUE(desk.reissue("c-1", "c-2", admin, kT0 + testutil::kHour).ok());
  const Result<RefundOutcome> approved =
      desk.approve(dispensed->refund->id, admin, "checked", kT0 + 2 * testutil::kHour);
  ASSERT_TRUE(approved.ok()) << approved.error().to_string();
  EXPECT_EQ(card_of(book, "c-2").balance_fen, 10000) << "credited to the successor";
  ASSERT_TRUE(desk.close("c-2", admin, kT0 + 3 * testutil::kHour).ok());
  const Card c1 = card_of(book, "c-1");
  const Card c2 = card_of(book, "c-2");
  EXPECT_TRUE(c1.closed() && c2.closed());
  EXPECT_EQ(c1.reissued_to, "c-2");
  EXPECT_EQ(c2.reissued_from, "c-1");
  EXPECT_TRUE(check_ledger("c-1", c1.balance_fen, chronological(book, "c-1")).ok());
  const std::vector<LedgerEntry> c2_ledger = chronological(book, "c-2");
  EXPECT_TRUE(check_ledger("c-2", 0, c2_ledger).ok());
  ASSERT_EQ(c2_ledger.size(), 3u);  // transfer_in, refund, refund_out
  EXPECT_EQ(c2_ledger[1].ref, dispensed->refund->id);
  EXPECT_EQ(c2_ledger[2].kind, EntryKind::kRefundOut);
  EXPECT_EQ(c2_ledger[2].amount_fen, -10000);
  EXPECT_EQ(book.refund(dispensed->refund->id)->state, RefundState::kApproved);
}

REGISTER_TYPED_TEST_SUITE_P(CardBookRecordsTest, EveryFieldIsStoredAsGiven,
                            ApprovalCreditsTheCardUnderTheRefundId,
                            ARefusedPlanLeavesNoDispenseFlagOrRefund, DispensesOfCardAreNewestFirst,
                            FlagsAreOldestFirstAlsoForUnknownTokens,
                            RefundListFiltersByCardAndDevice,
                            DeskReissueApproveAndCloseKeepLedgersExact);

}  // namespace wm::tickets::contract
