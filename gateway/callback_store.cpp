#include "gateway/callback_store.h"

#include <cstdio>

namespace wm::gateway {
namespace {

constexpr const char* kColumns =
    "id, phone, ticket_id, site_id, due_at_ms, note, created_at_ms, created_by, state,"
    " done_at_ms, outcome, done_by";

Callback read_row(const Statement& st) {
  Callback c;
  c.id = st.text(0);
  c.phone = st.text(1);
  c.ticket_id = st.opt_text(2);
  c.site_id = st.opt_text(3);
  c.due_at_ms = st.int64(4);
  c.note = st.text(5);
  c.created_at_ms = st.int64(6);
  c.created_by = st.text(7);
  c.state = callback_state_from_string(st.text(8)).value_or(CallbackState::kOpen);
  c.done_at_ms = st.opt_int64(9);
  c.outcome = st.opt_text(10).value_or("");
  c.done_by = st.opt_text(11).value_or("");
  return c;
}

std::optional<Callback> read_one(Connection& db, std::string_view id) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM callbacks WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

}  // namespace

std::string_view to_string(CallbackState state) {
  return state == CallbackState::kDone ? "done" : "open";
}

std::optional<CallbackState> callback_state_from_string(std::string_view name) {
  if (name == "open") return CallbackState::kOpen;
  if (name == "done") return CallbackState::kDone;
  return std::nullopt;
}

PromiseCounts count_promises(std::span<const Callback> callbacks, std::int64_t now_ms) {
  PromiseCounts counts;
  for (const auto& c : callbacks) {
    ++counts.promised;
    if (c.state == CallbackState::kOpen) {
      ++counts.open;
      if (c.overdue(now_ms)) {
        ++counts.open_overdue;
        ++counts.broken;
      }
    } else if (c.done_at_ms && *c.done_at_ms <= c.due_at_ms) {
      ++counts.kept;
    } else {
      ++counts.broken;
    }
  }
  return counts;
}

bool can_see_callback(const Principal& who, const Callback& callback,
                      const devices::Inventory& inventory) {
  switch (who.role) {
    case Role::kAdmin:
    case Role::kAgent:
      return true;
    case Role::kSelfService:
      return false;
    case Role::kOperator:
    case Role::kProperty:
      break;
  }
  if (!who.org.empty() && callback.created_by == std::string(to_string(who.role)) + ":" + who.org) {
    return true;
  }
  if (!callback.site_id) return false;
  const auto* site = inventory.site(*callback.site_id);
  return site != nullptr && can_see_site(who, *site);
}

Callback CallbackStore::add(Callback callback) {
  writer_.run_exclusive([&](Store& store) {
    store.with_writer([&](Connection& db) {
      Transaction tx(db);
      std::int64_t number = 1;
      {
        auto st = db.prepare("SELECT coalesce(max(number), 0) + 1 FROM callbacks");
        if (st.step()) number = st.int64(0);
      }
      char id[32];
      std::snprintf(id, sizeof id, "cb-%06lld", static_cast<long long>(number));
      callback.id = id;
      callback.state = CallbackState::kOpen;
      callback.done_at_ms.reset();
      callback.outcome.clear();
      callback.done_by.clear();
      auto st = db.prepare(
          "INSERT INTO callbacks (number, id, phone, ticket_id, site_id, due_at_ms, note,"
          " created_at_ms, created_by, state) VALUES (?,?,?,?,?,?,?,?,?,'open')");
      st.bind(1, number)
          .bind(2, callback.id)
          .bind(3, callback.phone)
          .bind(4, callback.ticket_id)
          .bind(5, callback.site_id)
          .bind(6, callback.due_at_ms)
          .bind(7, callback.note)
          .bind(8, callback.created_at_ms)
          .bind(9, callback.created_by);
      st.run();
      tx.commit();
    });
  });
  return callback;
}

Result<Callback> CallbackStore::mark_done(std::string_view id, std::string outcome,
                                          std::string done_by, std::int64_t at_ms) {
  std::optional<Error> error;
  Callback done;
  writer_.run_exclusive([&](Store& store) {
    store.with_writer([&](Connection& db) {
      Transaction tx(db);
      auto current = read_one(db, id);
      if (!current) {
        error = make_error("not_found", "id", "no callback '" + std::string(id) + "'");
        return;
      }
      if (current->state == CallbackState::kDone) {
        error = make_error("conflict", "state",
                           "callback " + current->id + " is already done (outcome '" +
                               current->outcome + "', by " + current->done_by +
                               "); a promise is kept or broken once");
        return;
      }
      auto st = db.prepare(
          "UPDATE callbacks SET state = 'done', done_at_ms = ?, outcome = ?, done_by = ?"
          " WHERE id = ? AND state = 'open'");
      st.bind(1, at_ms).bind(2, outcome).bind(3, done_by).bind(4, id);
      st.run();
      tx.commit();
      done = std::move(*current);
      done.state = CallbackState::kDone;
      done.done_at_ms = at_ms;
      done.outcome = std::move(outcome);
      done.done_by = std::move(done_by);
    });
  });
  if (error) return *error;
  return done;
}

std::optional<Callback> CallbackStore::get(std::string_view id) const {
  std::optional<Callback> out;
  store_.with_reader([&](Connection& db) { out = read_one(db, id); });
  return out;
}

Result<std::vector<Callback>> CallbackStore::list(const CallbackQuery& query) const {
  std::optional<Error> error;
  std::vector<Callback> out;
  store_.with_reader([&](Connection& db) {
    // The cursor is a position in the (due_at_ms, number) order.
    std::optional<std::int64_t> after_due, after_number;
    if (query.after_id) {
      auto st = db.prepare("SELECT due_at_ms, number FROM callbacks WHERE id = ?");
      st.bind(1, *query.after_id);
      if (!st.step()) {
        error = make_error("bad_request", "cursor",
                           "cursor '" + *query.after_id + "' is not a callback id of this list");
        return;
      }
      after_due = st.int64(0);
      after_number = st.int64(1);
    }
    auto st = db.prepare(
        std::string("SELECT ") + kColumns +
        " FROM callbacks WHERE (?1 IS NULL OR due_at_ms < ?1) AND (?2 IS NULL OR state = ?2)"
        " AND (?3 IS NULL OR ticket_id = ?3) AND (?4 IS NULL OR created_at_ms >= ?4)"
        " AND (?5 IS NULL OR created_at_ms < ?5)"
        " AND (?6 IS NULL OR (due_at_ms, number) > (?6, ?7))"
        " ORDER BY due_at_ms, number LIMIT ?8");
    st.bind(1, query.due_before_ms);
    if (query.state) {
      st.bind(2, to_string(*query.state));
    } else {
      st.bind_null(2);
    }
    st.bind(3, query.ticket_id)
        .bind(4, query.created_since_ms)
        .bind(5, query.created_until_ms)
        .bind(6, after_due)
        .bind(7, after_number)
        .bind(8, query.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(query.limit));
    while (st.step()) out.push_back(read_row(st));
  });
  if (error) return *error;
  return out;
}

}  // namespace wm::gateway
