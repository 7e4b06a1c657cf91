// The gateway's live view of the fleet: the inventory and one digital twin per machine,
// shared between the MQTT intake (writes) and the HTTP API (reads).
//
// Every machine gets a TwinIndex when it first appears in the inventory; indices are
// stable for the life of the process (the inventory only grows), so the intake can cache
// them and the hot path touches a twin without hashing its id.
// Thread-safe: one mutex; readers run a visitor under it or get copies.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "devices/inventory.h"
#include "devices/twin.h"
#include "gateway/store.h"

namespace wm::gateway {

using TwinIndex = std::uint32_t;

// What the intake needs to know of a machine to route its message.
struct DeviceRoute {
  std::string site_id;
  devices::Protocol protocol = devices::Protocol::kWmJsonV1;
  TwinIndex twin = 0;
};

// One machine of the inventory with its twin index.
struct MachineEntry {
  TwinIndex twin = 0;
  std::string device_id;
  std::string site_id;
  std::optional<std::int64_t> filter_rated_l;
};

// Read access to the twins by id, valid only inside FleetState::read().
class TwinView {
 public:
  TwinView(const std::unordered_map<std::string, TwinIndex>& index,
           const std::vector<devices::Twin>& twins)
      : index_(index), twins_(twins) {}
  // The twin of a device of the inventory (every such device has one).
  const devices::Twin& at(const std::string& device_id) const {
    return twins_[index_.at(device_id)];
  }

 private:
  const std::unordered_map<std::string, TwinIndex>& index_;
  const std::vector<devices::Twin>& twins_;
};

class FleetState {
 public:
  explicit FleetState(devices::Inventory inventory);

  std::optional<DeviceRoute> route(std::string_view device_id) const;
  // Every machine of the inventory, in twin index order.
  std::vector<MachineEntry> machines() const;
  // Changes whenever the inventory does, so callers may cache routes (lock-free read).
  std::uint64_t inventory_version() const {
    return inventory_version_.load(std::memory_order_acquire);
  }

  // Intake: apply a decoded message to a twin (an index from route()).
  void apply(TwinIndex twin, const protocols::Telemetry& t);
  void apply(TwinIndex twin, const protocols::Status& s);
  void saw_message(TwinIndex twin, std::int64_t ts_ms);
  void apply_fault(TwinIndex twin, const protocols::Fault& fault, std::int64_t ts_ms);

  // Persistence: twins as rows (copied under the lock, encoded outside it), and
  // restoring rows at start-up (unknown ids skipped).
  std::vector<TwinRow> twin_rows(const std::vector<TwinIndex>& twins) const;
  std::optional<TwinRow> twin_row(const std::string& device_id) const;
  void restore(const std::vector<TwinRow>& rows);
  // Replays stored messages newer than the twin rows (unknown ids skipped); twins keep
  // the newest state by event time, so replaying what they already hold changes nothing.
  void replay(const std::vector<TelemetryRow>& telemetry, const std::vector<EventRow>& faults);

  // Merges an inventory document; new devices get a twin. Returns the merged JSON.
  [[nodiscard]] Result<std::string> merge_inventory(const devices::Inventory& update);

  // Runs `fn` with the inventory and twins under the lock. `fn` must not block.
  void read(const std::function<void(const devices::Inventory&, const TwinView&)>& fn) const;

 private:
  void add_twins_locked();

  mutable std::mutex mu_;
  std::atomic<std::uint64_t> inventory_version_{1};
  devices::Inventory inventory_;
  std::unordered_map<std::string, TwinIndex> index_;
  std::vector<devices::Twin> twins_;
};

}  // namespace wm::gateway
