#include "simulator/fault_episode.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using protocols::Fault;
using protocols::FaultCode;
using protocols::Maintenance;
using protocols::MaintenanceAction;

std::int64_t draw_minutes(SeededRandom& random, double lo, double hi) {
  return static_cast<std::int64_t>(random.uniform(lo, hi) * static_cast<double>(kMsPerMinute));
}

std::string draw_staff(SeededRandom& random) {
  const auto n = random.uniform_int(1, 40);
  return (n < 10 ? "tech-0" : "tech-") + std::to_string(n);
}

void add(Episode& e, std::int64_t at_ms, std::size_t machine,
         decltype(FaultAction::change) change) {
  e.actions.push_back(FaultAction{at_ms, machine, std::move(change)});
}

}  // namespace

void add_fix(Episode& e, const EpisodeMachine& m, const MachineCondition& faulty,
             std::int64_t earliest_ms, std::int64_t fix_ms,
             const std::vector<MaintenanceAction>& work, bool technician, SeededRandom& random) {
  e.cleared_ms = fix_ms;
  if (!technician || !sends_maintenance_events(m.protocol)) {
    add(e, fix_ms, m.index, MachineCondition{});
    for (FaultCode code : e.codes) add(e, fix_ms, m.index, Fault{code, false});
    return;
  }
  const std::string staff = draw_staff(random);
  const std::int64_t arrive = std::max(earliest_ms, fix_ms - draw_minutes(random, 15, 40));
  add(e, arrive, m.index, Maintenance{MaintenanceAction::kServiceStart, staff});
  MachineCondition open = faulty;
  open.door_open = true;
  add(e, arrive + draw_minutes(random, 1, 3), m.index, open);
  for (std::size_t i = 0; i < work.size(); ++i) {
    const auto minutes_before = static_cast<std::int64_t>(work.size() - i);
    add(e, fix_ms - minutes_before * kMsPerMinute, m.index, Maintenance{work[i], staff});
  }
  MachineCondition healthy_open;
  healthy_open.door_open = true;
  add(e, fix_ms, m.index, healthy_open);
  for (FaultCode code : e.codes) add(e, fix_ms, m.index, Fault{code, false});
  const std::int64_t door_closed = fix_ms + draw_minutes(random, 1, 3);
  add(e, door_closed, m.index, MachineCondition{});
  add(e, door_closed + draw_minutes(random, 1, 2), m.index,
      Maintenance{MaintenanceAction::kServiceEnd, staff});
}

