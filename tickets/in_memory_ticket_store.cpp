// Linear scans are fine here: the in-memory store serves tests and small tools, and the
// scans keep the uniqueness check obviously right.
#include "tickets/in_memory_ticket_store.h"

#include <algorithm>
#include <cstdio>

namespace wm::tickets {

bool matches(const TicketFilter& filter, const Ticket& ticket) {
  if (filter.state && ticket.state != *filter.state) return false;
  if (filter.kind && ticket.kind != *filter.kind) return false;
  if (filter.site_id && ticket.site_id != *filter.site_id) return false;
  if (filter.device_id && ticket.device_id != *filter.device_id) return false;
  if (filter.source && ticket.source != *filter.source) return false;
  if (filter.responsible_org && ticket.responsible.org != *filter.responsible_org) return false;
  if (filter.open_only && !ticket.open()) return false;
  return true;
}

const Ticket* InMemoryTicketStore::open_of(std::string_view device_id,
                                           devices::FaultKind kind) const {
  for (const auto& [id, ticket] : tickets_) {
    if (ticket.device_id == device_id && ticket.kind == kind && ticket.open()) return &ticket;
  }
  return nullptr;
}

std::optional<Ticket> InMemoryTicketStore::find_open(std::string_view device_id,
                                                     devices::FaultKind kind) const {
  std::lock_guard lock(mu_);
  if (const Ticket* ticket = open_of(device_id, kind)) return *ticket;
  return std::nullopt;
}

std::optional<Ticket> InMemoryTicketStore::find_latest(std::string_view device_id,
                                                       devices::FaultKind kind) const {
  std::lock_guard lock(mu_);
  const Ticket* latest = nullptr;
  for (const auto& [id, ticket] : tickets_) {
    if (ticket.device_id != device_id || ticket.kind != kind) continue;
    // Ids grow with insertion, so the later id wins a tie on opened_at.
    if (latest == nullptr || ticket.opened_at_ms >= latest->opened_at_ms) latest = &ticket;
  }
  if (latest) return *latest;
  return std::nullopt;
}

std::optional<Ticket> InMemoryTicketStore::get(std::string_view id) const {
  std::lock_guard lock(mu_);
  if (auto it = tickets_.find(id); it != tickets_.end()) return it->second;
  return std::nullopt;
}

Result<Ticket> InMemoryTicketStore::insert(Ticket ticket) {
  std::lock_guard lock(mu_);
  if (ticket.open()) {
    if (const Ticket* open = open_of(ticket.device_id, ticket.kind)) {
      return make_error("conflict", "ticket",
                        "ticket " + open->id + " is already open for " + ticket.device_id + "/" +
                            std::string(devices::to_string(ticket.kind)));
    }
  }
  char id[32];
  std::snprintf(id, sizeof id, "t-%06llu", static_cast<unsigned long long>(next_id_++));
  ticket.id = id;
  ticket.revision = 1;
  tickets_.emplace(ticket.id, ticket);
  return ticket;
}

Result<Ticket> InMemoryTicketStore::update(Ticket ticket) {
  std::lock_guard lock(mu_);
  auto it = tickets_.find(ticket.id);
  if (it == tickets_.end()) {
    return make_error("not_found", "id", "no ticket '" + ticket.id + "'");
  }
  if (it->second.revision != ticket.revision) {
    return make_error("conflict", "revision",
                      "ticket " + ticket.id + " changed meanwhile; read it again and retry");
  }
  if (ticket.open() && !it->second.open()) {
    if (const Ticket* open = open_of(ticket.device_id, ticket.kind)) {
      return make_error("conflict", "ticket",
                        "ticket " + open->id + " is already open for " + ticket.device_id + "/" +
                            std::string(devices::to_string(ticket.kind)));
    }
  }
  ++ticket.revision;
  it->second = ticket;
  return ticket;
}

std::vector<Ticket> InMemoryTicketStore::list(const TicketFilter& filter) const {
  std::vector<Ticket> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, ticket] : tickets_) {
      if (matches(filter, ticket)) out.push_back(ticket);
    }
  }
  std::sort(out.begin(), out.end(), [](const Ticket& a, const Ticket& b) {
    return a.opened_at_ms != b.opened_at_ms ? a.opened_at_ms < b.opened_at_ms : a.id < b.id;
  });
  if (filter.after_id) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Ticket& t) { return t.id == *filter.after_id; });
    out.erase(out.begin(), it == out.end() ? out.end() : it + 1);
  }
  if (filter.limit != 0 && out.size() > filter.limit) out.resize(filter.limit);
  return out;
}

std::size_t InMemoryTicketStore::size() const {
  std::lock_guard lock(mu_);
  return tickets_.size();
}

}  // namespace wm::tickets
