#include "simulator/flood_plan.h"

#include <cstdlib>

#include "protocols/wm_json.h"
#include "simulator/simulated_machine.h"

namespace wm::sim {

FloodPlan::FloodPlan(const Fleet& fleet, std::size_t count, std::uint64_t seed,
                     std::int64_t start_ms, std::int64_t interval_ms)
    : machine_count_(fleet.machines.size()) {
  if (machine_count_ == 0) std::abort();  // the caller checks for an empty fleet
  std::vector<SimulatedMachine> machines;
  machines.reserve(machine_count_);
  for (const FleetMachine& m : fleet.machines) {
    const FleetSite& site = fleet.sites[m.site];
    machines.emplace_back(m, site, draw_profile(site, m, seed), seed, start_ms);
  }
  offsets_.reserve(count + 1);
  buffer_.reserve(count * 240);
  offsets_.push_back(0);
  const auto n = static_cast<std::int64_t>(machine_count_);
  for (std::size_t i = 0; i < count; ++i) {
    const auto ts = start_ms + static_cast<std::int64_t>(i) * interval_ms / n;
    buffer_ += protocols::encode_telemetry(machines[machine(i)].read_telemetry(ts));
    offsets_.push_back(buffer_.size());
  }
}

}  // namespace wm::sim
