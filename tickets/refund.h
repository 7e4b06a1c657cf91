// The money side of a dispense, and refunds (DESIGN.md "Cards and refunds", API.md
// POST /refunds). Plain values: the planners decide them, a CardBook keeps them.
//
// A DispenseRecord is written once per (device_id, txn), when the dispense event is first
// taken; it says what the ledger charged for it. A Refund gives back part of one charged
// dispense. Refund life cycle:
//   approved (automatically, by the rules) | pending_review
//   pending_review --approve--> approved;  pending_review --reject--> rejected
// Approved and pending refunds of a dispense together never exceed what it charged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/fault_kind.h"

namespace wm::tickets {

// What the ledger did with a dispense's charge.
enum class ChargeOutcome : std::uint8_t {
  kCharged,      // a charge entry of charged_fen
  kFree,         // charged_fen was 0: nothing to charge
  kOverdraw,     // above the balance: not applied, flagged for review
  kUnknownCard,  // no card has the token: not applied, flagged for review
};
std::string_view to_string(ChargeOutcome outcome);  // "unknown_card"
std::optional<ChargeOutcome> charge_outcome_from_string(std::string_view name);

struct DispenseRecord {
  std::string device_id;
  std::string txn;
  std::string site_id;
  std::string card;
  std::int64_t ts_ms = 0;        // the machine's event time
  std::int64_t charged_fen = 0;  // what the machine reported
  std::int64_t requested_ml = 0;
  std::int64_t dispensed_ml = 0;
  bool failure_active = false;  // dispense_failure / E08 active at ts_ms
  ChargeOutcome outcome = ChargeOutcome::kCharged;
  std::int64_t applied_fen = 0;  // what the ledger charged: charged_fen or 0
  bool suspicious = false;       // the card was lost or closed
  std::string evidence;          // the twin's relevant values at the time
  bool operator==(const DispenseRecord&) const = default;
};

enum class RefundState : std::uint8_t { kApproved, kPendingReview, kRejected };
std::string_view to_string(RefundState state);  // "pending_review"
std::optional<RefundState> refund_state_from_string(std::string_view name);

// Where the refund came from: the dispense itself (charged-but-no-water, automatic) or a
// person's claim (POST /refunds).
enum class RefundOrigin : std::uint8_t { kDispense, kClaim };
std::string_view to_string(RefundOrigin origin);  // "claim"
std::optional<RefundOrigin> refund_origin_from_string(std::string_view name);

// Why a refund waits for review instead of being approved automatically. Stable words,
// shown to the reviewer and in the API.
namespace review_reason {
inline constexpr std::string_view kOverLimit = "over_limit";      // above the auto limit
inline constexpr std::string_view kCardFlagged = "card_flagged";  // the card has an open flag
inline constexpr std::string_view kCardCap = "card_cap";          // daily cap of the card
inline constexpr std::string_view kDeviceCap = "device_cap";      // daily cap of the machine
inline constexpr std::string_view kDelivered = "delivered";       // machine says it all came out
inline constexpr std::string_view kNoEvidence = "no_evidence";    // half or more came out
inline constexpr std::string_view kOverShare = "over_share";      // above the undelivered share
inline constexpr std::string_view kRepeatClaim = "repeat_claim";  // more claims today
}  // namespace review_reason

struct Refund {
  std::string id;              // assigned by the CardBook on insert ("r-000001")
  std::uint64_t revision = 0;  // bumped on every stored change (compare-and-set)
  std::string card;
  std::string device_id;
  std::string txn;
  std::string site_id;
  std::int64_t amount_fen = 0;  // > 0
  RefundState state = RefundState::kPendingReview;
  RefundOrigin origin = RefundOrigin::kDispense;
  bool auto_approved = false;               // approved by the rules, counts toward the daily caps
  std::vector<std::string> review_reasons;  // why it waits (review_reason::*)
  // Who reviews it: the party the matrix names for refund_dispute at the site.
  devices::Party reviewer_party = devices::Party::kOperator;
  std::string reviewer_org;
  std::string reviewer_rule;    // "default:school/refund_dispute"
  std::string reason;           // the claimant's words, or what the machine reported
  std::string evidence;         // the dispense event and the twin's values
  std::string ticket_id;        // the machine's dispense_failure ticket, when known
  std::string idempotency_key;  // claims only; unique over all refunds
  std::string body_hash;        // claims only: the canonical body the key was first used with
  std::string requested_by;     // actor label ("agent:op-1"); "system" for dispense refunds
  std::int64_t created_at_ms = 0;
  std::int64_t day = 0;  // local day number at the site (caps count per day)
  std::optional<std::int64_t> decided_at_ms;
  std::string decided_by;  // "system" for automatic approval, else the reviewer's label
  std::string decision_note;

  [[nodiscard]] bool committed() const {  // counts against what is left to refund
    return state == RefundState::kApproved || state == RefundState::kPendingReview;
  }
  bool operator==(const Refund&) const = default;
};

}  // namespace wm::tickets
