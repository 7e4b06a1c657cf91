#include "gateway/sqlite_ticket_store.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "gateway/ticket_document.h"

namespace wm::gateway {
namespace {

using tickets::Ticket;

Error open_conflict(const std::string& open_id, const Ticket& t) {
  return make_error("conflict", "ticket",
                    "ticket " + open_id + " is already open for " + t.device_id + "/" +
                        std::string(devices::to_string(t.kind)));
}

// The id of the open ticket of (device, kind), if any (writer connection).
std::optional<std::string> open_id(Connection& db, const Ticket& t) {
  auto st = db.prepare("SELECT id FROM tickets WHERE device_id = ? AND kind = ? AND is_open = 1");
  st.bind(1, t.device_id).bind(2, devices::to_string(t.kind));
  if (st.step()) return st.text(0);
  return std::nullopt;
}

void bind_columns(Statement& st, const Ticket& t) {
  st.bind(1, t.id)
      .bind(2, static_cast<std::int64_t>(t.revision))
      .bind(3, t.device_id)
      .bind(4, t.site_id)
      .bind(5, devices::to_string(t.kind))
      .bind(6, tickets::to_string(t.state))
      .bind(7, tickets::to_string(t.source))
      .bind(8, t.responsible.org)
      .bind(9, t.open())
      .bind(10, t.opened_at_ms)
      .bind(11, ticket_to_document(t));
}

}  // namespace

std::optional<Ticket> SqliteTicketStore::read_one(const std::string& sql,
                                                  const std::vector<std::string>& args) const {
  std::optional<Ticket> out;
  store_.with_reader([&](Connection& db) {
    auto st = db.prepare_cached(sql);
    for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
    if (!st.step()) return;
    auto t = ticket_from_document(st.text(0));
    if (t.ok()) out = std::move(t).value();
  });
  return out;
}

std::optional<Ticket> SqliteTicketStore::find_open(std::string_view device_id,
                                                   devices::FaultKind kind) const {
  return read_one("SELECT document FROM tickets WHERE device_id = ? AND kind = ? AND is_open = 1",
                  {std::string(device_id), std::string(devices::to_string(kind))});
}

std::optional<Ticket> SqliteTicketStore::find_latest(std::string_view device_id,
                                                     devices::FaultKind kind) const {
  return read_one(
      "SELECT document FROM tickets WHERE device_id = ? AND kind = ?"
      " ORDER BY opened_at_ms DESC, seq DESC LIMIT 1",
      {std::string(device_id), std::string(devices::to_string(kind))});
}

std::optional<Ticket> SqliteTicketStore::get(std::string_view id) const {
  return read_one("SELECT document FROM tickets WHERE id = ?", {std::string(id)});
}

Result<Ticket> SqliteTicketStore::insert(Ticket ticket) {
  std::optional<Error> error;
  writer_.run_exclusive([&](Store& store) {
    store.with_writer([&](Connection& db) {
      Transaction tx(db);
      if (ticket.open()) {
        if (auto existing = open_id(db, ticket)) {
          error = open_conflict(*existing, ticket);
          return;
        }
      }
      std::int64_t next = 1;
      {
        auto st = db.prepare("SELECT coalesce(max(seq), 0) + 1 FROM tickets");
        if (st.step()) next = st.int64(0);
      }
      char id[32];
      std::snprintf(id, sizeof id, "t-%06lld", static_cast<long long>(next));
      ticket.id = id;
      ticket.revision = 1;
      auto st = db.prepare(
          "INSERT INTO tickets (id, revision, device_id, site_id, kind, state, source,"
          " responsible_org, is_open, opened_at_ms, document, seq)"
          " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
      bind_columns(st, ticket);
      st.bind(12, next);
      st.run();
      tx.commit();
    });
  });
  if (error) return *error;
  return ticket;
}

Result<Ticket> SqliteTicketStore::update(Ticket ticket) {
  std::optional<Error> error;
  writer_.run_exclusive([&](Store& store) {
    store.with_writer([&](Connection& db) {
      Transaction tx(db);
      auto current = db.prepare("SELECT revision, is_open FROM tickets WHERE id = ?");
      current.bind(1, ticket.id);
      if (!current.step()) {
        error = make_error("not_found", "id", "no ticket '" + ticket.id + "'");
        return;
      }
      if (static_cast<std::uint64_t>(current.int64(0)) != ticket.revision) {
        error = make_error("conflict", "revision",
                           "ticket " + ticket.id + " changed meanwhile; read it again and retry");
        return;
      }
      const bool was_open = current.int64(1) != 0;
      if (ticket.open() && !was_open) {
        if (auto existing = open_id(db, ticket)) {
          error = open_conflict(*existing, ticket);
          return;
        }
      }
      ticket.revision += 1;
      auto st = db.prepare(
          "UPDATE tickets SET id = ?1, revision = ?2, device_id = ?3, site_id = ?4, kind = ?5,"
          " state = ?6, source = ?7, responsible_org = ?8, is_open = ?9, opened_at_ms = ?10,"
          " document = ?11 WHERE id = ?1");
      bind_columns(st, ticket);
      st.run();
      tx.commit();
    });
  });
  if (error) return *error;
  return ticket;
}

std::vector<Ticket> SqliteTicketStore::list(const tickets::TicketFilter& filter) const {
  // Only the filters given become terms, so that SQLite searches an index (a machine's
  // tickets: tickets_one_open or tickets_by_device_kind; a site's: tickets_by_site)
  // instead of walking every ticket ever opened: a `?1 IS NULL OR device_id = ?1` term
  // cannot use one. matches() stays the one definition of a filter.
  std::vector<std::string> terms;
  std::vector<std::string> args;
  auto equal = [&](const char* column, std::string value) {
    terms.push_back(std::string(column) + " = ?" + std::to_string(args.size() + 1));
    args.push_back(std::move(value));
  };
  if (filter.device_id) equal("device_id", *filter.device_id);
  if (filter.site_id) equal("site_id", *filter.site_id);
  if (filter.kind) equal("kind", std::string(devices::to_string(*filter.kind)));
  if (filter.state) equal("state", std::string(tickets::to_string(*filter.state)));
  if (filter.source) equal("source", std::string(tickets::to_string(*filter.source)));
  if (filter.responsible_org) equal("responsible_org", *filter.responsible_org);
  if (filter.open_only) terms.emplace_back("is_open = 1");
  std::string sql = "SELECT document FROM tickets";
  for (std::size_t i = 0; i < terms.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + terms[i];
  sql += " ORDER BY opened_at_ms, id";

  std::vector<Ticket> out;
  store_.with_reader([&](Connection& db) {
    auto st = db.prepare_cached(sql);
    for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
    while (st.step()) {
      auto t = ticket_from_document(st.text(0));
      if (t.ok() && tickets::matches(filter, t.value())) out.push_back(std::move(t).value());
    }
  });
  if (filter.after_id) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Ticket& t) { return t.id == *filter.after_id; });
    out.erase(out.begin(), it == out.end() ? out.end() : it + 1);
  }
  if (filter.limit != 0 && out.size() > filter.limit) out.resize(filter.limit);
  return out;
}

