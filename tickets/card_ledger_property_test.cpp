// Randomized property tests of the money invariants, over thousands of operation sequences
// with fixed seeds: recharges (refs reused), dispenses (redelivered, altered, reordered,
// on lost, closed and unknown cards), loss, reissue, close, claims (keys reused), reviews
// by every role. After every step:
// - every card's ledger sums to its balance, never dips below zero, has seqs 1..n; a closed
//   card holds nothing;
// - every (device, txn) is charged at most once, for what its record says was applied;
// - no dispense is refunded beyond its charge; approved refunds are credited exactly once,
//   other refunds never; a payment reference pays once;
// - money is conserved: balances = recharges - charges + refunds - refunds paid out;
// - the daily caps of automatic refunds hold;
// - a refused call changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "tickets/card_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using Fingerprint = InMemoryCardBook::Counts;  // what any write changes

Fingerprint fingerprint(const InMemoryCardBook& book) { return book.counts(); }

class Sequence;

template <class T>
std::optional<Error> error_of(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.error();
}

// What a person may be told; anything else ("invalid_plan") is a bug.
bool expected_refusal(const Error& error) {
  static const std::set<std::string> kCodes = {"missing_field", "out_of_range",
                                               "forbidden",     "not_found",
                                               "conflict",      "idempotency_mismatch"};
  return kCodes.count(error.code) != 0;
}

class LedgerPropertyTest : public CardDeskTest {
 protected:
  friend class Sequence;

  // Every invariant of the file comment; `where` names the step on failure.
  static void check_invariants(const InMemoryCardBook& book, const std::string& where,
                               const RefundPolicy& policy) {
    struct Money {  // per (device, txn)
      int charges = 0;
      std::int64_t charged = 0, credited = 0, committed = 0, approved = 0;
    };
    std::map<std::pair<std::string, std::string>, Money> by_dispense;
    std::map<std::string, int> credits_of_refund;
    std::set<std::string> refs;
    std::int64_t balances = 0, flow = 0;
    for (const std::string& token : book.tokens()) {
      const Card card = *book.card(token);
      std::vector<LedgerEntry> ledger = book.ledger(token, 0, 0);
      std::reverse(ledger.begin(), ledger.end());
      const Status ok = check_ledger(token, card.balance_fen, ledger);
      ASSERT_TRUE(ok.ok()) << where << ": " << ok.error().to_string();
      ASSERT_EQ(card.entry_count, ledger.size()) << where;
      if (card.closed()) {
        ASSERT_EQ(card.balance_fen, 0) << where;
      }
      balances += card.balance_fen;
      for (const LedgerEntry& e : ledger) {
        if (e.kind != EntryKind::kTransferIn && e.kind != EntryKind::kTransferOut) {
          flow += e.amount_fen;
        }
        if (e.kind == EntryKind::kCharge) {
          Money& m = by_dispense[{e.device_id, e.txn}];
          m.charged -= e.amount_fen;
          ++m.charges;
        }
        if (e.kind == EntryKind::kRefund) {
          by_dispense[{e.device_id, e.txn}].credited += e.amount_fen;
          ++credits_of_refund[e.ref];
        }
        if (e.kind == EntryKind::kRecharge) {
          ASSERT_TRUE(refs.insert(e.ref).second) << where;
        }
      }
    }
    ASSERT_EQ(balances, flow) << where << ": transfers must net out";
    const std::vector<Refund> refunds = book.all_refunds();
    for (const Refund& r : refunds) {
      Money& m = by_dispense[{r.device_id, r.txn}];
      if (r.committed()) m.committed += r.amount_fen;
      if (r.state == RefundState::kApproved) m.approved += r.amount_fen;
    }
    for (const DispenseRecord& d : book.all_dispenses()) {
      const Money& m = by_dispense[{d.device_id, d.txn}];
      ASSERT_LE(m.charges, 1) << where << ": " << d.txn << " charged twice";
      ASSERT_EQ(m.charged, d.applied_fen) << where << ": " << d.txn;
      ASSERT_TRUE(d.applied_fen == 0 || d.applied_fen == d.charged_fen) << where;
      ASSERT_LE(m.committed, d.applied_fen) << where << ": " << d.txn << " refunded beyond";
      ASSERT_EQ(m.credited, m.approved) << where << ": " << d.txn;
    }
    ASSERT_EQ(by_dispense.size(), book.all_dispenses().size())
        << where << ": money moved for a dispense that is not on record";
    std::map<std::pair<std::string, std::int64_t>, int> card_auto, device_auto;
    for (const Refund& r : refunds) {
      const int credits = credits_of_refund[r.id];
      ASSERT_EQ(credits, r.state == RefundState::kApproved ? 1 : 0) << where << ": " << r.id;
      if (r.auto_approved) {
        ASSERT_LE(++card_auto[std::make_pair(r.card, r.day)], policy.max_auto_per_card_day)
            << where;
        ASSERT_LE(++device_auto[std::make_pair(r.device_id, r.day)], policy.max_auto_per_device_day)
            << where;
      }
    }
  }
};

