// The CardBook contract (card_book.h) as a typed GoogleTest suite, written once and run
// on every implementation: apply() is all-or-nothing, checks every precondition with the
// documented error code and field, and assigns revisions, seqs and ids; reads give back
// exactly what was stored, in the documented order.
//
// Include this header from exactly one test file per binary and instantiate it with a
// harness type that owns a book and exposes it as `CardBook& book()`:
//   namespace wm::tickets::contract {
//   INSTANTIATE_TYPED_TEST_SUITE_P(InMemory, CardBookContractTest, ::testing::Types<H>);
//   }
// card_book_records_test.h holds a second suite on the same helpers (records, order, a
// whole card desk scenario); instantiate it the same way.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tickets/card_book.h"
#include "tickets/dispense_plan.h"
#include "tickets/ticket_test_util.h"

namespace wm::tickets::contract {

inline constexpr std::int64_t kT0 = testutil::local(480, 2026, 11, 23, 10);

inline MoneyPlan recharge_plan(const Card& card, std::int64_t amount, const std::string& ref) {
  MoneyPlan plan;
  append_entry(write_of(plan, card), EntryKind::kRecharge, amount, kT0, ref);
  return plan;
}

inline Card new_card(const std::string& token) {
  Card card;
  card.token = token;
  card.created_at_ms = kT0;
  return card;
}

inline DispenseFacts facts(const std::string& txn, std::int64_t charged, std::int64_t dispensed,
                           const std::string& card = "c-1", const std::string& device = "wm-0001",
                           std::int64_t ts_ms = kT0) {
  DispenseFacts f;
  f.device_id = device;
  f.site = testutil::site();
  f.txn = txn;
  f.card = card;
  f.charged_fen = charged;
  f.requested_ml = 500;
  f.dispensed_ml = dispensed;
  f.ts_ms = ts_ms;
  return f;
}

inline std::string code_of(const Result<MoneyPlan>& r) {
  return r.ok() ? "ok" : r.error().code + "/" + r.error().field;
}

inline Card card_of(const CardBook& book, const std::string& token = "c-1") {
  return book.card(token).value_or(Card{});
}

// A plan for a dispense on the stored card of `f.card`.
inline MoneyPlan dispense_plan_of(const CardBook& book, const DispenseFacts& f,
                                  RefundCounters today = {}) {
  return plan_dispense(book.card(f.card), f, {}, today).value();
}

inline MoneyPlan dispense_plan(const CardBook& book, const std::string& txn, std::int64_t charged,
                               std::int64_t dispensed, RefundCounters today = {}) {
  return dispense_plan_of(book, facts(txn, charged, dispensed), today);
}

// The card's whole ledger, oldest first (what check_ledger() takes).
inline std::vector<LedgerEntry> chronological(const CardBook& book, const std::string& token) {
  std::vector<LedgerEntry> newest_first = book.ledger(token, 0, 0);
  return {newest_first.rbegin(), newest_first.rend()};
}

// Every test starts with card c-1 holding 10000 fen from recharge pay-1.
template <class Harness>
class CardBookContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(book().apply(recharge_plan(new_card("c-1"), 10000, "pay-1")).ok());
  }
  CardBook& book() { return harness_.book(); }

  Harness harness_;
};

TYPED_TEST_SUITE_P(CardBookContractTest);

TYPED_TEST_P(CardBookContractTest, NewCardGetsRevisionOneAndSeqs) {
  CardBook& book = this->book();
  const Card c = card_of(book);
  EXPECT_EQ(c.revision, 1u);
  EXPECT_EQ(c.balance_fen, 10000);
  EXPECT_EQ(c.entry_count, 1u);
  const std::vector<LedgerEntry> ledger = book.ledger("c-1", 0, 0);
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].seq, 1u);
  EXPECT_EQ(book.recharge_by_ref("pay-1"), ledger[0]);
  EXPECT_EQ(book.recharge_by_ref("pay-2"), std::nullopt);
}

