// A card's append-only ledger: every movement of money is one entry, and a card's balance
// is the sum of its entries (DESIGN.md "Cards and refunds"). Entries are never changed or
// removed; a correction is a new entry.
//
// Signs by kind (checked by entry_sign_ok): credits are positive, debits negative, never 0.
//   recharge      +  money paid in; `ref` is the payment reference, unique over all cards
//   charge        -  a dispense; `device_id`/`txn` name it (at most one charge per dispense)
//   refund        +  an approved refund; `ref` is the refund id (at most one per refund)
//   transfer_out  -  reissue: the balance leaves the old card; `ref` is the new card's token
//   transfer_in   +  reissue: the balance arrives on the new card; `ref` is the old token
//   refund_out    -  paid out in cash: on close, or a refund approved after the card closed
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocols/result.h"

namespace wm::tickets {

enum class EntryKind : std::uint8_t {
  kRecharge,
  kCharge,
  kRefund,
  kTransferOut,
  kTransferIn,
  kRefundOut,
};
std::string_view to_string(EntryKind kind);  // "transfer_out"
std::optional<EntryKind> entry_kind_from_string(std::string_view name);

// True when `amount_fen` has the sign `kind` requires (and is not zero).
bool entry_sign_ok(EntryKind kind, std::int64_t amount_fen);

// A balance above this is refused as out of range (no int64 arithmetic on money can then
// overflow: amounts are bounded far below it too).
inline constexpr std::int64_t kMaxBalanceFen = 1'000'000'000'000;  // 10^10 yuan
// One recharge is 1 fen to 100,000 yuan.
inline constexpr std::int64_t kMaxRechargeFen = 10'000'000;

struct LedgerEntry {
  std::string card;
  std::uint64_t seq = 0;  // 1, 2, ... per card, assigned by the CardBook
  EntryKind kind = EntryKind::kRecharge;
  std::int64_t amount_fen = 0;         // signed, see the table above
  std::int64_t balance_after_fen = 0;  // the card's balance with this entry, >= 0
  std::int64_t at_ms = 0;
  std::string ref;        // payment reference, refund id or the other card's token
  std::string device_id;  // charge and refund: the dispense
  std::string txn;
  std::string note;
  bool operator==(const LedgerEntry&) const = default;
};

// Checks one card's whole ledger (in seq order) against its stored balance: seqs are
// 1..n without gaps, every entry names the card, has its kind's sign, and carries the
// running sum as balance_after_fen, which never goes below zero; the last running sum is
// `balance_fen`. The first violation comes back as Error "invariant" naming the entry.
// Used by tests and by stores that verify what they hold.
[[nodiscard]] Status check_ledger(std::string_view card, std::int64_t balance_fen,
                                  std::span<const LedgerEntry> entries);

}  // namespace wm::tickets