// One random sequence: a small world where names collide often.
class Sequence {
 public:
  Sequence(LedgerPropertyTest& test, const InMemoryCardBook& book, CardDesk& desk,
           std::uint64_t seed)
      : t_(test), book_(book), desk_(desk), rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string token() {
    return pick(8) == 0 ? "c-new" + std::to_string(pick(4)) : "c-" + std::to_string(pick(4));
  }
  const Actor& actor() {
    static const Actor actors[] = {{Role::kAdmin, ""},        {Role::kOperator, "op-1"},
                                   {Role::kProperty, "pm-7"}, {Role::kAgent, "op-1"},
                                   {Role::kOperator, "op-2"}, {Role::kSelfService, ""}};
    return actors[pick(6)];
  }

  // Runs one operation; returns its error when it was refused.
  std::optional<Error> step(std::int64_t now) {
    const int op = pick(100);
    if (op < 20) {
      return error_of(
          desk_.recharge(token(), between(1, 5000), "p-" + std::to_string(pick(16)), actor(), now));
    }
    if (op < 55) return error_of(desk_.on_dispense(dispense(now)));
    if (op < 60) return error_of(desk_.report_lost(token(), actor(), now));
    if (op < 64) return error_of(desk_.reissue(token(), token(), actor(), now));
    if (op < 67) return error_of(desk_.close(token(), actor(), now));
    if (op < 85 && !sent_.empty()) {
      const DispenseFacts& f = sent_[pick(static_cast<int>(sent_.size()))];
      RefundClaim c;
      c.idempotency_key = "k-" + std::to_string(pick(24));
      c.card = pick(10) == 0 ? token() : f.card;
      c.device_id = f.device_id;
      c.txn = f.txn;
      c.amount_fen = between(1, 400);
      c.reason = "no water";
      return error_of(desk_.request_refund(c, actor(), now));
    }
    const std::vector<Refund> refunds = book_.all_refunds();
    if (refunds.empty()) return std::nullopt;
    const std::string id = refunds[pick(static_cast<int>(refunds.size()))].id;
    return pick(2) == 0 ? error_of(desk_.approve(id, actor(), "", now))
                        : error_of(desk_.reject(id, actor(), "", now));
  }

 private:
  // A new dispense, a faithful redelivery, or a redelivery whose body was altered.
  DispenseFacts dispense(std::int64_t now) {
    if (!sent_.empty() && pick(3) == 0) {
      DispenseFacts f = sent_[pick(static_cast<int>(sent_.size()))];
      if (pick(4) == 0) {
        f.dispensed_ml = between(0, f.requested_ml);
        f.failure_active = pick(2) == 0;
      }
      return f;
    }
    const std::string device = pick(2) == 0 ? "wm-0001" : "wm-0002";
    const std::int64_t requested = between(1, 6) * 100;
    DispenseFacts f = t_.facts("t-" + std::to_string(sent_.size()), token(), between(0, 300),
                               requested, pick(2) == 0 ? requested : between(0, requested),
                               now - between(0, 2) * LedgerPropertyTest::kDay, device);
    f.failure_active = pick(5) == 0;
    sent_.push_back(f);
    return f;
  }

