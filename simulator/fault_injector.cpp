#include "simulator/fault_injector.h"

#include <algorithm>
#include <utility>

#include "simulator/machine_profile.h"

namespace wm::sim {
namespace {

constexpr std::int64_t kWorkdayStartMs = 9 * kMsPerHour;  // local time
constexpr std::int64_t kWorkdayMs = 8 * kMsPerHour;
// Gaps beyond this are "never" (and would overflow the arithmetic).
constexpr double kNeverMs = 100.0 * 365 * static_cast<double>(kMsPerDay);

// Relative frequency of each kind among a machine's faults, by FaultKind.
constexpr std::array<double, kFaultKindCount> kWeights = {
    1.0,  // water_quality
    1.0,  // leak
    1.0,  // uv_fault
    1.0,  // water_supply
    1.2,  // dispense_failure
    0.8,  // pump_fault
    0.6,  // heater_fault
    0.6,  // card_reader_fault
    0.8,  // tamper
    1.0,  // device_offline
    2.0,  // site_power_outage (divided by the machines on the site)
    0.0,  // cleaning_due: from skipped cleanings, not drawn
    0.0,  // filter_clogging: slow faults only (fault_injector_degradation.cpp)
    0.0,  // membrane_degradation: slow faults only
};

std::int64_t days(SeededRandom& random, double lo, double hi) {
  return static_cast<std::int64_t>(random.uniform(lo, hi) * static_cast<double>(kMsPerDay));
}

std::int64_t minutes(SeededRandom& random, double lo, double hi) {
  return static_cast<std::int64_t>(random.uniform(lo, hi) * static_cast<double>(kMsPerMinute));
}

}  // namespace

FaultInjector::Item FaultInjector::make_item(std::int64_t at_ms, std::size_t machine,
                                             ItemKind kind) {
  Item item;
  item.at_ms = at_ms;
  item.machine = machine;
  item.kind = kind;
  return item;
}

FaultInjector::FaultInjector(const Fleet& fleet, const FaultOptions& options, std::uint64_t seed,
                             std::int64_t start_ms, TruthSink* truth)
    : fleet_(fleet),
      options_(options),
      truth_(truth),
      seed_(seed),
      rate_per_ms_(std::max(0.0, options.per_machine_day) / static_cast<double>(kMsPerDay)),
      wear_rate_per_ms_(std::max(0.0, options.degradation_per_machine_30d) /
                        static_cast<double>(30 * kMsPerDay)),
      site_machines_(fleet.sites.size()),
      shorting_on_machine_(fleet.machines.size(), 0) {
  machines_.reserve(fleet.machines.size());
  for (std::size_t i = 0; i < fleet.machines.size(); ++i) {
    const FleetMachine& m = fleet.machines[i];
    site_machines_[m.site].push_back(i);
    MachineState state{SeededRandom::for_stream(seed, "faults:" + m.id),
                       SeededRandom::for_stream(seed, "visits:" + m.id),
                       SeededRandom::for_stream(seed, "wear:" + m.id)};
    state.last_cleaning_ms = start_ms;
    state.careless = state.visits.chance(options_.careless_share);
    machines_.push_back(std::move(state));
  }
  for (std::size_t i = 0; i < machines_.size(); ++i) {
    if (rate_per_ms_ > 0) schedule_arrival(i, start_ms, start_ms);
    if (wear_rate_per_ms_ > 0) schedule_degradation(i, start_ms, start_ms);
    if (!options_.routine_maintenance || !sends_maintenance_events(fleet.machines[i].protocol)) {
      continue;
    }
    // Spread the first visits so the fleet does not all get cleaned on one day.
    SeededRandom& random = machines_[i].visits;
    const std::int64_t cleaning = working_time(i, start_ms + days(random, 0.2, 5), random);
    push(make_item(cleaning, i, ItemKind::kCleaning));
    const std::int64_t inspection = working_time(i, start_ms + days(random, 0.5, 10), random);
    push(make_item(inspection, i, ItemKind::kInspection));
  }
}

void FaultInjector::push(Item item) {
  item.order = next_order_++;
  items_.push(std::move(item));
}

void FaultInjector::schedule_arrival(std::size_t machine, std::int64_t nominal_ms,
                                     std::int64_t not_before_ms) {
  const double gap = machines_[machine].faults.exponential(rate_per_ms_);
  if (gap > kNeverMs) return;
  // The process keeps its own clock; a fault whose time passed while the machine was
  // busy starts now rather than in the past.
  const std::int64_t nominal = nominal_ms + static_cast<std::int64_t>(gap);
  Item item = make_item(std::max(nominal, not_before_ms), machine, ItemKind::kArrival);
  item.nominal_ms = nominal;
  item.chained = true;
  push(std::move(item));
}

bool FaultInjector::inject(FaultKind kind, std::size_t machine, std::int64_t at_ms) {
  if (machine >= machines_.size() || kind == FaultKind::kCleaningDue || slow_only(kind) ||
      !can_show(kind, fleet_.machines[machine].protocol)) {
    return false;
  }
  Item item = make_item(at_ms, machine, ItemKind::kArrival);
  item.nominal_ms = at_ms;
  item.forced = kind;
  push(std::move(item));
  return true;
}

std::int64_t FaultInjector::next_ms() const {
  return items_.empty() ? INT64_MAX : items_.top().at_ms;
}

std::size_t FaultInjector::next_machine() const {
  return items_.empty() ? 0 : items_.top().machine;
}

std::optional<FaultAction> FaultInjector::pop() {
  Item item = items_.top();
  items_.pop();
  switch (item.kind) {
    case ItemKind::kArrival:
      on_arrival(item);
      return std::nullopt;
    case ItemKind::kCleaning:
    case ItemKind::kInspection:
      on_visit(item);
      return std::nullopt;
    case ItemKind::kDegradation:
      on_degradation(item);
      return std::nullopt;
    case ItemKind::kRepair:
      on_repair(item);
      return std::nullopt;
    case ItemKind::kCleared: {
      const auto open = open_.find(item.episode);
      if (open != open_.end()) {
        open->second.truth.cleared_ms = std::min(item.at_ms, open->second.fixed_ms);
        report(open->second);
        open_.erase(open);
      }
      if (shorting_on_machine_[item.machine] == item.episode) {
        shorting_on_machine_[item.machine] = 0;
      }
      if (machines_[item.machine].slow_episode == item.episode) {
        machines_[item.machine].slow_episode = 0;
      }
      return std::nullopt;
    }
    case ItemKind::kAction:
      break;
  }
  const auto* maintenance = std::get_if<protocols::Maintenance>(&item.action->change);
  if (maintenance != nullptr && maintenance->action == protocols::MaintenanceAction::kCleaning) {
    on_cleaning(item.machine, item.at_ms);
  }
  return std::move(item.action);
}

std::optional<FaultKind> FaultInjector::draw_kind(std::size_t machine) {
  const FleetMachine& m = fleet_.machines[machine];
  const std::size_t on_site = site_machines_[m.site].size();
  std::array<double, kFaultKindCount> weights{};
  double total = 0;
  for (FaultKind kind : all_fault_kinds()) {
    const auto k = static_cast<std::size_t>(kind);
    if (!can_show(kind, m.protocol)) continue;
    weights[k] = kWeights[k];
    if (kind == FaultKind::kSitePowerOutage) {
      weights[k] = on_site < 2 ? 0.0 : kWeights[k] / static_cast<double>(on_site);
    }
    total += weights[k];
  }
  if (total <= 0) return std::nullopt;
  double u = machines_[machine].faults.uniform() * total;
  for (FaultKind kind : all_fault_kinds()) {
    const auto k = static_cast<std::size_t>(kind);
    if (weights[k] <= 0) continue;
    if (u < weights[k]) return kind;
    u -= weights[k];
  }
  return FaultKind::kDeviceOffline;  // rounding at the very top of the range
}

void FaultInjector::on_arrival(const Item& item) {
  const std::size_t machine = item.machine;
  MachineState& state = machines_[machine];
  if (item.at_ms < state.busy_until_ms) {
    Item later = item;
    later.at_ms = state.busy_until_ms + minutes(state.faults, 5, 60);
    push(std::move(later));
    return;
  }
  const std::optional<FaultKind> kind = item.forced ? item.forced : draw_kind(machine);
  if (!kind) return;
  if (blocked_by_wear(machine, *kind)) {
    Item later = item;
    later.forced = kind;
    later.at_ms = item.at_ms + minutes(state.faults, 60, 360);
    push(std::move(later));
    return;
  }
  if (*kind == FaultKind::kSitePowerOutage) {
    const auto& site = site_machines_[fleet_.machines[machine].site];
    std::int64_t free_ms = INT64_MIN;
    for (std::size_t m : site) free_ms = std::max(free_ms, machines_[m].busy_until_ms);
    if (item.at_ms < free_ms) {
      Item later = item;
      later.forced = kind;  // the site's outage is only put off
      later.at_ms = free_ms + minutes(state.faults, 5, 60);
      push(std::move(later));
      return;
    }
    std::vector<EpisodeMachine> machines;
    for (std::size_t m : site) machines.push_back(episode_machine(m));
    start(plan_site_outage(machines, item.at_ms, state.faults), machine, true);
  } else {
    start(plan_machine_fault(*kind, episode_machine(machine), item.at_ms, state.faults), machine,
          false);
  }
  if (item.chained) schedule_arrival(machine, item.nominal_ms, item.at_ms);
}

void FaultInjector::start(Episode episode, std::size_t machine, bool site_wide) {
  const FleetMachine& m = fleet_.machines[machine];
  FaultTruth truth;
  truth.machine = site_wide ? std::string() : m.id;
  truth.site = fleet_.sites[m.site].id;
  truth.kind = episode.kind;
  truth.onset_ms = episode.onset_ms;
  truth.failure_ms = episode.failure_ms;
  truth.codes = episode.codes;
  const std::uint64_t id = next_episode_++;
  const bool shorts_sales = episode.kind == FaultKind::kDispenseFailure;
  open_.emplace(id, OpenFault{std::move(truth), episode.failure_at_first_short_sale,
                              shorts_sales ? episode.cleared_ms : INT64_MAX});
  if (shorts_sales) shorting_on_machine_[machine] = id;
  ++counters_.started[static_cast<std::size_t>(episode.kind)];

  const std::int64_t ends_ms = episode.ends_ms();
  if (site_wide) {
    for (std::size_t other : site_machines_[m.site]) machines_[other].busy_until_ms = ends_ms;
  } else {
    machines_[machine].busy_until_ms = ends_ms;
  }
  for (FaultAction& action : episode.actions) {
    Item item = make_item(action.at_ms, action.machine, ItemKind::kAction);
    item.action = std::move(action);
    push(std::move(item));
  }
  Item cleared = make_item(episode.cleared_ms + (shorts_sales ? kSaleSettleMs : 0), machine,
                           ItemKind::kCleared);
  cleared.episode = id;
  push(std::move(cleared));
}

void FaultInjector::on_visit(const Item& item) {
  const std::size_t machine = item.machine;
  MachineState& state = machines_[machine];
  SeededRandom& random = state.visits;
  if (item.at_ms < state.busy_until_ms) {
    Item later = item;
    later.at_ms = working_time(machine, state.busy_until_ms + minutes(random, 10, 120), random);
    push(std::move(later));
    return;
  }
  std::optional<protocols::MaintenanceAction> work;
  Item next = item;
  if (item.kind == ItemKind::kCleaning) {
    next.at_ms = working_time(machine, item.at_ms + days(random, 3, 6), random);
    push(next);
    if (state.careless && random.chance(0.5)) {
      ++counters_.cleanings_skipped;
      return;
    }
    work = protocols::MaintenanceAction::kCleaning;
  } else {
    next.at_ms = working_time(machine, item.at_ms + days(random, 4, 10), random);
    push(next);
  }
  std::vector<FaultAction> actions = plan_visit(machine, item.at_ms, work, random);
  state.busy_until_ms = actions.back().at_ms;
  ++counters_.visits;
  for (FaultAction& action : actions) {
    Item step = make_item(action.at_ms, machine, ItemKind::kAction);
    step.action = std::move(action);
    push(std::move(step));
  }
}

void FaultInjector::on_cleaning(std::size_t machine, std::int64_t ts_ms) {
  MachineState& state = machines_[machine];
  const std::int64_t due_ms = state.last_cleaning_ms + options_.hygiene_interval_ms;
  state.last_cleaning_ms = ts_ms;
  if (ts_ms <= due_ms) return;
  const FleetMachine& m = fleet_.machines[machine];
  ++counters_.started[static_cast<std::size_t>(FaultKind::kCleaningDue)];
  if (truth_ != nullptr) {
    truth_->record(FaultTruth{
        m.id, fleet_.sites[m.site].id, FaultKind::kCleaningDue, due_ms, due_ms, ts_ms, {}, {}});
  }
}

void FaultInjector::on_short_dispense(std::size_t machine, std::int64_t ts_ms,
                                      const std::string& txn) {
  const auto open = open_.find(shorting_on_machine_[machine]);
  if (open == open_.end()) return;
  OpenFault& fault = open->second;
  fault.truth.txns.push_back(txn);
  if (!fault.awaiting_short_sale) return;
  // A sale that began before the fix and ended after it: the failure was no later.
  fault.truth.failure_ms = std::min(ts_ms, fault.fixed_ms);
  fault.awaiting_short_sale = false;
}

void FaultInjector::report(const OpenFault& fault) {
  if (fault.awaiting_short_sale) {
    ++counters_.unseen;
    return;
  }
  if (truth_ != nullptr) truth_->record(fault.truth);
}

void FaultInjector::finish(std::int64_t ts_ms) {
  for (auto& [id, fault] : open_) {
    if (fault.fixed_ms <= ts_ms) fault.truth.cleared_ms = fault.fixed_ms;  // still settling
    if (fault.awaiting_clogging && fault.truth.failure_ms == INT64_MAX) {
      fault.truth.failure_ms = ts_ms + 365 * kMsPerDay;  // nothing flowed: not in this run
    }
    report(fault);
  }
  open_.clear();
  std::fill(shorting_on_machine_.begin(), shorting_on_machine_.end(), 0);
  if (!options_.routine_maintenance) return;
  for (std::size_t i = 0; i < machines_.size(); ++i) {
    const FleetMachine& m = fleet_.machines[i];
    const std::int64_t due_ms = machines_[i].last_cleaning_ms + options_.hygiene_interval_ms;
    if (!sends_maintenance_events(m.protocol) || ts_ms <= due_ms) continue;
    ++counters_.started[static_cast<std::size_t>(FaultKind::kCleaningDue)];
    if (truth_ != nullptr) {
      truth_->record(FaultTruth{m.id,
                                fleet_.sites[m.site].id,
                                FaultKind::kCleaningDue,
                                due_ms,
                                due_ms,
                                std::nullopt,
                                {},
                                {}});
    }
  }
}

std::int64_t FaultInjector::working_time(std::size_t machine, std::int64_t ts_ms,
                                         SeededRandom& random) const {
  const int offset = fleet_.sites[fleet_.machines[machine].site].utc_offset_min;
  const LocalTime local = local_time(ts_ms, offset);
  const auto into_day = static_cast<std::int64_t>(local.hour * static_cast<double>(kMsPerHour));
  if (into_day >= kWorkdayStartMs && into_day < kWorkdayStartMs + kWorkdayMs) return ts_ms;
  std::int64_t midnight = ts_ms - into_day;
  if (into_day >= kWorkdayStartMs + kWorkdayMs) midnight += kMsPerDay;
  return midnight + kWorkdayStartMs + random.uniform_int(0, kWorkdayMs - 1);
}

EpisodeMachine FaultInjector::episode_machine(std::size_t machine) const {
  const FleetMachine& m = fleet_.machines[machine];
  return EpisodeMachine{machine, m.protocol, hot_water_model(m.model)};
}

}  // namespace wm::sim
