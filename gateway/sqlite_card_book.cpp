// SqliteCardBook: reads on the store's read connection, apply() on the writer thread.
// Each read is one statement, so it sees one committed state.
#include "gateway/sqlite_card_book.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/card_book_rows.h"

namespace wm::gateway {
namespace {

using tickets::Card;
using tickets::CardFlag;
using tickets::DispenseRecord;
using tickets::LedgerEntry;
using tickets::MoneyPlan;
using tickets::Refund;

std::string select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

// LIMIT -1 is no limit in SQLite.
std::int64_t sql_limit(std::size_t limit) {
  return limit == 0 ? -1 : static_cast<std::int64_t>(limit);
}

// Every row of `sql` (bound by `bind`) decoded by `row_of`. `sql` carries no values (they
// are bound), so its statement is prepared once per read connection.
template <class T>
std::vector<T> rows(Store& store, const std::string& sql,
                    const std::function<void(Statement&)>& bind, T (*row_of)(const Statement&)) {
  std::vector<T> out;
  store.with_reader([&](Connection& db) {
    Statement st = db.prepare_cached(sql);
    bind(st);
    while (st.step()) out.push_back(row_of(st));
  });
  return out;
}

template <class T>
std::optional<T> first(std::vector<T> found) {
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

// Commits on `db` are durable (synchronous=FULL or EXTRA) while this lives: money must
// not depend on how the store tunes the connection for telemetry.
class FullSync {
 public:
  explicit FullSync(Connection& db) : db_(db) {
    Statement st = db_.prepare("PRAGMA synchronous");
    level_ = st.step() ? st.int64(0) : 0;
    if (level_ < kFull) db_.exec("PRAGMA synchronous=FULL");
  }
  ~FullSync() {
    if (level_ >= kFull) return;
    try {
      db_.exec("PRAGMA synchronous=" + std::to_string(level_));
    } catch (const SqliteError&) {
      // The connection keeps FULL: slower, never less safe.
    }
  }
  FullSync(const FullSync&) = delete;
  FullSync& operator=(const FullSync&) = delete;

 private:
  static constexpr std::int64_t kFull = 2;
  Connection& db_;
  std::int64_t level_ = 0;
};

}  // namespace

std::optional<Card> SqliteCardBook::card(std::string_view token) const {
  std::optional<Card> out;
  store_.with_reader([&](Connection& db) { out = read_card(db, token); });
  return out;
}

std::vector<LedgerEntry> SqliteCardBook::ledger(std::string_view token, std::uint64_t before_seq,
                                                std::size_t limit) const {
  return rows(
      store_,
      select(card_rows::kEntryColumns,
             "FROM ledger WHERE card = ?1 AND (?2 = 0 OR seq < ?2) ORDER BY seq DESC LIMIT ?3"),
      [&](Statement& st) {
        st.bind(1, token).bind(2, static_cast<std::int64_t>(before_seq)).bind(3, sql_limit(limit));
      },
      &card_rows::entry_of);
}

std::optional<LedgerEntry> SqliteCardBook::recharge_by_ref(std::string_view ref) const {
  return first(rows(
      store_, select(card_rows::kEntryColumns, "FROM ledger WHERE kind = 'recharge' AND ref = ?"),
      [&](Statement& st) { st.bind(1, ref); }, &card_rows::entry_of));
}

std::optional<DispenseRecord> SqliteCardBook::dispense(std::string_view device_id,
                                                       std::string_view txn) const {
  return first(rows(
      store_, select(card_rows::kDispenseColumns, "FROM dispenses WHERE device_id = ? AND txn = ?"),
      [&](Statement& st) { st.bind(1, device_id).bind(2, txn); }, &card_rows::dispense_of));
}

std::vector<DispenseRecord> SqliteCardBook::dispenses_of_card(std::string_view token,
                                                              std::size_t limit) const {
  return rows(
      store_,
      select(card_rows::kDispenseColumns,
             "FROM dispenses WHERE card = ? ORDER BY ts_ms DESC, rowid DESC LIMIT ?"),
      [&](Statement& st) { st.bind(1, token).bind(2, sql_limit(limit)); }, &card_rows::dispense_of);
}

std::optional<Refund> SqliteCardBook::refund(std::string_view id) const {
  return first(rows(
      store_, select(card_rows::kRefundColumns, "FROM refunds WHERE id = ?"),
      [&](Statement& st) { st.bind(1, id); }, &card_rows::refund_of));
}

std::optional<Refund> SqliteCardBook::refund_by_key(std::string_view idempotency_key) const {
  if (idempotency_key.empty()) return std::nullopt;  // dispense refunds have no key
  return first(rows(
      store_, select(card_rows::kRefundColumns, "FROM refunds WHERE idempotency_key = ?"),
      [&](Statement& st) { st.bind(1, idempotency_key); }, &card_rows::refund_of));
}

std::vector<Refund> SqliteCardBook::refunds_of_dispense(std::string_view device_id,
                                                        std::string_view txn) const {
  return rows(
      store_,
      select(card_rows::kRefundColumns,
             "FROM refunds WHERE device_id = ? AND txn = ? ORDER BY number"),
      [&](Statement& st) { st.bind(1, device_id).bind(2, txn); }, &card_rows::refund_of);
}

std::vector<Refund> SqliteCardBook::list_refunds(const tickets::RefundFilter& filter) const {
  // Only the set filters go into the WHERE, so the planner can use the matching index
  // (the review queue: state and reviewer_org). An unknown cursor id matches nothing,
  // as in InMemoryCardBook.
  std::string where = "WHERE 1";
  std::vector<std::string> args;
  auto add = [&](std::string_view column, std::string value) {
    args.push_back(std::move(value));
    where += " AND " + std::string(column) + " = ?" + std::to_string(args.size());
  };
  if (filter.state) add("state", std::string(tickets::to_string(*filter.state)));
  if (filter.card) add("card", *filter.card);
  if (filter.device_id) add("device_id", *filter.device_id);
  if (filter.reviewer_org) add("reviewer_org", *filter.reviewer_org);
  if (filter.after_id) {
    args.push_back(*filter.after_id);
    where += " AND number > (SELECT number FROM refunds WHERE id = ?" +
             std::to_string(args.size()) + ")";
  }
  const int limit_index = static_cast<int>(args.size() + 1);
  return rows(
      store_,
      select(card_rows::kRefundColumns,
             "FROM refunds " + where + " ORDER BY number LIMIT ?" + std::to_string(limit_index)),
      [&](Statement& st) {
        for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
        st.bind(limit_index, sql_limit(filter.limit));
      },
      &card_rows::refund_of);
}

tickets::RefundCounters SqliteCardBook::counters(std::string_view card, std::string_view device_id,
                                                 std::int64_t day) const {
  tickets::RefundCounters out;
  store_.with_reader([&](Connection& db) { out = read_counters(db, card, device_id, day); });
  return out;
}

std::vector<CardFlag> SqliteCardBook::flags(std::string_view card) const {
  return rows(
      store_, select(card_rows::kFlagColumns, "FROM card_flags WHERE card = ? ORDER BY id"),
      [&](Statement& st) { st.bind(1, card); }, &card_rows::flag_of);
}

Result<MoneyPlan> SqliteCardBook::apply(MoneyPlan plan) {
  // A plan that breaks the shape rules never needs the writer thread.
  if (Status s = tickets::validate_plan(plan); !s.ok()) return s.error();
  std::optional<Result<MoneyPlan>> out;
  try {
    writer_.run_exclusive([&](Store& store) {
      store.with_writer([&](Connection& db) {
        FullSync durable(db);
        Transaction tx(db);
        Result<MoneyPlan> done = apply_money_plan(db, std::move(plan));
        if (done.ok()) tx.commit();
        out = std::move(done);
      });
    });
  } catch (const SqliteError& e) {
    return make_error(
        "unavailable", "",
        std::string("the card book could not be written: ") + e.what() + "; try again");
  }
  if (!out) return make_error("unavailable", "", "the store writer did not run the write");
  return std::move(*out);
}

}  // namespace wm::gateway
