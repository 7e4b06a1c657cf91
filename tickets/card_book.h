// Where cards, their ledgers, dispense records, refunds and flags live. The CardDesk (and
// the gateway's dispense intake, through plan_dispense) reads snapshots here and writes
// only through apply(); the gateway implements it on SQLite, tests use InMemoryCardBook.
//
// Contract every implementation keeps:
// - apply(plan) writes the whole plan or nothing. It first runs validate_plan() (answers
//   "invalid_plan": a bug, never retried), then checks against what is stored, answering
//   "conflict" (a lost race: read again, re-plan, retry) when
//     * a card's stored revision is not the write's expected_revision (expected 0: the
//       card exists already)                                               field "revision"
//     * a recharge entry's ref was used before (by any card)               field "ref"
//     * the dispense (device_id, txn) is already recorded                  field "txn"
//     * a new refund's idempotency key is taken                  field "idempotency_key"
//     * a refund update's revision moved, or the stored refund is no longer
//       pending_review                                                     field "revision"
//     * the approved and pending refunds of the dispense would exceed its applied charge,
//       or the dispense is not on record (nor in the plan)                 field "amount_fen"
//     * the counters named by plan.caps are no longer what the plan read   field "counters"
//   and "invalid_plan" when a write's entries do not start from the stored balance. A
//   refund update of an unknown id answers "not_found".
//   On success it returns the plan as stored: card revisions bumped (a new card has 1),
//   entry_count and entry seqs assigned, the new refund's id (and the ref of its entries)
//   filled in and its revision 1, an updated refund's revision bumped.
// - Reads return copies of committed state.
// - Refund ids are "r-" and a number that grows with insertion; lists are in that order.
// Implementations are safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/result.h"
#include "tickets/card.h"
#include "tickets/ledger.h"
#include "tickets/money_plan.h"
#include "tickets/refund.h"
#include "tickets/refund_policy.h"

namespace wm::tickets {

// Every set field must match. `after_id` with `limit` pages through the list in id order.
struct RefundFilter {
  std::optional<RefundState> state;  // kPendingReview: the review queue
  std::optional<std::string> card;
  std::optional<std::string> device_id;
  std::optional<std::string> reviewer_org;
  std::optional<std::string> after_id;
  std::size_t limit = 0;  // 0: no limit
};

bool matches(const RefundFilter& filter, const Refund& refund);

class CardBook {
 public:
  virtual ~CardBook() = default;

  [[nodiscard]] virtual std::optional<Card> card(std::string_view token) const = 0;
  // The card's entries, newest first: those with seq < before_seq (0: from the newest),
  // at most `limit` (0: all).
  [[nodiscard]] virtual std::vector<LedgerEntry> ledger(std::string_view token,
                                                        std::uint64_t before_seq,
                                                        std::size_t limit) const = 0;
  // The recharge entry that used payment reference `ref`, if any.
  [[nodiscard]] virtual std::optional<LedgerEntry> recharge_by_ref(std::string_view ref) const = 0;

  [[nodiscard]] virtual std::optional<DispenseRecord> dispense(std::string_view device_id,
                                                               std::string_view txn) const = 0;
  // The card's dispenses, newest (by ts_ms, then latest recorded) first, at most `limit`
  // (0: all).
  [[nodiscard]] virtual std::vector<DispenseRecord> dispenses_of_card(std::string_view token,
                                                                      std::size_t limit) const = 0;

  [[nodiscard]] virtual std::optional<Refund> refund(std::string_view id) const = 0;
  [[nodiscard]] virtual std::optional<Refund> refund_by_key(
      std::string_view idempotency_key) const = 0;
  // All refunds of one dispense, in id order.
  [[nodiscard]] virtual std::vector<Refund> refunds_of_dispense(std::string_view device_id,
                                                                std::string_view txn) const = 0;
  [[nodiscard]] virtual std::vector<Refund> list_refunds(const RefundFilter& filter) const = 0;

  // The cap counters of `card` and `device_id` on local day `day` (Refund::day).
  [[nodiscard]] virtual RefundCounters counters(std::string_view card, std::string_view device_id,
                                                std::int64_t day) const = 0;
  // Flags recorded against `card` (a token, known or not), oldest first.
  [[nodiscard]] virtual std::vector<CardFlag> flags(std::string_view card) const = 0;

  [[nodiscard]] virtual Result<MoneyPlan> apply(MoneyPlan plan) = 0;
};

// Approved + pending refunds of a dispense (what no longer can be refunded).
std::int64_t committed_fen(const std::vector<Refund>& refunds_of_dispense);

}  // namespace wm::tickets
