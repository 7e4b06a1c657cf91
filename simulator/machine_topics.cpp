#include "simulator/machine_topics.h"

namespace wm::sim {

MachineTopics::MachineTopics(const Fleet& fleet) {
  using protocols::TopicKind;
  // The array is indexed by the enum value: the three kinds a machine publishes on
  // must be the first three.
  static_assert(static_cast<int>(TopicKind::kTelemetry) < 3 &&
                static_cast<int>(TopicKind::kEvent) < 3 &&
                static_cast<int>(TopicKind::kStatus) < 3);
  topics_.reserve(fleet.machines.size());
  for (const FleetMachine& m : fleet.machines) {
    const std::string& site = fleet.sites[m.site].id;
    std::array<mqtt::string_ref, 3> topics;
    for (TopicKind kind : {TopicKind::kTelemetry, TopicKind::kEvent, TopicKind::kStatus}) {
      topics[static_cast<std::size_t>(kind)] = protocols::wm_topic(site, m.id, kind);
    }
    topics_.push_back(std::move(topics));
  }
}

}  // namespace wm::sim
