// A MoneyPlan is everything one money decision writes, as one unit: card states with their
// new ledger entries, a dispense record, one refund (new or changed), flags, and the cap
// counters the decision relied on. Planners (plan_dispense, the CardDesk) build plans from
// snapshots without writing; CardBook::apply() writes a plan whole or not at all, after
// checking that the snapshots still hold (compare-and-set) and that unique keys are new.
//
// Fields the CardBook assigns (the planner leaves them as read): Card::revision and
// Card::entry_count, LedgerEntry::seq, Refund::id and Refund::revision, and the `ref` of
// the refund entry of a new refund (the new id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/result.h"
#include "tickets/card.h"
#include "tickets/ledger.h"
#include "tickets/refund.h"
#include "tickets/refund_policy.h"

namespace wm::tickets {

// A card's state after the plan. Written only while the stored card still has
// `expected_revision`; 0 means the card must not exist yet and is created.
struct CardWrite {
  std::uint64_t expected_revision = 0;
  Card card;                         // balance_fen = the balance read + the sum of `entries`
  std::vector<LedgerEntry> entries;  // appended in order; balance_after_fen set by the planner
  bool operator==(const CardWrite&) const = default;
};

// A refund to insert (expected_revision 0: the book gives it an id; its idempotency key,
// when set, must be new) or to change (compare-and-set on the revision, and only from
// pending_review).
struct RefundWrite {
  std::uint64_t expected_revision = 0;
  Refund refund;
  bool operator==(const RefundWrite&) const = default;
};

// The counters a refund decision read: the book recounts them at write time and refuses
// with "conflict" if they moved, so the daily caps hold exactly under concurrent writers.
struct CapBasis {
  std::string card;
  std::string device_id;
  std::int64_t day = 0;
  RefundCounters counters;
  bool operator==(const CapBasis&) const = default;
};

struct MoneyPlan {
  std::vector<CardWrite> cards;            // at most one per token
  std::optional<DispenseRecord> dispense;  // inserted; (device_id, txn) must be new
  std::optional<RefundWrite> refund;
  std::vector<CardFlag> flags;   // appended
  std::optional<CapBasis> caps;  // required with a new refund

  [[nodiscard]] bool empty() const {
    return cards.empty() && !dispense && !refund && flags.empty() && !caps;
  }
  bool operator==(const MoneyPlan&) const = default;
};

// Checks what a plan must satisfy whatever the store holds, and answers "invalid_plan"
// (a planner bug; never retried) naming the first violation:
// - one write per card; every entry names its card, has its kind's sign, and the entries
//   carry a running balance that never goes below zero and ends at card.balance_fen
//   (<= kMaxBalanceFen); a closed card ends at zero;
// - a charge entry matches the plan's dispense (applied_fen, device, txn), at most one;
// - a refund entry exists exactly when the plan's refund becomes approved (at most one,
//   of its amount, naming its dispense; ref empty for a new refund, else its id);
// - a recharge entry has a ref; a refund amount is > 0; a new refund is not rejected and
//   comes with caps; an update does not go back to pending_review.
[[nodiscard]] Status validate_plan(const MoneyPlan& plan);

// Every ledger entry of the plan, card by card in plan order.
std::vector<LedgerEntry> all_entries(const MoneyPlan& plan);

// Planner helpers. write_of() returns the plan's write of `snapshot`'s card, adding one
// (expected_revision = snapshot.revision) when there is none yet.
CardWrite& write_of(MoneyPlan& plan, const Card& snapshot);
// Appends an entry to `write`, updating the card's balance and the entry's balance_after.
void append_entry(CardWrite& write, EntryKind kind, std::int64_t amount_fen, std::int64_t at_ms,
                  std::string ref, std::string device_id = {}, std::string txn = {},
                  std::string note = {});
// Records `flag` in the plan and marks the card flagged (when there is a card).
void add_flag(MoneyPlan& plan, Card* card, CardFlag flag);

// Credits an approved refund: on the refund's card, or when that card was reissued, on
// the card it was reissued to (`chain` = the card and its successors, in order); on a
// closed card with no successor the refund is paid out (a refund and a refund_out entry).
// `plan.refund` must already hold the refund (its id, or empty when new).
[[nodiscard]] Status credit_refund(MoneyPlan& plan, const std::vector<Card>& chain,
                                   std::int64_t at_ms);

}  // namespace wm::tickets
