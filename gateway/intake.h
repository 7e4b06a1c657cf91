// The MQTT intake: every message from the broker goes through on_message(), which
// parses the topic, checks the machine against the inventory, decodes the payload,
// updates the twin and hands the result to the store writer. Anything that cannot be
// taken goes to the quarantine with a reason (PROTOCOLS.md section 5); nothing is
// dropped in silence.
//
// Called from Paho's single receive thread. For events it returns only once the event
// is durable, so the broker's QoS 1 acknowledgement follows the commit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/clock.h"
#include "gateway/fleet_state.h"
#include "gateway/metrics.h"
#include "gateway/store_writer.h"

namespace wm::gateway {

class Intake {
 public:
  Intake(FleetState& fleet, StoreWriter& writer, Metrics& metrics, const Clock& clock);

  // Takes one message. Throws StoreUnavailable when an event could not be made durable
  // (the caller must then not acknowledge the message).
  void on_message(std::string_view topic, std::string_view payload);

 private:
  void quarantine(std::string_view topic, std::string_view payload, std::string reason,
                  std::string detail, std::string device_id);
  // The machine's route, from a cache private to the intake thread (no lock per
  // message); the cache is dropped whenever the inventory changes. Unknown ids are not
  // cached, so a flood of invented ids cannot grow it.
  const DeviceRoute* route(const std::string& device_id);

  FleetState& fleet_;
  StoreWriter& writer_;
  Metrics& metrics_;
  const Clock& clock_;
  std::unordered_map<std::string, DeviceRoute> routes_;
  std::uint64_t routes_version_ = 0;
};

}  // namespace wm::gateway
