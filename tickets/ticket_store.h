// Where tickets live. The desk reads and writes tickets only through this interface; the
// gateway implements it on SQLite, tests use InMemoryTicketStore.
//
// Contract every implementation keeps:
// - insert() gives the ticket its id (e.g. "t-000042") and revision 1, and refuses with
//   "conflict" when an open ticket (is_open(state)) of the same (device_id, kind) exists:
//   this is the uniqueness rule of DESIGN.md, enforced where concurrent writers meet (a
//   unique partial index in SQL).
// - update() is a compare-and-set on the revision: it writes only when the stored
//   revision equals ticket.revision, and stores it as revision + 1 (returned). A stale
//   revision answers "conflict" (field "revision"); an unknown id answers "not_found". An
//   update that would make a second open ticket of a (device_id, kind) answers "conflict".
// - Reads return copies; list() orders by opened_at_ms, then id.
// Implementations are safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/fault_kind.h"
#include "protocols/result.h"
#include "tickets/ticket.h"

namespace wm::tickets {

// Every set field must match. `open_only` keeps tickets that are not resolved or closed.
// `after_id` with `limit` pages through the ordered list (cursor = the last id seen).
struct TicketFilter {
  std::optional<TicketState> state;
  std::optional<devices::FaultKind> kind;
  std::optional<std::string> site_id;
  std::optional<std::string> device_id;
  std::optional<Source> source;
  std::optional<std::string> responsible_org;
  bool open_only = false;
  std::optional<std::string> after_id;
  std::size_t limit = 0;  // 0: no limit
};

bool matches(const TicketFilter& filter, const Ticket& ticket);

class TicketStore {
 public:
  virtual ~TicketStore() = default;

  // The open ticket of (device_id, kind), if any.
  [[nodiscard]] virtual std::optional<Ticket> find_open(std::string_view device_id,
                                                        devices::FaultKind kind) const = 0;
  // The most recently opened ticket of (device_id, kind) in any state, if any.
  [[nodiscard]] virtual std::optional<Ticket> find_latest(std::string_view device_id,
                                                          devices::FaultKind kind) const = 0;
  [[nodiscard]] virtual std::optional<Ticket> get(std::string_view id) const = 0;
  // Returns the stored ticket (with its id and revision).
  [[nodiscard]] virtual Result<Ticket> insert(Ticket ticket) = 0;
  // Returns the stored ticket (with its new revision).
  [[nodiscard]] virtual Result<Ticket> update(Ticket ticket) = 0;
  [[nodiscard]] virtual std::vector<Ticket> list(const TicketFilter& filter) const = 0;
  // The open tickets of each machine of `device_ids` in turn, each machine's as list()
  // with open_only orders them. This default asks list() once per machine; a store that
  // can answer in one query overrides it (a hotline look-up shows up to 50 machines).
  [[nodiscard]] virtual std::vector<Ticket> list_open_of(
      const std::vector<std::string>& device_ids) const {
    std::vector<Ticket> out;
    TicketFilter filter;
    filter.open_only = true;
    for (const auto& id : device_ids) {
      filter.device_id = id;
      for (auto& t : list(filter)) out.push_back(std::move(t));
    }
    return out;
  }
};

}  // namespace wm::tickets
