// The TicketStore of the running gateway, in the gateway's SQLite file (migration 2).
// Each ticket is one row: the whole ticket as a document plus the columns to find it by.
// One open ticket per (device, kind) is a unique partial index, so concurrent signals
// cannot race into duplicates; update() is a compare-and-set on the revision.
//
// Writes run on the store writer's thread (the one writer connection, TOOLCHAIN trap 12)
// and wait for their commit; reads use a read connection of the store. Thread-safe.
#pragma once

#include "gateway/store.h"
#include "gateway/store_writer.h"
#include "tickets/ticket_store.h"

namespace wm::gateway {

class SqliteTicketStore final : public tickets::TicketStore {
 public:
  SqliteTicketStore(Store& store, StoreWriter& writer) : store_(store), writer_(writer) {}

  [[nodiscard]] std::optional<tickets::Ticket> find_open(std::string_view device_id,
                                                         devices::FaultKind kind) const override;
  [[nodiscard]] std::optional<tickets::Ticket> find_latest(std::string_view device_id,
                                                           devices::FaultKind kind) const override;
  [[nodiscard]] std::optional<tickets::Ticket> get(std::string_view id) const override;
  [[nodiscard]] Result<tickets::Ticket> insert(tickets::Ticket ticket) override;
  [[nodiscard]] Result<tickets::Ticket> update(tickets::Ticket ticket) override;
  [[nodiscard]] std::vector<tickets::Ticket> list(
      const tickets::TicketFilter& filter) const override;
  // One query for all the machines.
  [[nodiscard]] std::vector<tickets::Ticket> list_open_of(
      const std::vector<std::string>& device_ids) const override;

 private:
  std::optional<tickets::Ticket> read_one(const std::string& sql,
                                          const std::vector<std::string>& args) const;

  Store& store_;
  StoreWriter& writer_;
};

}  // namespace wm::gateway