Episode plan_machine_fault(FaultKind kind, const EpisodeMachine& m, std::int64_t onset_ms,
                           SeededRandom& random) {
  Episode e;
  e.kind = kind;
  e.onset_ms = onset_ms;
  e.failure_ms = onset_ms;
  if (kind == FaultKind::kTamper) {
    // Someone forces the service door; it is shut again before long.
    MachineCondition open;
    open.door_open = true;
    add(e, onset_ms, m.index, open);
    e.cleared_ms = onset_ms + draw_minutes(random, 5, 30);
    add(e, e.cleared_ms, m.index, MachineCondition{});
    return e;
  }
  if (kind == FaultKind::kDeviceOffline) {
    add(e, onset_ms, m.index, PowerChange{false});
    e.cleared_ms = onset_ms + draw_minutes(random, 30, 360);
    add(e, e.cleared_ms, m.index, PowerChange{true});
    return e;
  }

  MachineCondition faulty;
  // The machine's own code for this kind, if any (a plain pair rather than an optional:
  // GCC 12 at -O2 warns about an optional enum copied into a vector).
  const std::optional<FaultCode> found_code = fault_code_of(kind);
  bool has_code = found_code.has_value();
  const FaultCode code = found_code.value_or(FaultCode::kE01);
  std::vector<MaintenanceAction> work;
  bool technician = true;
  std::int64_t lasts_ms = 0;  // from the failure to the fix
  switch (kind) {
    case FaultKind::kWaterQuality: {
      const double target = random.uniform(70, 180);
      faulty.tds_out_ppm = target;
      faulty.ramp_start_ms = onset_ms;
      faulty.ramp_ms = draw_minutes(random, 20, 360);
      e.failure_ms = onset_ms + static_cast<std::int64_t>(std::ceil(
                                    static_cast<double>(faulty.ramp_ms) * kTdsLimitPpm / target));
      lasts_ms = draw_minutes(random, 30, 180);
      work = {MaintenanceAction::kMembraneChange, MaintenanceAction::kFilterChange};
      break;
    }
    case FaultKind::kLeak:
      faulty.leak = true;
      lasts_ms = draw_minutes(random, 30, 240);
      break;
    case FaultKind::kUvFault:
      faulty.uv_failed = true;
      lasts_ms = draw_minutes(random, 120, 720);
      work = {MaintenanceAction::kUvChange};
      break;
    case FaultKind::kWaterSupply:
      // The building's supply: the property side restores it, no technician comes.
      faulty.pressure_kpa = random.uniform(0, 25);
      lasts_ms = draw_minutes(random, 20, 180);
      technician = false;
      break;
    case FaultKind::kDispenseFailure:
      if (random.chance(0.6)) {
        faulty.delivered_share = random.uniform(0, 0.1);  // valve stuck: E08
      } else {
        faulty.delivered_share = random.uniform(0.1, 0.4);  // flow stops mid-dispense
        has_code = false;
        e.failure_at_first_short_sale = true;
      }
      lasts_ms = draw_minutes(random, 30, 240);
      break;
    case FaultKind::kPumpFault:
      faulty.pump_factor = random.uniform(2, 3);
      lasts_ms = draw_minutes(random, 60, 480);
      break;
    case FaultKind::kHeaterFault:
      faulty.temp_c = m.hot_water ? random.uniform(35, 50) : random.uniform(35, 45);
      faulty.ramp_start_ms = onset_ms;
      faulty.ramp_ms = draw_minutes(random, 15, 45);
      lasts_ms = draw_minutes(random, 120, 720);
      break;
    case FaultKind::kCardReaderFault:
      faulty.card_reader_failed = true;
      lasts_ms = draw_minutes(random, 60, 480);
      break;
    default:
      std::abort();  // site-wide and cleaning_due faults are not planned here
  }
  if (has_code && sends_fault_events(m.protocol)) e.codes.push_back(code);
  add(e, onset_ms, m.index, faulty);
  for (FaultCode c : e.codes) add(e, e.failure_ms, m.index, Fault{c, true});
  add_fix(e, m, faulty, e.failure_ms + kMsPerMinute, e.failure_ms + lasts_ms, work, technician,
          random);
  return e;
}

Episode plan_site_outage(const std::vector<EpisodeMachine>& machines, std::int64_t onset_ms,
                         SeededRandom& random) {
  Episode e;
  e.kind = FaultKind::kSitePowerOutage;
  e.onset_ms = onset_ms;
  e.failure_ms = onset_ms;
  e.cleared_ms = onset_ms + draw_minutes(random, 30, 240);
  for (const EpisodeMachine& m : machines) add(e, onset_ms, m.index, PowerChange{false});
  for (const EpisodeMachine& m : machines) {
    // Each machine takes its own time to boot once the power is back.
    add(e, e.cleared_ms + random.uniform_int(0, kMsPerMinute), m.index, PowerChange{true});
  }
  std::stable_sort(e.actions.begin(), e.actions.end(),
                   [](const FaultAction& a, const FaultAction& b) { return a.at_ms < b.at_ms; });
  return e;
}

std::vector<FaultAction> plan_visit(std::size_t machine, std::int64_t start_ms,
                                    std::optional<MaintenanceAction> work, SeededRandom& random) {
  Episode e;
  const std::string staff = draw_staff(random);
  add(e, start_ms, machine, Maintenance{MaintenanceAction::kServiceStart, staff});
  MachineCondition open;
  open.door_open = true;
  const std::int64_t opened = start_ms + draw_minutes(random, 1, 3);
  add(e, opened, machine, open);
  const std::int64_t worked = opened + draw_minutes(random, 8, 25);
  if (work) add(e, worked, machine, Maintenance{*work, staff});
  const std::int64_t closed = worked + draw_minutes(random, 3, 12);
  add(e, closed, machine, MachineCondition{});
  add(e, closed + draw_minutes(random, 1, 3), machine,
      Maintenance{MaintenanceAction::kServiceEnd, staff});
  return std::move(e.actions);
}

}  // namespace wm::sim