TYPED_TEST_P(CardBookContractTest, StaleRevisionIsAConflictAndWritesNothing) {
  CardBook& book = this->book();
  const Card before = card_of(book);
  ASSERT_TRUE(book.apply(recharge_plan(before, 100, "pay-2")).ok());
  const Result<MoneyPlan> stale = book.apply(recharge_plan(before, 100, "pay-3"));
  EXPECT_EQ(code_of(stale), "conflict/revision");
  EXPECT_EQ(card_of(book).balance_fen, 10100);
  EXPECT_EQ(book.recharge_by_ref("pay-3"), std::nullopt);
}

TYPED_TEST_P(CardBookContractTest, CreatingAnExistingCardIsAConflict) {
  EXPECT_EQ(code_of(this->book().apply(recharge_plan(new_card("c-1"), 5, "pay-9"))),
            "conflict/revision");
}

TYPED_TEST_P(CardBookContractTest, AllOrNothingAcrossTwoCards) {
  CardBook& book = this->book();
  MoneyPlan plan = recharge_plan(new_card("c-2"), 50, "pay-2");
  Card stale = card_of(book);
  stale.revision = 99;
  append_entry(write_of(plan, stale), EntryKind::kRecharge, 50, kT0, "pay-3");
  EXPECT_EQ(code_of(book.apply(plan)), "conflict/revision");
  EXPECT_EQ(book.card("c-2"), std::nullopt) << "the first write must not stay";
  EXPECT_EQ(book.recharge_by_ref("pay-2"), std::nullopt);
}

TYPED_TEST_P(CardBookContractTest, RechargeRefIsUniqueOverAllCards) {
  CardBook& book = this->book();
  EXPECT_EQ(code_of(book.apply(recharge_plan(new_card("c-2"), 1000, "pay-1"))), "conflict/ref");
  EXPECT_EQ(book.card("c-2"), std::nullopt);
  MoneyPlan twice = recharge_plan(new_card("c-3"), 1000, "pay-7");
  append_entry(twice.cards[0], EntryKind::kRecharge, 5, kT0, "pay-7");
  EXPECT_EQ(code_of(book.apply(twice)), "conflict/ref") << "twice within one plan";
}

TYPED_TEST_P(CardBookContractTest, DispenseIsRecordedOnce) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 100, 500)).ok());
  // A second plan made from the same snapshot races on the card first; one from a fresh
  // snapshot still meets the (device, txn) key.
  EXPECT_EQ(code_of(book.apply(dispense_plan(book, "t-1", 100, 500))), "conflict/txn");
  EXPECT_EQ(card_of(book).balance_fen, 9900);
  EXPECT_EQ(book.ledger("c-1", 0, 0).size(), 2u);
}

TYPED_TEST_P(CardBookContractTest, NewRefundGetsIdAndItsEntriesTheRef) {
  CardBook& book = this->book();
  const Result<MoneyPlan> stored = book.apply(dispense_plan(book, "t-1", 100, 0));
  ASSERT_TRUE(stored.ok()) << stored.error().to_string();
  ASSERT_TRUE(stored->refund);
  EXPECT_EQ(stored->refund->refund.id, "r-000001");
  EXPECT_EQ(stored->refund->refund.revision, 1u);
  const std::vector<LedgerEntry> ledger = book.ledger("c-1", 0, 0);
  ASSERT_EQ(ledger.size(), 3u);
  EXPECT_EQ(ledger[0].kind, EntryKind::kRefund) << "newest first";
  EXPECT_EQ(ledger[0].ref, "r-000001");
  EXPECT_EQ(ledger[0].seq, 3u);
  EXPECT_EQ(stored->cards.at(0).entries.back(), ledger[0]) << "the plan as stored";
  EXPECT_EQ(book.refund("r-000001")->amount_fen, 100);
  EXPECT_EQ(card_of(book).balance_fen, 10000);
  EXPECT_TRUE(check_ledger("c-1", 10000, chronological(book, "c-1")).ok());
}

