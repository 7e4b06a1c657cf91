// The rows of the card tables (schema migration 4) as the domain's values: the column
// lists, binding a value's columns to a statement and reading them back. Shared by
// SqliteCardBook's reads and apply_money_plan(), so a column is spelled in one place.
//
// Every `*_of(st)` reads the columns of its list starting at column 0. A stored word that
// no enum knows means the file was changed behind the gateway's back: it throws
// SqliteError(SQLITE_CORRUPT) naming the table, like any other storage failure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/sqlite.h"
#include "tickets/card.h"
#include "tickets/ledger.h"
#include "tickets/refund.h"

namespace wm::gateway::card_rows {

// Columns of `cards`; bind_card() binds them to ?1..?12 in this order.
inline constexpr std::string_view kCardColumns =
    "token, revision, state, balance_fen, entry_count, flagged, flag_count, created_at_ms,"
    " lost_at_ms, closed_at_ms, reissued_to, reissued_from";
inline constexpr int kCardColumnCount = 12;

// Columns of `ledger`; ?1..?10.
inline constexpr std::string_view kEntryColumns =
    "card, seq, kind, amount_fen, balance_after_fen, at_ms, ref, device_id, txn, note";
inline constexpr int kEntryColumnCount = 10;

// Columns of `dispenses`; ?1..?13.
inline constexpr std::string_view kDispenseColumns =
    "device_id, txn, site_id, card, ts_ms, charged_fen, requested_ml, dispensed_ml,"
    " failure_active, outcome, applied_fen, suspicious, evidence";
inline constexpr int kDispenseColumnCount = 13;

// Columns of `refunds` except `number`; ?1..?25.
inline constexpr std::string_view kRefundColumns =
    "id, revision, card, device_id, txn, site_id, amount_fen, state, origin, auto_approved,"
    " review_reasons, reviewer_party, reviewer_org, reviewer_rule, reason, evidence, ticket_id,"
    " idempotency_key, body_hash, requested_by, created_at_ms, day, decided_at_ms, decided_by,"
    " decision_note";
inline constexpr int kRefundColumnCount = 25;

// Columns of `card_flags` except `id`; ?1..?7.
inline constexpr std::string_view kFlagColumns =
    "card, reason, device_id, txn, amount_fen, at_ms, note";
inline constexpr int kFlagColumnCount = 7;

// "?1, ?2, ..., ?n": the VALUES of an INSERT of `n` columns.
std::string placeholders(int n);

void bind_card(Statement& st, const tickets::Card& card);
void bind_entry(Statement& st, const tickets::LedgerEntry& entry);
void bind_dispense(Statement& st, const tickets::DispenseRecord& record);
void bind_refund(Statement& st, const tickets::Refund& refund);
void bind_flag(Statement& st, const tickets::CardFlag& flag);

tickets::Card card_of(const Statement& st);
tickets::LedgerEntry entry_of(const Statement& st);
tickets::DispenseRecord dispense_of(const Statement& st);
tickets::Refund refund_of(const Statement& st);
tickets::CardFlag flag_of(const Statement& st);

// Refund::review_reasons in one column: the review_reason words joined by ','.
std::string join_reasons(const std::vector<std::string>& reasons);
std::vector<std::string> split_reasons(std::string_view joined);

}  // namespace wm::gateway::card_rows
