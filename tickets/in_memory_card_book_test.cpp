// The CardBook contract on InMemoryCardBook: apply() is all-or-nothing, checks every
// precondition, and assigns revisions, seqs and ids. What passes here is what the SQLite
// book must do as well.
#include "tickets/in_memory_card_book.h"

#include <gtest/gtest.h>

#include "tickets/dispense_plan.h"
#include "tickets/ticket_test_util.h"

namespace wm::tickets {
namespace {

constexpr std::int64_t kT0 = testutil::local(480, 2026, 11, 23, 10);

MoneyPlan recharge_plan(const Card& card, std::int64_t amount, const std::string& ref) {
  MoneyPlan plan;
  append_entry(write_of(plan, card), EntryKind::kRecharge, amount, kT0, ref);
  return plan;
}

Card new_card(const std::string& token) {
  Card card;
  card.token = token;
  card.created_at_ms = kT0;
  return card;
}

DispenseFacts facts(const std::string& txn, std::int64_t charged, std::int64_t dispensed) {
  DispenseFacts f;
  f.device_id = "wm-0001";
  f.site = testutil::site();
  f.txn = txn;
  f.card = "c-1";
  f.charged_fen = charged;
  f.requested_ml = 500;
  f.dispensed_ml = dispensed;
  f.ts_ms = kT0;
  return f;
}

std::string code_of(const Result<MoneyPlan>& r) {
  return r.ok() ? "ok" : r.error().code + "/" + r.error().field;
}

class InMemoryCardBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(book_.apply(recharge_plan(new_card("c-1"), 10000, "pay-1")).ok());
  }
  Card card(const std::string& token = "c-1") const { return book_.card(token).value_or(Card{}); }
  MoneyPlan dispense_plan(const std::string& txn, std::int64_t charged, std::int64_t dispensed,
                          RefundCounters today = {}) const {
    return plan_dispense(book_.card("c-1"), facts(txn, charged, dispensed), {}, today).value();
  }
  InMemoryCardBook book_;
};

TEST_F(InMemoryCardBookTest, NewCardGetsRevisionOneAndSeqs) {
  const Card c = card();
  EXPECT_EQ(c.revision, 1u);
  EXPECT_EQ(c.balance_fen, 10000);
  EXPECT_EQ(c.entry_count, 1u);
  const std::vector<LedgerEntry> ledger = book_.ledger("c-1", 0, 0);
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].seq, 1u);
  EXPECT_EQ(book_.recharge_by_ref("pay-1"), ledger[0]);
  EXPECT_EQ(book_.recharge_by_ref("pay-2"), std::nullopt);
}

TEST_F(InMemoryCardBookTest, StaleRevisionIsAConflictAndWritesNothing) {
  const Card before = card();
  ASSERT_TRUE(book_.apply(recharge_plan(before, 100, "pay-2")).ok());
  const Result<MoneyPlan> stale = book_.apply(recharge_plan(before, 100, "pay-3"));
  EXPECT_EQ(code_of(stale), "conflict/revision");
  EXPECT_EQ(card().balance_fen, 10100);
  EXPECT_EQ(book_.recharge_by_ref("pay-3"), std::nullopt);
}

TEST_F(InMemoryCardBookTest, CreatingAnExistingCardIsAConflict) {
  EXPECT_EQ(code_of(book_.apply(recharge_plan(new_card("c-1"), 5, "pay-9"))), "conflict/revision");
}

TEST_F(InMemoryCardBookTest, AllOrNothingAcrossTwoCards) {
  MoneyPlan plan = recharge_plan(new_card("c-2"), 50, "pay-2");
  Card stale = card();
  stale.revision = 99;
  append_entry(write_of(plan, stale), EntryKind::kRecharge, 50, kT0, "pay-3");
  EXPECT_EQ(code_of(book_.apply(plan)), "conflict/revision");
  EXPECT_EQ(book_.card("c-2"), std::nullopt) << "the first write must not stay";
  EXPECT_EQ(book_.recharge_by_ref("pay-2"), std::nullopt);
}

TEST_F(InMemoryCardBookTest, RechargeRefIsUniqueOverAllCards) {
  EXPECT_EQ(code_of(book_.apply(recharge_plan(new_card("c-2"), 1000, "pay-1"))), "conflict/ref");
  EXPECT_EQ(book_.card("c-2"), std::nullopt);
}

TEST_F(InMemoryCardBookTest, DispenseIsRecordedOnce) {
  ASSERT_TRUE(book_.apply(dispense_plan("t-1", 100, 500)).ok());
  // A second plan made from the same snapshot races on the card first; one from a fresh
  // snapshot still meets the (device, txn) key.
  EXPECT_EQ(code_of(book_.apply(dispense_plan("t-1", 100, 500))), "conflict/txn");
  EXPECT_EQ(card().balance_fen, 9900);
  EXPECT_EQ(book_.ledger("c-1", 0, 0).size(), 2u);
}

