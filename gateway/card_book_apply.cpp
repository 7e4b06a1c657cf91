// apply_money_plan(): a MoneyPlan written on the writer connection inside the caller's
// transaction. Like InMemoryCardBook::apply() it checks everything first, in the same
// order and with the same errors, then writes; the single writer connection serialises
// every plan, so what the checks read cannot move before the writes. A savepoint makes
// the writes all-or-nothing even when a storage failure interrupts them.
#include <cstdio>
#include <initializer_list>
#include <set>
#include <string>
#include <utility>

#include "gateway/card_book_rows.h"
#include "gateway/sqlite_card_book.h"

namespace wm::gateway {
namespace {

using tickets::Card;
using tickets::CardWrite;
using tickets::EntryKind;
using tickets::LedgerEntry;
using tickets::MoneyPlan;
using tickets::Refund;
using tickets::RefundState;

Error conflict(std::string field, std::string what) {
  return make_error("conflict", std::move(field), std::move(what));
}

bool exists(Connection& db, std::string_view sql, std::initializer_list<std::string_view> args) {
  Statement st = db.prepare(sql);
  int i = 0;
  for (std::string_view arg : args) st.bind(++i, arg);
  return st.step();
}

// What the stored ledger of a card ends with: its newest seq and balance.
struct LedgerTail {
  std::uint64_t seq = 0;
  std::int64_t balance_fen = 0;
};

LedgerTail ledger_tail(Connection& db, std::string_view token) {
  Statement st = db.prepare(
      "SELECT seq, balance_after_fen FROM ledger WHERE card = ? ORDER BY seq DESC LIMIT 1");
  st.bind(1, token);
  if (!st.step()) return {};
  return {static_cast<std::uint64_t>(st.int64(0)), st.int64(1)};
}

Status check_card(Connection& db, const CardWrite& write, std::set<std::string>& refs) {
  const Card& card = write.card;
  const std::optional<Card> stored = read_card(db, card.token);
  if (write.expected_revision == 0 && stored) {
    return conflict("revision", "card " + card.token + " exists already");
  }
  if (write.expected_revision != 0 && (!stored || stored->revision != write.expected_revision)) {
    return conflict("revision", "card " + card.token + " changed meanwhile; read it again");
  }
  const LedgerTail tail = ledger_tail(db, card.token);
  const std::int64_t stored_balance = stored ? stored->balance_fen : 0;
  if (tail.seq != (stored ? stored->entry_count : 0) || tail.balance_fen != stored_balance) {
    return make_error("invariant", card.token,
                      "the stored card disagrees with its ledger (entry " +
                          std::to_string(tail.seq) + ", balance " +
                          std::to_string(tail.balance_fen) + " fen); check the database");
  }
  std::int64_t start = card.balance_fen;
  for (const LedgerEntry& entry : write.entries) start -= entry.amount_fen;
  if (start != stored_balance) {
    return make_error("invalid_plan", card.token,
                      "the entries start from " + std::to_string(start) +
                          " fen, the stored balance is " + std::to_string(stored_balance));
  }
  for (const LedgerEntry& entry : write.entries) {
    if (entry.kind != EntryKind::kRecharge) continue;
    if (!refs.insert(entry.ref).second ||
        exists(db, "SELECT 1 FROM ledger WHERE kind = 'recharge' AND ref = ?", {entry.ref})) {
      return conflict("ref", "payment reference " + entry.ref + " was used before");
    }
  }
  return Ok{};
}

Status check_refund(Connection& db, const MoneyPlan& plan) {
  if (!plan.refund) return Ok{};
  const Refund& refund = plan.refund->refund;
  const bool is_new = plan.refund->expected_revision == 0;
  if (is_new) {
    if (!refund.idempotency_key.empty() &&
        exists(db, "SELECT 1 FROM refunds WHERE idempotency_key = ?", {refund.idempotency_key})) {
      return conflict("idempotency_key", "idempotency key " + refund.idempotency_key + " is taken");
    }
  } else {
    Statement st = db.prepare("SELECT revision, state FROM refunds WHERE id = ?");
    st.bind(1, refund.id);
    if (!st.step()) return make_error("not_found", "id", "no refund '" + refund.id + "'");
    if (static_cast<std::uint64_t>(st.int64(0)) != plan.refund->expected_revision ||
        st.text(1) != tickets::to_string(RefundState::kPendingReview)) {
      return conflict("revision", "refund " + refund.id + " changed meanwhile; read it again");
    }
  }
  std::int64_t applied = -1;
  if (plan.dispense && plan.dispense->device_id == refund.device_id &&
      plan.dispense->txn == refund.txn) {
    applied = plan.dispense->applied_fen;
  } else {
    Statement st = db.prepare("SELECT applied_fen FROM dispenses WHERE device_id = ? AND txn = ?");
    st.bind(1, refund.device_id).bind(2, refund.txn);
    if (st.step()) applied = st.int64(0);
  }
  // The other committed refunds of the dispense: an update replaces its stored row.
  Statement st = db.prepare(
      "SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE device_id = ?1 AND txn = ?2"
      " AND state IN ('approved', 'pending_review') AND (?3 IS NULL OR id <> ?3)");
  st.bind(1, refund.device_id).bind(2, refund.txn);
  if (is_new) {
    st.bind_null(3);
  } else {
    st.bind(3, refund.id);
  }
  st.step();
  const std::int64_t committed = st.int64(0) + (refund.committed() ? refund.amount_fen : 0);
  if (committed > applied) {
    return conflict("amount_fen", "refunds of " + refund.txn + " on " + refund.device_id +
                                      " would exceed what it charged");
  }
  return Ok{};
}

Status check(Connection& db, const MoneyPlan& plan) {
  if (Status s = tickets::validate_plan(plan); !s.ok()) return s;
  std::set<std::string> refs;
  for (const CardWrite& write : plan.cards) {
    if (Status s = check_card(db, write, refs); !s.ok()) return s;
  }
  if (plan.dispense && exists(db, "SELECT 1 FROM dispenses WHERE device_id = ? AND txn = ?",
                              {plan.dispense->device_id, plan.dispense->txn})) {
    return conflict("txn", "dispense " + plan.dispense->txn + " on " + plan.dispense->device_id +
                               " is already recorded");
  }
  if (Status s = check_refund(db, plan); !s.ok()) return s;
  if (plan.caps && read_counters(db, plan.caps->card, plan.caps->device_id, plan.caps->day) !=
                       plan.caps->counters) {
    return conflict("counters", "the day's refund counters moved meanwhile");
  }
  return Ok{};
}

std::string insert_sql(std::string_view table, std::string_view columns, int count) {
  return "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (" +
         card_rows::placeholders(count) + ")";
}

// Inserts a new refund (id and revision 1) or updates a pending one; the new id.
std::string write_refund(Connection& db, tickets::RefundWrite& write) {
  Refund& refund = write.refund;
  if (write.expected_revision != 0) {
    refund.revision = write.expected_revision + 1;
    Statement st = db.prepare("UPDATE refunds SET (" + std::string(card_rows::kRefundColumns) +
                              ") = (" + card_rows::placeholders(card_rows::kRefundColumnCount) +
                              ") WHERE id = ?1 AND revision = ?26 AND state = 'pending_review'");
    card_rows::bind_refund(st, refund);
    st.bind(26, static_cast<std::int64_t>(write.expected_revision)).run();
    if (db.changes() != 1) throw SqliteError(SQLITE_CONSTRAINT, "refund " + refund.id + " moved");
    return {};
  }
  Statement next = db.prepare("SELECT coalesce(max(number), 0) + 1 FROM refunds");
  next.step();
  const std::int64_t number = next.int64(0);
  char id[32];
  std::snprintf(id, sizeof id, "r-%06lld", static_cast<long long>(number));
  refund.id = id;
  refund.revision = 1;
  Statement st =
      db.prepare(insert_sql("refunds", std::string(card_rows::kRefundColumns) + ", number",
                            card_rows::kRefundColumnCount + 1));
  card_rows::bind_refund(st, refund);
  st.bind(card_rows::kRefundColumnCount + 1, number).run();
  return refund.id;
}

void write_card(Connection& db, CardWrite& write, const std::string& new_refund_id) {
  Card& card = write.card;
  const std::uint64_t base = ledger_tail(db, card.token).seq;
  card.entry_count = base + write.entries.size();
  card.revision = write.expected_revision + 1;
  if (write.expected_revision == 0) {
    Statement st =
        db.prepare(insert_sql("cards", card_rows::kCardColumns, card_rows::kCardColumnCount));
    card_rows::bind_card(st, card);
    st.run();
  } else {
    Statement st = db.prepare("UPDATE cards SET (" + std::string(card_rows::kCardColumns) +
                              ") = (" + card_rows::placeholders(card_rows::kCardColumnCount) +
                              ") WHERE token = ?1 AND revision = ?13");
    card_rows::bind_card(st, card);
    st.bind(13, static_cast<std::int64_t>(write.expected_revision)).run();
    if (db.changes() != 1) throw SqliteError(SQLITE_CONSTRAINT, "card " + card.token + " moved");
  }
  Statement insert =
      db.prepare(insert_sql("ledger", card_rows::kEntryColumns, card_rows::kEntryColumnCount));
  std::uint64_t seq = base;
  for (LedgerEntry& entry : write.entries) {
    entry.seq = ++seq;
    const bool of_refund = entry.kind == EntryKind::kRefund || entry.kind == EntryKind::kRefundOut;
    if (of_refund && entry.ref.empty() && !new_refund_id.empty()) entry.ref = new_refund_id;
    card_rows::bind_entry(insert, entry);
    insert.run();
  }
}

void write(Connection& db, MoneyPlan& plan) {
  std::string new_refund_id;
  if (plan.refund) new_refund_id = write_refund(db, *plan.refund);
  for (CardWrite& write : plan.cards) write_card(db, write, new_refund_id);
  if (plan.dispense) {
    Statement st = db.prepare(
        insert_sql("dispenses", card_rows::kDispenseColumns, card_rows::kDispenseColumnCount));
    card_rows::bind_dispense(st, *plan.dispense);
    st.run();
  }
  if (!plan.flags.empty()) {
    Statement st =
        db.prepare(insert_sql("card_flags", card_rows::kFlagColumns, card_rows::kFlagColumnCount));
    for (const tickets::CardFlag& flag : plan.flags) {
      card_rows::bind_flag(st, flag);
      st.run();
    }
  }
}

// A unique index or CHECK that refused a write the checks let through: the same answer
// the checks would have given, by the constraint SQLite names.
Error constraint_error(const SqliteError& e) {
  const std::string what = e.what();
  if (e.code() == SQLITE_CONSTRAINT_CHECK) {
    return make_error("invalid_plan", "", "the store refused the plan: " + what);
  }
  std::string field = "revision";
  if (what.find("ledger.ref") != std::string::npos) field = "ref";
  if (what.find("idempotency_key") != std::string::npos) field = "idempotency_key";
  if (what.find(".txn") != std::string::npos) field = "txn";
  return conflict(field, "a concurrent write got there first (" + what + "); read again");
}

}  // namespace

std::optional<Card> read_card(Connection& db, std::string_view token) {
  Statement st = db.prepare_cached("SELECT " + std::string(card_rows::kCardColumns) +
                                   " FROM cards WHERE token = ?");
  st.bind(1, token);
  if (!st.step()) return std::nullopt;
  return card_rows::card_of(st);
}

tickets::RefundCounters read_counters(Connection& db, std::string_view card,
                                      std::string_view device_id, std::int64_t day) {
  Statement st = db.prepare_cached(
      "SELECT (SELECT count(*) FROM refunds WHERE card = ?1 AND day = ?3 AND auto_approved = 1),"
      " (SELECT count(*) FROM refunds WHERE device_id = ?2 AND day = ?3 AND auto_approved = 1),"
      " (SELECT count(*) FROM refunds WHERE card = ?1 AND day = ?3 AND origin = 'claim')");
  st.bind(1, card).bind(2, device_id).bind(3, day);
  st.step();
  return {static_cast<int>(st.int64(0)), static_cast<int>(st.int64(1)),
          static_cast<int>(st.int64(2))};
}

Result<MoneyPlan> apply_money_plan(Connection& db, MoneyPlan plan) {
  if (sqlite3_get_autocommit(db.raw()) != 0) {
    return make_error("no_transaction", "",
                      "apply_money_plan() writes inside the caller's transaction; begin one");
  }
  bool in_savepoint = false;
  try {
    if (Status s = check(db, plan); !s.ok()) return s.error();
    db.exec("SAVEPOINT money_plan");
    in_savepoint = true;
    write(db, plan);
    db.exec("RELEASE money_plan");
    return plan;
  } catch (const SqliteError& e) {
    if (in_savepoint && sqlite3_get_autocommit(db.raw()) == 0) {
      try {
        db.exec("ROLLBACK TO money_plan; RELEASE money_plan");
      } catch (const SqliteError&) {
        // The caller's transaction is broken anyway; it rolls back.
      }
    }
    if ((e.code() & 0xff) == SQLITE_CONSTRAINT) return constraint_error(e);
    return make_error(
        "unavailable", "",
        std::string("the card book could not be written: ") + e.what() + "; try again");
  }
}

}  // namespace wm::gateway
