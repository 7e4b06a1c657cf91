// The MQTT intake: every message from the broker goes through on_message(), which
// parses the topic, checks the machine against the inventory, decodes the payload,
// updates the twin and hands the result to the store writer. Anything that cannot be
// taken goes to the quarantine with a reason (PROTOCOLS.md section 5); nothing is
// dropped in silence.
//
// Called from Paho's single receive thread. For events it returns only once the event
// is durable, so the broker's QoS 1 acknowledgement follows the commit.
#pragma once

#include <string_view>

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

  FleetState& fleet_;
  StoreWriter& writer_;
  Metrics& metrics_;
  const Clock& clock_;
};

}  // namespace wm::gateway