TEST_F(InMemoryCardBookTest, NewRefundGetsIdAndItsEntriesTheRef) {
  const Result<MoneyPlan> stored = book_.apply(dispense_plan("t-1", 100, 0));
  ASSERT_TRUE(stored.ok()) << stored.error().to_string();
  ASSERT_TRUE(stored->refund);
  EXPECT_EQ(stored->refund->refund.id, "r-000001");
  EXPECT_EQ(stored->refund->refund.revision, 1u);
  const std::vector<LedgerEntry> ledger = book_.ledger("c-1", 0, 0);
  ASSERT_EQ(ledger.size(), 3u);
  EXPECT_EQ(ledger[0].kind, EntryKind::kRefund) << "newest first";
  EXPECT_EQ(ledger[0].ref, "r-000001");
  EXPECT_EQ(ledger[0].seq, 3u);
  EXPECT_EQ(book_.refund("r-000001")->amount_fen, 100);
  EXPECT_EQ(card().balance_fen, 10000);
  EXPECT_TRUE(
      check_ledger("c-1", 10000, std::vector<LedgerEntry>(ledger.rbegin(), ledger.rend())).ok());
}

TEST_F(InMemoryCardBookTest, RefundsBeyondTheChargeAreRefused) {
  ASSERT_TRUE(book_.apply(dispense_plan("t-1", 2500, 0)).ok());  // pending: over the limit
  const Refund pending = book_.refunds_of_dispense("wm-0001", "t-1").at(0);
  ASSERT_EQ(pending.state, RefundState::kPendingReview);
  // Another refund of the same dispense for 1 fen more than nothing left.
  MoneyPlan plan;
  Refund extra = pending;
  extra.id.clear();
  extra.amount_fen = 1;
  extra.idempotency_key = "k-1";
  plan.refund = RefundWrite{0, extra};
  plan.caps =
      CapBasis{"c-1", "wm-0001", pending.day, book_.counters("c-1", "wm-0001", pending.day)};
  EXPECT_EQ(code_of(book_.apply(plan)), "conflict/amount_fen");
  // Once the pending one is rejected, the amount is free again.
  MoneyPlan reject;
  Refund rejected = pending;
  rejected.state = RefundState::kRejected;
  reject.refund = RefundWrite{pending.revision, rejected};
  ASSERT_TRUE(book_.apply(reject).ok());
  EXPECT_TRUE(book_.apply(plan).ok());
}

TEST_F(InMemoryCardBookTest, RefundOfAnUnrecordedDispenseIsRefused) {
  MoneyPlan plan;
  Refund refund;
  refund.card = "c-1";
  refund.device_id = "wm-0001";
  refund.txn = "t-404";
  refund.amount_fen = 1;
  plan.refund = RefundWrite{0, refund};
  plan.caps = CapBasis{"c-1", "wm-0001", 0, {}};
  EXPECT_EQ(code_of(book_.apply(plan)), "conflict/amount_fen");
}

TEST_F(InMemoryCardBookTest, RefundUpdatesAreCompareAndSetFromPendingOnly) {
  ASSERT_TRUE(book_.apply(dispense_plan("t-1", 2500, 0)).ok());
  Refund refund = book_.refunds_of_dispense("wm-0001", "t-1").at(0);
  Refund rejected = refund;
  rejected.state = RefundState::kRejected;
  MoneyPlan first;
  first.refund = RefundWrite{refund.revision, rejected};
  ASSERT_TRUE(book_.apply(first).ok());
  EXPECT_EQ(book_.refund(refund.id)->revision, 2u);
  EXPECT_EQ(code_of(book_.apply(first)), "conflict/revision") << "stale and no longer pending";
  MoneyPlan unknown;
  rejected.id = "r-999999";
  unknown.refund = RefundWrite{1, rejected};
  EXPECT_EQ(code_of(book_.apply(unknown)), "not_found/id");
}

TEST_F(InMemoryCardBookTest, CapCountersThatMovedAreAConflict) {
  ASSERT_TRUE(book_.apply(dispense_plan("t-1", 10, 0)).ok());  // one automatic refund
  // A plan that read the counters before that refund.
  EXPECT_EQ(code_of(book_.apply(dispense_plan("t-2", 10, 0, RefundCounters{}))),
            "conflict/counters");
  const std::int64_t day = local_day(testutil::site(), kT0);
  EXPECT_EQ(book_.counters("c-1", "wm-0001", day), (RefundCounters{1, 1, 0}));
  EXPECT_EQ(book_.counters("c-1", "wm-0001", day + 1), (RefundCounters{}));
  EXPECT_TRUE(book_.apply(dispense_plan("t-2", 10, 0, RefundCounters{1, 1, 0})).ok());
}

