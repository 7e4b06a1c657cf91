// The gateway's live view of the fleet: the inventory and one digital twin per machine,
// shared between the MQTT intake (writes) and the HTTP API (reads).
// Thread-safe: a shared mutex; readers get copies or run a visitor under the lock.
#pragma once

#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "devices/inventory.h"
#include "devices/twin.h"
#include "gateway/store.h"

namespace wm::gateway {

// What the intake needs to know of a machine to route its message.
struct DeviceRoute {
  std::string site_id;
  devices::Protocol protocol = devices::Protocol::kWmJsonV1;
};

class FleetState {
 public:
  explicit FleetState(devices::Inventory inventory);

  std::optional<DeviceRoute> route(std::string_view device_id) const;

  // Intake: apply a decoded message to the machine's twin. The device must exist.
  void apply(const std::string& device_id, const protocols::Telemetry& t);
  void apply(const std::string& device_id, const protocols::Status& s);
  void saw_message(const std::string& device_id, std::int64_t ts_ms);
  void apply_fault(const std::string& device_id, const protocols::Fault& fault, std::int64_t ts_ms);

  // Persistence: the twin as a row, and restoring rows at start-up (unknown ids skipped).
  std::optional<TwinRow> twin_row(const std::string& device_id) const;
  void restore(const std::vector<TwinRow>& rows);

  // Merges an inventory document; new devices get a twin. Returns the merged JSON.
  [[nodiscard]] Result<std::string> merge_inventory(const devices::Inventory& update);

  // Runs `fn` with the inventory and twins under a shared lock. `fn` must not block.
  void read(const std::function<void(const devices::Inventory&,
                                     const std::unordered_map<std::string, devices::Twin>&)>& fn)
      const;

 private:
  mutable std::shared_mutex mu_;
  devices::Inventory inventory_;
  std::unordered_map<std::string, devices::Twin> twins_;
};

}  // namespace wm::gateway
