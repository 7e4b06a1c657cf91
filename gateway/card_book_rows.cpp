#include "gateway/card_book_rows.h"

#include <cstdint>
#include <optional>

namespace wm::gateway::card_rows {
namespace {

using tickets::Card;
using tickets::CardFlag;
using tickets::DispenseRecord;
using tickets::LedgerEntry;
using tickets::Refund;

// The enum spelled by column `col`, or SqliteError(SQLITE_CORRUPT).
template <class Enum>
Enum word(const Statement& st, int col, std::optional<Enum> (*parse)(std::string_view),
          std::string_view table) {
  const std::string text = st.text(col);
  if (std::optional<Enum> value = parse(text)) return *value;
  throw SqliteError(SQLITE_CORRUPT, "table " + std::string(table) + " holds an unknown word '" +
                                        text + "' in column " + std::to_string(col) +
                                        "; the database was changed outside the gateway");
}

std::uint64_t u64(const Statement& st, int col) {
  return static_cast<std::uint64_t>(st.int64(col));
}
std::int64_t i64(std::uint64_t value) { return static_cast<std::int64_t>(value); }

}  // namespace

std::string placeholders(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) out += ", ";
    out += "?" + std::to_string(i);
  }
  return out;
}

void bind_card(Statement& st, const Card& card) {
  st.bind(1, card.token)
      .bind(2, i64(card.revision))
      .bind(3, tickets::to_string(card.state))
      .bind(4, card.balance_fen)
      .bind(5, i64(card.entry_count))
      .bind(6, card.flagged)
      .bind(7, static_cast<std::int64_t>(card.flag_count))
      .bind(8, card.created_at_ms)
      .bind(9, card.lost_at_ms)
      .bind(10, card.closed_at_ms)
      .bind(11, card.reissued_to)
      .bind(12, card.reissued_from);
}

Card card_of(const Statement& st) {
  Card card;
  card.token = st.text(0);
  card.revision = u64(st, 1);
  card.state = word(st, 2, &tickets::card_state_from_string, "cards");
  card.balance_fen = st.int64(3);
  card.entry_count = u64(st, 4);
  card.flagged = st.int64(5) != 0;
  card.flag_count = static_cast<std::uint32_t>(st.int64(6));
  card.created_at_ms = st.int64(7);
  card.lost_at_ms = st.opt_int64(8);
  card.closed_at_ms = st.opt_int64(9);
  card.reissued_to = st.text(10);
  card.reissued_from = st.text(11);
  return card;
}

void bind_entry(Statement& st, const LedgerEntry& entry) {
  st.bind(1, entry.card)
      .bind(2, i64(entry.seq))
      .bind(3, tickets::to_string(entry.kind))
      .bind(4, entry.amount_fen)
      .bind(5, entry.balance_after_fen)
      .bind(6, entry.at_ms)
      .bind(7, entry.ref)
      .bind(8, entry.device_id)
      .bind(9, entry.txn)
      .bind(10, entry.note);
}

LedgerEntry entry_of(const Statement& st) {
  LedgerEntry entry;
  entry.card = st.text(0);
  entry.seq = u64(st, 1);
  entry.kind = word(st, 2, &tickets::entry_kind_from_string, "ledger");
  entry.amount_fen = st.int64(3);
  entry.balance_after_fen = st.int64(4);
  entry.at_ms = st.int64(5);
  entry.ref = st.text(6);
  entry.device_id = st.text(7);
  entry.txn = st.text(8);
  entry.note = st.text(9);
  return entry;
}

void bind_dispense(Statement& st, const DispenseRecord& record) {
  st.bind(1, record.device_id)
      .bind(2, record.txn)
      .bind(3, record.site_id)
      .bind(4, record.card)
      .bind(5, record.ts_ms)
      .bind(6, record.charged_fen)
      .bind(7, record.requested_ml)
      .bind(8, record.dispensed_ml)
      .bind(9, record.failure_active)
      .bind(10, tickets::to_string(record.outcome))
      .bind(11, record.applied_fen)
      .bind(12, record.suspicious)
      .bind(13, record.evidence);
}