  LedgerPropertyTest& t_;
  const InMemoryCardBook& book_;
  CardDesk& desk_;
  std::mt19937_64 rng_;
  std::vector<DispenseFacts> sent_;
};

// Counts what a sequence produced, by kind, so the test can insist on variety.
void tally(const InMemoryCardBook& book, std::map<std::string, int>& seen) {
  for (const std::string& token : book.tokens()) {
    for (const LedgerEntry& e : book.ledger(token, 0, 0)) {
      ++seen["entry:" + std::string(to_string(e.kind))];
      if (e.kind == EntryKind::kRefundOut && !e.ref.empty()) ++seen["paid_out_after_close"];
      if (e.kind == EntryKind::kRefund && book.refund(e.ref)->card != token) {
        ++seen["credited_to_successor"];
      }
    }
    for (const CardFlag& f : book.flags(token)) ++seen["flag:" + std::string(to_string(f.reason))];
  }
  for (const DispenseRecord& d : book.all_dispenses()) {
    if (d.outcome == ChargeOutcome::kUnknownCard) ++seen["flag:unknown_card"];
  }
  for (const Refund& r : book.all_refunds()) {
    std::string key =
        "refund:" + std::string(to_string(r.origin)) + ":" + std::string(to_string(r.state));
    if (r.state == RefundState::kApproved) key += r.auto_approved ? ":auto" : ":reviewed";
    ++seen[key];
    for (const std::string& why : r.review_reasons) ++seen["why:" + why];
  }
}

TEST_F(LedgerPropertyTest, InvariantsHoldOverThousandsOfRandomSequences) {
  CardDeskConfig config;
  config.policy.max_auto_per_card_day = 2;  // small caps so they bind
  config.policy.max_auto_per_device_day = 2;
  config.policy.auto_limit_fen = 250;
  int refused = 0, steps = 0;
  std::map<std::string, int> seen;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    InMemoryCardBook book;
    CardDesk desk = make_desk_over(book, config);
    Sequence sequence(*this, book, desk, seed);
    for (int c = 0; c < 4; ++c) {
      const std::string token = "c-" + std::to_string(c);
      ASSERT_TRUE(desk.recharge(token, 3000, "p-first-" + token, agent_, kT0).ok());
    }
    std::int64_t now = kT0;
    for (int i = 0; i < 40; ++i, ++steps) {
      now += sequence.between(1, 60) * kMin;
      const Fingerprint before = fingerprint(book);
      if (const std::optional<Error> error = sequence.step(now)) {
        ++refused;
        ASSERT_TRUE(expected_refusal(*error))
            << "seed " << seed << " step " << i << ": " << error->to_string();
        ASSERT_EQ(fingerprint(book), before) << "seed " << seed << " step " << i;
      }
      check_invariants(book, "seed " + std::to_string(seed) + " step " + std::to_string(i),
                       config.policy);
      if (HasFatalFailure()) return;
    }
    tally(book, seen);
  }
  // The generator must exercise both sides and every case, or the test proves little.
  EXPECT_GT(refused, steps / 10);
  EXPECT_LT(refused, steps * 9 / 10);
  for (const char* what : {"entry:recharge",
                           "entry:charge",
                           "entry:refund",
                           "entry:transfer_out",
                           "entry:transfer_in",
                           "entry:refund_out",
                           "flag:overdraw",
                           "flag:used_while_lost",
                           "flag:used_while_closed",
                           "flag:unknown_card",
                           "flag:claim_on_delivered",
                           "refund:dispense:approved:auto",
                           "refund:claim:approved:auto",
                           "refund:dispense:approved:reviewed",
                           "refund:claim:approved:reviewed",
                           "refund:dispense:rejected",
                           "refund:claim:rejected",
                           "refund:claim:pending_review",
                           "why:over_limit",
                           "why:card_flagged",
                           "why:card_cap",
                           "why:device_cap",
                           "why:delivered",
                           "why:no_evidence",
                           "why:over_share",
                           "why:repeat_claim",
                           "paid_out_after_close",
                           "credited_to_successor"}) {
    EXPECT_GT(seen[what], 0) << what;
  }
}

