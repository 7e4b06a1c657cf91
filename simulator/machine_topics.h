// MachineTopics: every simulated machine's wm/v1 topics (telemetry, event, status),
// built once and handed to Paho as reference-counted strings (mqtt::string_ref), so
// that a publish copies no topic name.
#pragma once

#include <mqtt/buffer_ref.h>

#include <array>
#include <cstddef>
#include <vector>

#include "protocols/topic.h"
#include "simulator/fleet.h"

namespace wm::sim {

class MachineTopics {
 public:
  explicit MachineTopics(const Fleet& fleet);

  // `kind` is kTelemetry, kEvent or kStatus (machines do not publish on cmd).
  const mqtt::string_ref& topic(std::size_t machine, protocols::TopicKind kind) const {
    return topics_[machine][static_cast<std::size_t>(kind)];
  }

 private:
  std::vector<std::array<mqtt::string_ref, 3>> topics_;
};

}  // namespace wm::sim
