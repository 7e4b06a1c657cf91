// Entry kinds, their signs, and the whole-ledger check.
#include "tickets/ledger.h"

#include <array>

#include "protocols/enum_names.h"

namespace wm::tickets {
namespace {

constexpr std::array<std::string_view, 6> kEntryKindNames = {
    "recharge", "charge", "refund", "transfer_out", "transfer_in", "refund_out"};

Error invariant(std::string_view card, std::uint64_t seq, const std::string& what) {
  return make_error("invariant", std::string(card) + "#" + std::to_string(seq), what);
}

}  // namespace

std::string_view to_string(EntryKind kind) { return name_of(kind, kEntryKindNames); }
std::optional<EntryKind> entry_kind_from_string(std::string_view name) {
  return parse_name<EntryKind>(name, kEntryKindNames);
}

bool entry_sign_ok(EntryKind kind, std::int64_t amount_fen) {
  switch (kind) {
    case EntryKind::kRecharge:
    case EntryKind::kRefund:
    case EntryKind::kTransferIn:
      return amount_fen > 0;
    case EntryKind::kCharge:
    case EntryKind::kTransferOut:
    case EntryKind::kRefundOut:
      return amount_fen < 0;
  }
  return false;
}

Status check_ledger(std::string_view card, std::int64_t balance_fen,
                    std::span<const LedgerEntry> entries) {
  std::int64_t running = 0;
  std::uint64_t seq = 0;
  for (const LedgerEntry& entry : entries) {
    ++seq;
    if (entry.seq != seq) {
      return invariant(card, seq, "entry seq " + std::to_string(entry.seq) + " out of order");
    }
    if (entry.card != card) return invariant(card, seq, "entry names card " + entry.card);
    if (!entry_sign_ok(entry.kind, entry.amount_fen)) {
      return invariant(card, seq,
                       std::string(to_string(entry.kind)) + " of " +
                           std::to_string(entry.amount_fen) + " fen has the wrong sign");
    }
    running += entry.amount_fen;
    if (running < 0 || running > kMaxBalanceFen) {
      return invariant(card, seq, "running balance " + std::to_string(running) + " fen");
    }
    if (entry.balance_after_fen != running) {
      return invariant(card, seq,
                       "balance_after " + std::to_string(entry.balance_after_fen) +
                           " fen, sum of entries " + std::to_string(running) + " fen");
    }
  }
  if (running != balance_fen) {
    return invariant(card, seq,
                     "card balance " + std::to_string(balance_fen) + " fen, sum of entries " +
                         std::to_string(running) + " fen");
  }
  return Ok{};
}

}  // namespace wm::tickets
