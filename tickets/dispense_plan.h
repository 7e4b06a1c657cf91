// A dispense event becomes money: the charge, the flags and possibly an automatic refund
// (issue 6, DESIGN.md "Cards and refunds"). plan_dispense() is a pure function so the
// gateway can run it inside the very SQLite transaction that inserts the dispense event:
// the unique (device_id, txn) index makes the event count once, and the plan is written
// in the same commit, so the charge counts exactly once too (redelivery, reordering,
// restarts and kill -9 alike).
//
// The rules, in order:
// 1. No card has the token: nothing is charged; an unknown_card flag goes to review.
// 2. A dispense on a lost or closed card, at or after the report (lost_at_ms / closed_at_ms,
//    against the event time: a late event of an earlier sale is no misuse), is suspicious:
//    the card is flagged (used_while_lost / used_while_closed). The machine already gave
//    the water, so a lost card is still charged when its balance allows, as stored-value
//    operators do (the hot card pays for what it drew; the flag keeps every refund of it
//    out of automatic approval). A closed card has no balance, so it is never charged.
// 3. charged_fen above the balance: NOT charged (the balance never goes below zero); an
//    overdraw flag records the unpaid amount for review. charged_fen 0: nothing to charge.
// 4. A charge with no-water evidence (refund_policy.h) is refunded for its undelivered
//    share: approved automatically within the auto limit, on an unflagged card and
//    within the daily caps, else pending_review for the party the matrix names for
//    refund_dispute at the site. The refund carries the evidence and the dispense_failure
//    ticket the caller names. Nothing that was not charged is refunded.
// Ledger entries of a dispense carry the event time (ts_ms), so a replay books the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "devices/inventory.h"
#include "protocols/messages.h"
#include "protocols/result.h"
#include "tickets/card.h"
#include "tickets/money_plan.h"
#include "tickets/refund_policy.h"

namespace wm::tickets {

// What the gateway knows about one dispense when it takes the event.
struct DispenseFacts {
  std::string device_id;
  devices::Site site;  // the machine's site (matrix, local day, auto limit)
  std::string txn;
  std::string card;
  std::int64_t charged_fen = 0;   // >= 0
  std::int64_t requested_ml = 0;  // > 0
  std::int64_t dispensed_ml = 0;  // >= 0
  std::int64_t ts_ms = 0;         // the event's time
  // A dispense_failure fault (E08 or the detector's finding) was active on the machine at
  // ts_ms: the twin's fault state, or an open dispense_failure ticket.
  bool failure_active = false;
  std::string evidence;           // the twin's relevant values: "E08 active since ...; flow 0"
  std::string failure_ticket_id;  // the machine's open dispense_failure ticket, if any

  // The facts of a decoded dispense event; failure, evidence and ticket are left to set.
  static DispenseFacts of(std::string device_id, devices::Site site,
                          const protocols::Dispense& dispense, std::int64_t ts_ms);
};

// The card to plan on: the stored card of facts.card (nullopt when no card has the token),
// read in the same transaction that applies the plan, or at least compared by revision.
// `today` are the counters of the card and machine on local_day(site, ts_ms).
// Errors: "missing_field" / "out_of_range" for facts no decoder would pass (empty ids,
// charged_fen < 0, requested_ml <= 0, dispensed_ml < 0). The plan always holds the
// dispense record; apply() refuses it with "conflict" if (device_id, txn) was taken.
[[nodiscard]] Result<MoneyPlan> plan_dispense(const std::optional<Card>& card,
                                              const DispenseFacts& facts,
                                              const RefundPolicy& policy,
                                              const RefundCounters& today);

}  // namespace wm::tickets
