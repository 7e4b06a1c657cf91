// A stored-value card (储值卡) and the flags raised against it (DESIGN.md "Cards and
// refunds"). Plain values: the planners decide a card's next state, a CardBook keeps it.
//
// Life cycle:
//   active --report_lost--> lost (挂失: blocked at once)
//   active | lost --reissue--> closed (the balance moves to the new card)
//   active | lost --close--> closed (the balance is refunded out)
// A closed card's balance is zero and stays zero. Money is integer fen everywhere.
// Times are Unix milliseconds (UTC); the domain never reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/result.h"

namespace wm::tickets {

enum class CardState : std::uint8_t { kActive, kLost, kClosed };
std::string_view to_string(CardState state);  // "lost"
std::optional<CardState> card_state_from_string(std::string_view name);

// Card tokens come from machines (1 to 64 characters, PROTOCOLS.md) and from URLs.
inline constexpr std::size_t kMaxCardTokenChars = 64;
// "missing_field" / "out_of_range" naming `field` when `token` is not 1 to 64 bytes
// without control characters (what the decoders accept; UTF-8 is fine).
[[nodiscard]] Status check_card_token(std::string_view token, std::string_view field);

struct Card {
  std::string token;
  // Bumped by the CardBook on every write of the card (compare-and-set); 0 = not stored.
  std::uint64_t revision = 0;
  CardState state = CardState::kActive;
  std::int64_t balance_fen = 0;   // the sum of the card's ledger entries, never below zero
  std::uint64_t entry_count = 0;  // ledger entries so far = seq of the newest (set by the book)
  bool flagged = false;           // a flag is open: no refund of this card is automatic
  std::uint32_t flag_count = 0;   // flags ever recorded against the card
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> lost_at_ms;
  std::optional<std::int64_t> closed_at_ms;
  std::string reissued_to;    // the successor's token once reissued
  std::string reissued_from;  // the predecessor's token on a reissued card

  [[nodiscard]] bool closed() const { return state == CardState::kClosed; }
  bool operator==(const Card&) const = default;
};

// Why a card (or a token no card has) was flagged for review.
enum class FlagReason : std::uint8_t {
  kOverdraw,          // a charge above the balance: not applied, the machine gave water anyway
  kUsedWhileLost,     // a dispense after the loss was reported (suspicious)
  kUsedWhileClosed,   // a dispense on a closed card
  kUnknownCard,       // a dispense with a token no card has
  kClaimOnDelivered,  // a refund claim for a dispense the machine reports fully delivered
};
std::string_view to_string(FlagReason reason);  // "used_while_lost"
std::optional<FlagReason> flag_reason_from_string(std::string_view name);

// One flag, append-only. `device_id`/`txn` name the dispense when there is one.
struct CardFlag {
  std::string card;
  FlagReason reason = FlagReason::kOverdraw;
  std::string device_id;
  std::string txn;
  std::int64_t amount_fen = 0;  // the charge or claim concerned
  std::int64_t at_ms = 0;
  std::string note;  // for the reviewer: "balance 120 fen, charge 300 fen"
  bool operator==(const CardFlag&) const = default;
};

}  // namespace wm::tickets
