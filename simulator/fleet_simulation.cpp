#include "simulator/fleet_simulation.h"

#include <algorithm>
#include <cstdint>
#include <variant>

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

FleetSimulation::FleetSimulation(const Fleet& fleet, const SimulationOptions& options,
                                 const FaultOptions& faults, TruthSink* truth)
    : silent_(fleet.machines.size(), false),
      faults_(fleet, faults, options.seed, options.start_ms, truth),
      interval_ms_(std::max<std::int64_t>(options.telemetry_interval_ms, 1)) {
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
    if (online && silent_[i]) continue;
    sink.deliver(MachineMessage{i, protocols::Status{ts_ms, online}});
  }
}

std::int64_t FleetSimulation::next_due_ms() const {
  return std::min(due_.empty() ? INT64_MAX : due_.top().at_ms, faults_.next_ms());
}

std::size_t FleetSimulation::apply(const FaultAction& action, MessageSink& sink) {
  const std::size_t i = action.machine;
  SimulatedMachine& m = machines_[i];
  if (const auto* condition = std::get_if<MachineCondition>(&action.change)) {
    m.set_condition(*condition);
    return 0;
  }
  if (const auto* wear = std::get_if<DegradationChange>(&action.change)) {
    m.change_degradation(*wear);
    return 0;
  }
  if (const auto* power = std::get_if<PowerChange>(&action.change)) {
    if (power->on != silent_[i]) return 0;  // already so
    silent_[i] = !power->on;
    if (!power->on && m.dispense_under_way()) {
      m.abandon_dispense(action.at_ms);
      if (const auto clogged = m.take_clogging()) faults_.on_filter_clogged(i, *clogged);
    }
    // What the broker would show: a wm-json-v1 machine's will (offline) and its own
    // status on reconnecting; a hub connects a machine that is back. HX says nothing.
    const bool says = m.protocol() == WireProtocol::kWmJson ||
                      (power->on && m.protocol() == WireProtocol::kTbGateway);
    if (!says) return 0;
    sink.deliver(MachineMessage{i, protocols::Status{action.at_ms, power->on}});
    return 1;
  }
  if (silent_[i]) return 0;  // the injector never plans one: a dead machine says nothing
  if (const auto* fault = std::get_if<protocols::Fault>(&action.change)) {
    sink.deliver(MachineMessage{i, m.fault_event(action.at_ms, *fault)});
    return 1;
  }
  const auto& maintenance = std::get<protocols::Maintenance>(action.change);
  if (maintenance.action == protocols::MaintenanceAction::kFilterChange) m.change_filter();
  sink.deliver(MachineMessage{i, m.maintenance_event(action.at_ms, maintenance)});
  return 1;
}

std::size_t FleetSimulation::advance_to(std::int64_t until_ms, MessageSink& sink,
                                        std::size_t max_messages) {
  std::size_t delivered = 0;
  while (delivered < max_messages) {
    const std::int64_t fault_ms = faults_.next_ms();
    if (fault_ms <= until_ms &&
        (due_.empty() || !(Due{fault_ms, faults_.next_machine(), Action::kFault} > due_.top()))) {
      if (const auto action = faults_.pop()) delivered += apply(*action, sink);
      continue;
    }
    if (due_.empty() || due_.top().at_ms > until_ms) break;
    const Due due = due_.top();
    due_.pop();
    SimulatedMachine& m = machines_[due.machine];
    const bool silent = silent_[due.machine];
    switch (due.action) {
      case Action::kTelemetry:
        if (!silent) {
          sink.deliver(MachineMessage{due.machine, m.read_telemetry(due.at_ms)});
          ++delivered;
        }
        due_.push(Due{due.at_ms + interval_ms_, due.machine, Action::kTelemetry});
        break;
      case Action::kDispenseStart:
        if (silent || m.condition().card_reader_failed) {
          // Nobody can buy: the customer walks away.
          due_.push(Due{next_customer_ms(due.machine, due.at_ms + kCustomerGapMs), due.machine,
                        Action::kDispenseStart});
        } else {
          due_.push(Due{m.start_dispense(due.at_ms), due.machine, Action::kDispenseEnd});
        }
        break;
      case Action::kDispenseEnd:
        // A dispense cut short by a power loss was settled then.
        if (m.dispense_under_way()) {
          protocols::Event sale = m.finish_dispense();
          const auto& d = std::get<protocols::Dispense>(sale.body);
          if (d.dispensed_ml < d.requested_ml) {
            faults_.on_short_dispense(due.machine, sale.ts_ms, d.txn);
          }
          if (const auto clogged = m.take_clogging()) {
            faults_.on_filter_clogged(due.machine, *clogged);
          }
          sink.deliver(MachineMessage{due.machine, std::move(sale)});
          ++delivered;
        }
        due_.push(Due{next_customer_ms(due.machine, due.at_ms + kCustomerGapMs), due.machine,
                      Action::kDispenseStart});
        break;
      case Action::kHeartbeat:
        if (!silent) {
          sink.deliver(MachineMessage{due.machine, m.heartbeat(due.at_ms)});
          ++delivered;
        }
        due_.push(Due{due.at_ms + interval_ms_, due.machine, Action::kHeartbeat});
        break;
      case Action::kFault:
        break;  // never queued here: the injector keeps its own schedule
    }
  }
  return delivered;
}

void FleetSimulation::finish_faults(std::int64_t ts_ms) {
  for (std::size_t i = 0; i < machines_.size(); ++i) {
    if (const auto at = machines_[i].projected_clogging_ms(ts_ms)) {
      faults_.project_clogging(i, *at);
    }
  }
  faults_.finish(ts_ms);
}

}  // namespace wm::sim