TYPED_TEST_P(CardBookContractTest, RefundsBeyondTheChargeAreRefused) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 2500, 0)).ok());  // pending: over the limit
  const Refund pending = book.refunds_of_dispense("wm-0001", "t-1").at(0);
  ASSERT_EQ(pending.state, RefundState::kPendingReview);
  // Another refund of the same dispense for 1 fen more than nothing left.
  MoneyPlan plan;
  Refund extra = pending;
  extra.id.clear();
  extra.amount_fen = 1;
  extra.idempotency_key = "k-1";
  plan.refund = RefundWrite{0, extra};
  plan.caps = CapBasis{"c-1", "wm-0001", pending.day, book.counters("c-1", "wm-0001", pending.day)};
  EXPECT_EQ(code_of(book.apply(plan)), "conflict/amount_fen");
  // Once the pending one is rejected, the amount is free again.
  MoneyPlan reject;
  Refund rejected = pending;
  rejected.state = RefundState::kRejected;
  reject.refund = RefundWrite{pending.revision, rejected};
  ASSERT_TRUE(book.apply(reject).ok());
  EXPECT_TRUE(book.apply(plan).ok());
}

TYPED_TEST_P(CardBookContractTest, RefundOfAnUnrecordedDispenseIsRefused) {
  MoneyPlan plan;
  Refund refund;
  refund.card = "c-1";
  refund.device_id = "wm-0001";
  refund.txn = "t-404";
  refund.amount_fen = 1;
  plan.refund = RefundWrite{0, refund};
  plan.caps = CapBasis{"c-1", "wm-0001", 0, {}};
  EXPECT_EQ(code_of(this->book().apply(plan)), "conflict/amount_fen");
}

TYPED_TEST_P(CardBookContractTest, RefundUpdatesAreCompareAndSetFromPendingOnly) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 2500, 0)).ok());
  Refund refund = book.refunds_of_dispense("wm-0001", "t-1").at(0);
  Refund rejected = refund;
  rejected.state = RefundState::kRejected;
  MoneyPlan first;
  first.refund = RefundWrite{refund.revision, rejected};
  ASSERT_TRUE(book.apply(first).ok());
  EXPECT_EQ(book.refund(refund.id)->revision, 2u);
  EXPECT_EQ(code_of(book.apply(first)), "conflict/revision") << "stale and no longer pending";
  MoneyPlan unknown;
  rejected.id = "r-999999";
  unknown.refund = RefundWrite{1, rejected};
  EXPECT_EQ(code_of(book.apply(unknown)), "not_found/id");
}

TYPED_TEST_P(CardBookContractTest, CapCountersThatMovedAreAConflict) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 10, 0)).ok());  // one automatic refund
  // A plan that read the counters before that refund.
  EXPECT_EQ(code_of(book.apply(dispense_plan(book, "t-2", 10, 0, RefundCounters{}))),
            "conflict/counters");
  const std::int64_t day = local_day(testutil::site(), kT0);
  EXPECT_EQ(book.counters("c-1", "wm-0001", day), (RefundCounters{1, 1, 0}));
  EXPECT_EQ(book.counters("c-1", "wm-0001", day + 1), (RefundCounters{}));
  EXPECT_TRUE(book.apply(dispense_plan(book, "t-2", 10, 0, RefundCounters{1, 1, 0})).ok());
}

TYPED_TEST_P(CardBookContractTest, IdempotencyKeyIsUnique) {
  CardBook& book = this->book();
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 500, 500)).ok());
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
    plan.caps = CapBasis{"c-1", "wm-0001", 0, book.counters("c-1", "wm-0001", 0)};
    return plan;
  };
  ASSERT_TRUE(book.apply(claim(10)).ok());
  EXPECT_EQ(book.counters("c-1", "wm-0001", 0), (RefundCounters{0, 0, 1})) << "claims count";
  EXPECT_EQ(code_of(book.apply(claim(20))), "conflict/idempotency_key");
  EXPECT_EQ(book.refund_by_key("k-1")->amount_fen, 10);
  EXPECT_EQ(book.refund_by_key(""), std::nullopt) << "dispense refunds have no key";
}