DispenseRecord dispense_of(const Statement& st) {
  DispenseRecord record;
  record.device_id = st.text(0);
  record.txn = st.text(1);
  record.site_id = st.text(2);
  record.card = st.text(3);
  record.ts_ms = st.int64(4);
  record.charged_fen = st.int64(5);
  record.requested_ml = st.int64(6);
  record.dispensed_ml = st.int64(7);
  record.failure_active = st.int64(8) != 0;
  record.outcome = word(st, 9, &tickets::charge_outcome_from_string, "dispenses");
  record.applied_fen = st.int64(10);
  record.suspicious = st.int64(11) != 0;
  record.evidence = st.text(12);
  return record;
}

void bind_refund(Statement& st, const Refund& refund) {
  st.bind(1, refund.id)
      .bind(2, i64(refund.revision))
      .bind(3, refund.card)
      .bind(4, refund.device_id)
      .bind(5, refund.txn)
      .bind(6, refund.site_id)
      .bind(7, refund.amount_fen)
      .bind(8, tickets::to_string(refund.state))
      .bind(9, tickets::to_string(refund.origin))
      .bind(10, refund.auto_approved)
      .bind(11, join_reasons(refund.review_reasons))
      .bind(12, devices::to_string(refund.reviewer_party))
      .bind(13, refund.reviewer_org)
      .bind(14, refund.reviewer_rule)
      .bind(15, refund.reason)
      .bind(16, refund.evidence)
      .bind(17, refund.ticket_id)
      .bind(18, refund.idempotency_key)
      .bind(19, refund.body_hash)
      .bind(20, refund.requested_by)
      .bind(21, refund.created_at_ms)
      .bind(22, refund.day)
      .bind(23, refund.decided_at_ms)
      .bind(24, refund.decided_by)
      .bind(25, refund.decision_note);
}

Refund refund_of(const Statement& st) {
  Refund refund;
  refund.id = st.text(0);
  refund.revision = u64(st, 1);
  refund.card = st.text(2);
  refund.device_id = st.text(3);
  refund.txn = st.text(4);
  refund.site_id = st.text(5);
  refund.amount_fen = st.int64(6);
  refund.state = word(st, 7, &tickets::refund_state_from_string, "refunds");
  refund.origin = word(st, 8, &tickets::refund_origin_from_string, "refunds");
  refund.auto_approved = st.int64(9) != 0;
  refund.review_reasons = split_reasons(st.text(10));
  refund.reviewer_party = word(st, 11, &devices::party_from_string, "refunds");
  refund.reviewer_org = st.text(12);
  refund.reviewer_rule = st.text(13);
  refund.reason = st.text(14);
  refund.evidence = st.text(15);
  refund.ticket_id = st.text(16);
  refund.idempotency_key = st.text(17);
  refund.body_hash = st.text(18);
  refund.requested_by = st.text(19);
  refund.created_at_ms = st.int64(20);
  refund.day = st.int64(21);
  refund.decided_at_ms = st.opt_int64(22);
  refund.decided_by = st.text(23);
  refund.decision_note = st.text(24);
  return refund;
}

void bind_flag(Statement& st, const CardFlag& flag) {
  st.bind(1, flag.card)
      .bind(2, tickets::to_string(flag.reason))
      .bind(3, flag.device_id)
      .bind(4, flag.txn)
      .bind(5, flag.amount_fen)
      .bind(6, flag.at_ms)
      .bind(7, flag.note);
}

CardFlag flag_of(const Statement& st) {
  CardFlag flag;
  flag.card = st.text(0);
  flag.reason = word(st, 1, &tickets::flag_reason_from_string, "card_flags");
  flag.device_id = st.text(2);
  flag.txn = st.text(3);
  flag.amount_fen = st.int64(4);
  flag.at_ms = st.int64(5);
  flag.note = st.text(6);
  return flag;
}

std::string join_reasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const std::string& reason : reasons) {
    if (!out.empty()) out += ',';
    out += reason;
  }
  return out;
}

std::vector<std::string> split_reasons(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const std::size_t comma = joined.find(',');
    out.emplace_back(joined.substr(0, comma));
    if (comma == std::string_view::npos) break;
    joined.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace wm::gateway::card_rows