// The same dispenses in different orders, redelivered, charge the same: with enough money
// and caps out of the way, the final balances and refunds do not depend on the order.
TEST_F(LedgerPropertyTest, RedeliveryAndReorderingChargeEachTxnOnce) {
  CardDeskConfig config;
  config.policy.max_auto_per_card_day = 1'000;
  config.policy.max_auto_per_device_day = 1'000;
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> fen(0, 400);
  std::uniform_int_distribution<std::int64_t> ml(0, 500);
  std::vector<DispenseFacts> all;
  for (int i = 0; i < 300; ++i) {
    const std::int64_t dispensed = i % 2 == 0 ? 500 : ml(rng);
    all.push_back(facts("t-" + std::to_string(i), "c-" + std::to_string(i % 3), fen(rng), 500,
                        dispensed, kT0 + i * kMin, i % 2 == 0 ? "wm-0001" : "wm-0002"));
  }
  std::vector<std::int64_t> first_balances;
  std::size_t first_refunds = 0;
  for (int order = 0; order < 5; ++order) {
    InMemoryCardBook book;
    CardDesk desk = make_desk_over(book, config);
    for (int c = 0; c < 3; ++c) {
      const std::string token = "c-" + std::to_string(c);
      ASSERT_TRUE(desk.recharge(token, 1'000'000, "p-" + token, agent_, kT0).ok());
    }
    std::vector<DispenseFacts> deliveries = all;
    deliveries.insert(deliveries.end(), all.begin(), all.begin() + 150);  // redelivered
    std::shuffle(deliveries.begin(), deliveries.end(), rng);
    int fresh = 0;
    for (const DispenseFacts& f : deliveries) {
      Result<DispenseOutcome> d = desk.on_dispense(f);
      ASSERT_TRUE(d.ok()) << d.error().to_string();
      fresh += d->duplicate ? 0 : 1;
    }
    EXPECT_EQ(fresh, 300);
    check_invariants(book, "order " + std::to_string(order), config.policy);
    std::vector<std::int64_t> balances;
    for (int c = 0; c < 3; ++c)
      balances.push_back(book.card("c-" + std::to_string(c))->balance_fen);
    if (order == 0) {
      first_balances = balances;
      first_refunds = book.all_refunds().size();
      EXPECT_GT(first_refunds, 50u) << "the dispenses must include failed ones";
    }
    EXPECT_EQ(balances, first_balances) << "order " << order;
    EXPECT_EQ(book.all_refunds().size(), first_refunds) << "order " << order;
  }
}

// Several consumers deliver the same dispenses at once (a broker redelivering to a
// restarted gateway): still one charge per txn, and the same balances as one at a time.
TEST_F(LedgerPropertyTest, ConcurrentRedeliveryChargesOnce) {
  CardDeskConfig config;
  config.max_attempts = 100'000;
  CardDesk desk = make_desk(config);
  recharged(desk, "c-0", 100'000, "p-0");
  recharged(desk, "c-1", 100'000, "p-1");
  std::vector<DispenseFacts> all;
  std::int64_t expected = 200'000;
  for (int i = 0; i < 200; ++i) {
    all.push_back(facts("t-" + std::to_string(i), "c-" + std::to_string(i % 2), 37, 500, 500));
    expected -= 37;
  }
  std::vector<std::thread> consumers;
  for (int k = 0; k < 4; ++k) {
    consumers.emplace_back([&, k] {
      std::vector<DispenseFacts> mine = all;
      std::shuffle(mine.begin(), mine.end(), std::mt19937_64(static_cast<std::uint64_t>(k)));
      for (const DispenseFacts& f : mine) EXPECT_TRUE(desk.on_dispense(f).ok());
    });
  }
  for (std::thread& t : consumers) t.join();
  EXPECT_EQ(balance("c-0") + balance("c-1"), expected);
  EXPECT_EQ(book_.all_dispenses().size(), 200u);
  check_invariants(book_, "concurrent", config.policy);
}

}  // namespace
}  // namespace wm::tickets