std::vector<Ticket> SqliteTicketStore::list_open_of(
    const std::vector<std::string>& device_ids) const {
  if (device_ids.empty()) return {};
  // The ids go in as one JSON array, so that the statement's text is the same for any
  // number of machines (one cached statement); SQLite searches tickets_one_open per id.
  const std::string ids = nlohmann::json(device_ids).dump();
  std::map<std::string, std::vector<Ticket>, std::less<>> by_device;
  store_.with_reader([&](Connection& db) {
    auto st = db.prepare_cached(
        "SELECT device_id, document FROM tickets WHERE is_open = 1"
        " AND device_id IN (SELECT value FROM json_each(?1)) ORDER BY opened_at_ms, id");
    st.bind(1, ids);
    while (st.step()) {
      auto t = ticket_from_document(st.text(1));
      if (t.ok()) by_device[st.text(0)].push_back(std::move(t).value());
    }
  });
  std::vector<Ticket> out;
  tickets::TicketFilter filter;
  filter.open_only = true;
  for (const auto& id : device_ids) {
    const auto it = by_device.find(id);
    if (it == by_device.end()) continue;
    filter.device_id = id;
    for (const auto& t : it->second) {
      if (tickets::matches(filter, t)) out.push_back(t);
    }
  }
  return out;
}

}  // namespace wm::gateway