TEST_F(InMemoryCardBookTest, IdempotencyKeyIsUnique) {
  ASSERT_TRUE(book_.apply(dispense_plan("t-1", 500, 500)).ok());
  auto claim = [&](std::int64_t amount) {
    MoneyPlan plan;
    Refund refund;
    refund.card = "c-1";
    refund.device_id = "wm-0001";
    refund.txn = "t-1";
    refund.amount_fen = amount;
    refund.origin = RefundOrigin::kClaim;
    refund.idempotency_key = "k-1";
    plan.refund = RefundWrite{0, refund};
    plan.caps = CapBasis{"c-1", "wm-0001", 0, book_.counters("c-1", "wm-0001", 0)};
    return plan;
  };
  ASSERT_TRUE(book_.apply(claim(10)).ok());
  EXPECT_EQ(code_of(book_.apply(claim(20))), "conflict/idempotency_key");
  EXPECT_EQ(book_.refund_by_key("k-1")->amount_fen, 10);
}

TEST_F(InMemoryCardBookTest, PlansThatBreakTheShapeRulesAreInvalid) {
  MoneyPlan wrong_sign;
  CardWrite& w = write_of(wrong_sign, card());
  append_entry(w, EntryKind::kCharge, 50, kT0, {});
  EXPECT_EQ(book_.apply(wrong_sign).error().code, "invalid_plan");

  MoneyPlan wrong_start = recharge_plan(card(), 10, "pay-2");
  wrong_start.cards[0].card.balance_fen += 1;
  wrong_start.cards[0].entries[0].balance_after_fen += 1;
  EXPECT_EQ(book_.apply(wrong_start).error().code, "invalid_plan")
      << "the entries must start from the stored balance";

  MoneyPlan pending_with_credit = dispense_plan("t-1", 100, 0);
  pending_with_credit.refund->refund.state = RefundState::kPendingReview;
  EXPECT_EQ(book_.apply(pending_with_credit).error().code, "invalid_plan");

  MoneyPlan no_caps = dispense_plan("t-1", 100, 0);
  no_caps.caps.reset();
  EXPECT_EQ(book_.apply(no_caps).error().code, "invalid_plan");

  MoneyPlan closed_with_money;
  CardWrite& c = write_of(closed_with_money, card());
  c.card.state = CardState::kClosed;
  EXPECT_EQ(book_.apply(closed_with_money).error().code, "invalid_plan");
  EXPECT_EQ(card().revision, 1u) << "nothing was written";
}

TEST_F(InMemoryCardBookTest, LedgerPagesNewestFirst) {
  Card c = card();
  for (int i = 2; i <= 5; ++i) {
    ASSERT_TRUE(book_.apply(recharge_plan(c, i, "pay-" + std::to_string(i))).ok());
    c = card();
  }
  const std::vector<LedgerEntry> first = book_.ledger("c-1", 0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].seq, 5u);
  EXPECT_EQ(first[1].seq, 4u);
  const std::vector<LedgerEntry> next = book_.ledger("c-1", first.back().seq, 2);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0].seq, 3u);
  EXPECT_EQ(book_.ledger("c-1", 2, 0).size(), 1u);
  EXPECT_TRUE(book_.ledger("c-404", 0, 0).empty());
}

TEST_F(InMemoryCardBookTest, RefundListFiltersAndPages) {
  for (int i = 1; i <= 3; ++i) {
    const RefundCounters today = book_.counters("c-1", "wm-0001", local_day(testutil::site(), kT0));
    ASSERT_TRUE(book_.apply(dispense_plan("t-" + std::to_string(i), 2100 + i, 0, today)).ok()) << i;
    ASSERT_TRUE(book_.apply(recharge_plan(card(), 2200, "top-" + std::to_string(i))).ok());
  }
  RefundFilter queue;
  queue.state = RefundState::kPendingReview;
  queue.reviewer_org = "op-1";
  queue.limit = 2;
  const std::vector<Refund> page = book_.list_refunds(queue);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, "r-000001");
  queue.after_id = page.back().id;
  const std::vector<Refund> rest = book_.list_refunds(queue);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, "r-000003");
  queue.reviewer_org = "pm-7";
  queue.after_id.reset();
  EXPECT_TRUE(book_.list_refunds(queue).empty());
}

}  // namespace
}  // namespace wm::tickets
