// FaultInjector's slow faults (fault_injector.h): arrivals, the truth lines of a wearing
// part, the failure of a clogging filter and the repair after the failure.
#include <algorithm>
#include <array>
#include <utility>

#include "simulator/fault_injector.h"
#include "simulator/machine_profile.h"

namespace wm::sim {
namespace {

// Gaps beyond this are "never" (and would overflow the arithmetic).
constexpr double kNeverMs = 100.0 * 365 * static_cast<double>(kMsPerDay);

constexpr std::array<FaultKind, 5> kSlowKinds = {
    FaultKind::kFilterClogging, FaultKind::kMembraneDegradation, FaultKind::kWaterQuality,
    FaultKind::kPumpFault, FaultKind::kHeaterFault};

std::int64_t draw_minutes(SeededRandom& random, double lo, double hi) {
  return static_cast<std::int64_t>(random.uniform(lo, hi) * static_cast<double>(kMsPerMinute));
}

}  // namespace

void FaultInjector::schedule_degradation(std::size_t machine, std::int64_t nominal_ms,
                                         std::int64_t not_before_ms) {
  const double gap = machines_[machine].wear.exponential(wear_rate_per_ms_);
  if (gap > kNeverMs) return;
  const std::int64_t nominal = nominal_ms + static_cast<std::int64_t>(gap);
  Item item = make_item(std::max(nominal, not_before_ms), machine, ItemKind::kDegradation);
  item.nominal_ms = nominal;
  item.chained = true;
  push(std::move(item));
}

bool FaultInjector::inject_degradation(FaultKind kind, std::size_t machine, std::int64_t at_ms) {
  if (machine >= machines_.size() || !degrades_slowly(kind)) return false;
  Item item = make_item(at_ms, machine, ItemKind::kDegradation);
  item.nominal_ms = at_ms;
  item.forced = kind;
  push(std::move(item));
  return true;
}

bool FaultInjector::blocked_by_wear(std::size_t machine, FaultKind kind) const {
  const MachineState& state = machines_[machine];
  if (state.slow_episode == 0) return false;
  if (kind == state.slow_kind) return true;
  // A sudden water_quality is repaired with a new membrane and filter.
  return kind == FaultKind::kWaterQuality && (state.slow_kind == FaultKind::kFilterClogging ||
                                              state.slow_kind == FaultKind::kMembraneDegradation);
}

void FaultInjector::on_degradation(const Item& item) {
  const std::size_t machine = item.machine;
  MachineState& state = machines_[machine];
  if (state.slow_episode != 0 || item.at_ms < state.busy_until_ms) {
    // One part at a time, and none starts wearing under a sudden fault or a visit.
    Item later = item;
    later.at_ms = state.slow_episode != 0 ? item.at_ms + draw_minutes(state.wear, 360, 1440)
                                          : state.busy_until_ms + draw_minutes(state.wear, 5, 60);
    push(std::move(later));
    return;
  }
  const FaultKind kind = item.forced ? *item.forced
                                     : kSlowKinds[static_cast<std::size_t>(state.wear.uniform_int(
                                           0, static_cast<std::int64_t>(kSlowKinds.size()) - 1))];
  const FleetMachine& m = fleet_.machines[machine];
  const MachineProfile profile = draw_profile(fleet_.sites[m.site], m, seed_);
  start_slow(plan_degradation(kind, episode_machine(machine), profile, item.at_ms, state.wear),
             machine);
  if (item.chained) schedule_degradation(machine, item.nominal_ms, item.at_ms);
}

void FaultInjector::start_slow(SlowEpisode plan, std::size_t machine) {
  const FleetMachine& m = fleet_.machines[machine];
  Episode& e = plan.episode;
  auto open_line = [&](FaultKind kind, std::int64_t failure_ms,
                       std::vector<protocols::FaultCode> codes) {
    FaultTruth truth;
    truth.machine = m.id;
    truth.site = fleet_.sites[m.site].id;
    truth.kind = kind;
    truth.onset_ms = e.onset_ms;
    truth.failure_ms = failure_ms;
    truth.codes = std::move(codes);
    OpenFault open{std::move(truth)};
    open.awaiting_clogging = failure_ms == INT64_MAX;
    const std::uint64_t id = next_episode_++;
    open_.emplace(id, std::move(open));
    ++counters_.started[static_cast<std::size_t>(kind)];
    return id;
  };
  SlowFault slow;
  slow.machine = machine;
  slow.kind = e.kind;
  slow.codes = e.codes;
  slow.repair_delay_ms = plan.repair_delay_ms;
  slow.repair_latest_ms = plan.repair_latest_ms;
  const std::uint64_t id = open_line(e.kind, e.failure_ms, e.codes);
  slow.lines.push_back(id);
  if (plan.membrane_failure_ms) {
    slow.lines.push_back(open_line(FaultKind::kMembraneDegradation, *plan.membrane_failure_ms, {}));
  }
  ++counters_.degradations;
  MachineState& state = machines_[machine];
  state.slow_episode = id;
  state.slow_kind = e.kind;
  slow_.emplace(id, std::move(slow));
  for (FaultAction& action : e.actions) {
    Item item = make_item(action.at_ms, action.machine, ItemKind::kAction);
    item.action = std::move(action);
    push(std::move(item));
  }
  if (e.failure_ms != INT64_MAX) schedule_repair(id, e.failure_ms);
}

void FaultInjector::schedule_repair(std::uint64_t episode, std::int64_t failure_ms) {
  const SlowFault& slow = slow_.at(episode);
  const std::int64_t at_ms =
      std::max(failure_ms, std::min(failure_ms + slow.repair_delay_ms, slow.repair_latest_ms));
  Item item = make_item(at_ms, slow.machine, ItemKind::kRepair);
  item.episode = episode;
  push(std::move(item));
}

void FaultInjector::on_filter_clogged(std::size_t machine, std::int64_t ts_ms) {
  if (machine >= machines_.size()) return;
  const auto open = open_.find(machines_[machine].slow_episode);
  if (open == open_.end() || !open->second.awaiting_clogging) return;
  open->second.truth.failure_ms = ts_ms;
  open->second.awaiting_clogging = false;
  schedule_repair(open->first, ts_ms);
}

void FaultInjector::project_clogging(std::size_t machine, std::int64_t failure_ms) {
  if (machine >= machines_.size()) return;
  const auto open = open_.find(machines_[machine].slow_episode);
  if (open == open_.end() || !open->second.awaiting_clogging) return;
  open->second.truth.failure_ms = failure_ms;
}

void FaultInjector::on_repair(const Item& item) {
  const std::size_t machine = item.machine;
  MachineState& state = machines_[machine];
  if (item.at_ms < state.busy_until_ms) {
    // The technician comes once the machine is free of other faults and visits.
    Item later = item;
    later.at_ms = state.busy_until_ms + draw_minutes(state.wear, 5, 30);
    push(std::move(later));
    return;
  }
  const auto slow = slow_.find(item.episode);
  if (slow == slow_.end()) return;
  Episode repair = plan_degradation_repair(slow->second.kind, slow->second.codes,
                                           episode_machine(machine), item.at_ms, state.wear);
  state.busy_until_ms = repair.ends_ms();
  for (FaultAction& action : repair.actions) {
    Item step = make_item(action.at_ms, machine, ItemKind::kAction);
    step.action = std::move(action);
    push(std::move(step));
  }
  for (std::uint64_t line : slow->second.lines) {
    Item cleared = make_item(repair.cleared_ms, machine, ItemKind::kCleared);
    cleared.episode = line;
    push(std::move(cleared));
  }
  slow_.erase(slow);
}

}  // namespace wm::sim
