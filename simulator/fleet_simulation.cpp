#include "simulator/fleet_simulation.h"

#include <cstdint>

#include "simulator/sim_time.h"
#include "simulator/usage_curve.h"

namespace wm::sim {
namespace {

// A customer steps up a few seconds after the previous one leaves.
constexpr std::int64_t kCustomerGapMs = 4'000;
// Thinning gives up after this many rejected candidates (weeks of a near-zero rate);
// the machine then simply sells nothing within that horizon.
constexpr int kMaxThinningDraws = 100'000;

}  // namespace

FleetSimulation::FleetSimulation(const Fleet& fleet, const SimulationOptions& options)
    : interval_ms_(std::max<std::int64_t>(options.telemetry_interval_ms, 1)) {
  machines_.reserve(fleet.machines.size());
  for (const FleetMachine& m : fleet.machines) {
    const FleetSite& site = fleet.sites[m.site];
    machines_.emplace_back(m, site, draw_profile(site, m, options.seed), options.seed,
                           options.start_ms);
    kinds_.push_back(site.kind);
    utc_offsets_.push_back(site.utc_offset_min);
  }
  for (std::size_t i = 0; i < machines_.size(); ++i) {
    const auto phase = machines_[i].random().uniform_int(0, interval_ms_ - 1);
    due_.push(Due{options.start_ms + phase, i, Action::kTelemetry});
    due_.push(Due{next_customer_ms(i, options.start_ms), i, Action::kDispenseStart});
    if (machines_[i].protocol() == WireProtocol::kHxBinary) {
      due_.push(Due{options.start_ms + phase + interval_ms_ / 2, i, Action::kHeartbeat});
    }
  }
}

std::int64_t FleetSimulation::next_customer_ms(std::size_t index, std::int64_t from_ms) {
  SimulatedMachine& m = machines_[index];
  const double popularity = m.profile().popularity;
  const double peak_per_hour = peak_dispenses_per_hour(kinds_[index]) * popularity;
  double t = static_cast<double>(from_ms);
  for (int draw = 0; draw < kMaxThinningDraws; ++draw) {
    t += m.random().exponential(peak_per_hour) * static_cast<double>(kMsPerHour);
    const auto candidate = static_cast<std::int64_t>(t);
    const double rate =
        dispenses_per_hour(kinds_[index], local_time(candidate, utc_offsets_[index])) * popularity;
    if (m.random().uniform() * peak_per_hour < rate) return candidate;
  }
  return static_cast<std::int64_t>(t);
}

void FleetSimulation::publish_statuses(bool online, std::int64_t ts_ms, MessageSink& sink) const {
  for (std::size_t i = 0; i < machines_.size(); ++i) {
    sink.deliver(MachineMessage{i, protocols::Status{ts_ms, online}});
  }
}

std::int64_t FleetSimulation::next_due_ms() const {
  return due_.empty() ? INT64_MAX : due_.top().at_ms;
}

std::size_t FleetSimulation::advance_to(std::int64_t until_ms, MessageSink& sink,
                                        std::size_t max_messages) {
  std::size_t delivered = 0;
  while (!due_.empty() && due_.top().at_ms <= until_ms && delivered < max_messages) {
    const Due due = due_.top();
    due_.pop();
    SimulatedMachine& m = machines_[due.machine];
    switch (due.action) {
      case Action::kTelemetry:
        sink.deliver(MachineMessage{due.machine, m.read_telemetry(due.at_ms)});
        ++delivered;
        due_.push(Due{due.at_ms + interval_ms_, due.machine, Action::kTelemetry});
        break;
      case Action::kDispenseStart:
        due_.push(Due{m.start_dispense(due.at_ms), due.machine, Action::kDispenseEnd});
        break;
      case Action::kDispenseEnd:
        sink.deliver(MachineMessage{due.machine, m.finish_dispense()});
        ++delivered;
        due_.push(Due{next_customer_ms(due.machine, due.at_ms + kCustomerGapMs), due.machine,
                      Action::kDispenseStart});
        break;
      case Action::kHeartbeat:
        sink.deliver(MachineMessage{due.machine, m.heartbeat(due.at_ms)});
        ++delivered;
        due_.push(Due{due.at_ms + interval_ms_, due.machine, Action::kHeartbeat});
        break;
    }
  }
  return delivered;
}

}  // namespace wm::sim