TYPED_TEST_P(CardBookContractTest, PlansThatBreakTheShapeRulesAreInvalid) {
  CardBook& book = this->book();
  MoneyPlan wrong_sign;
  CardWrite& w = write_of(wrong_sign, card_of(book));
  append_entry(w, EntryKind::kCharge, 50, kT0, {});
  EXPECT_EQ(book.apply(wrong_sign).error().code, "invalid_plan");

  MoneyPlan wrong_start = recharge_plan(card_of(book), 10, "pay-2");
  wrong_start.cards[0].card.balance_fen += 1;
  wrong_start.cards[0].entries[0].balance_after_fen += 1;
  EXPECT_EQ(book.apply(wrong_start).error().code, "invalid_plan")
      << "the entries must start from the stored balance";

  MoneyPlan pending_with_credit = dispense_plan(book, "t-1", 100, 0);
  pending_with_credit.refund->refund.state = RefundState::kPendingReview;
  EXPECT_EQ(book.apply(pending_with_credit).error().code, "invalid_plan");

  MoneyPlan no_caps = dispense_plan(book, "t-1", 100, 0);
  no_caps.caps.reset();
  EXPECT_EQ(book.apply(no_caps).error().code, "invalid_plan");

  MoneyPlan closed_with_money;
  CardWrite& c = write_of(closed_with_money, card_of(book));
  c.card.state = CardState::kClosed;
  EXPECT_EQ(book.apply(closed_with_money).error().code, "invalid_plan");
  EXPECT_EQ(card_of(book).revision, 1u) << "nothing was written";
}

TYPED_TEST_P(CardBookContractTest, LedgerPagesNewestFirst) {
  CardBook& book = this->book();
  Card c = card_of(book);
  for (int i = 2; i <= 5; ++i) {
    ASSERT_TRUE(book.apply(recharge_plan(c, i, "pay-" + std::to_string(i))).ok());
    c = card_of(book);
  }
  const std::vector<LedgerEntry> first = book.ledger("c-1", 0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].seq, 5u);
  EXPECT_EQ(first[1].seq, 4u);
  const std::vector<LedgerEntry> next = book.ledger("c-1", first.back().seq, 2);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0].seq, 3u);
  EXPECT_EQ(book.ledger("c-1", 2, 0).size(), 1u);
  EXPECT_TRUE(book.ledger("c-404", 0, 0).empty());
}

TYPED_TEST_P(CardBookContractTest, RefundListFiltersAndPages) {
  CardBook& book = this->book();
  for (int i = 1; i <= 3; ++i) {
    const RefundCounters today = book.counters("c-1", "wm-0001", local_day(testutil::site(), kT0));
    ASSERT_TRUE(book.apply(dispense_plan(book, "t-" + std::to_string(i), 2100 + i, 0, today)).ok())
        << i;
    ASSERT_TRUE(book.apply(recharge_plan(card_of(book), 2200, "top-" + std::to_string(i))).ok());
  }
  RefundFilter queue;
  queue.state = RefundState::kPendingReview;
  queue.reviewer_org = "op-1";
  queue.limit = 2;
  const std::vector<Refund> page = book.list_refunds(queue);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, "r-000001");
  queue.after_id = page.back().id;
  const std::vector<Refund> rest = book.list_refunds(queue);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, "r-000003");
  queue.after_id = "r-999999";
  EXPECT_TRUE(book.list_refunds(queue).empty()) << "an unknown cursor matches nothing";
  queue.reviewer_org = "pm-7";
  queue.after_id.reset();
  EXPECT_TRUE(book.list_refunds(queue).empty());
}

REGISTER_TYPED_TEST_SUITE_P(
    CardBookContractTest, NewCardGetsRevisionOneAndSeqs, StaleRevisionIsAConflictAndWritesNothing,
    CreatingAnExistingCardIsAConflict, AllOrNothingAcrossTwoCards, RechargeRefIsUniqueOverAllCards,
    DispenseIsRecordedOnce, NewRefundGetsIdAndItsEntriesTheRef, RefundsBeyondTheChargeAreRefused,
    RefundOfAnUnrecordedDispenseIsRefused, RefundUpdatesAreCompareAndSetFromPendingOnly,
    CapCountersThatMovedAreAConflict, IdempotencyKeyIsUnique, PlansThatBreakTheShapeRulesAreInvalid,
    LedgerPagesNewestFirst, RefundListFiltersAndPages);

}  // namespace wm::tickets::contract
