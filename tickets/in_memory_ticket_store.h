// TicketStore in a map, for tests and tools. Keeps the whole TicketStore contract
// (uniqueness of the open ticket per (device, kind), revision compare-and-set, ordering),
// so tests against it say what the SQLite store must do too. Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "tickets/ticket_store.h"

namespace wm::tickets {

class InMemoryTicketStore final : public TicketStore {
 public:
  [[nodiscard]] std::optional<Ticket> find_open(std::string_view device_id,
                                                devices::FaultKind kind) const override;
  [[nodiscard]] std::optional<Ticket> find_latest(std::string_view device_id,
                                                  devices::FaultKind kind) const override;
  [[nodiscard]] std::optional<Ticket> get(std::string_view id) const override;
  [[nodiscard]] Result<Ticket> insert(Ticket ticket) override;
  [[nodiscard]] Result<Ticket> update(Ticket ticket) override;
  [[nodiscard]] std::vector<Ticket> list(const TicketFilter& filter) const override;

  [[nodiscard]] std::size_t size() const;

 private:
  // Callers hold mu_.
  const Ticket* open_of(std::string_view device_id, devices::FaultKind kind) const;

  mutable std::mutex mu_;
  std::map<std::string, Ticket, std::less<>> tickets_;
  std::uint64_t next_id_ = 1;
};

}  // namespace wm::tickets
