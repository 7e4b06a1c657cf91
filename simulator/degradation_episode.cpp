#include "simulator/degradation_episode.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using protocols::Fault;
using protocols::FaultCode;
using protocols::MaintenanceAction;

// The repair of a membrane starts no later than the product water's true TDS reaching
// this: with 3% sensor noise it stays clear of the 50 ppm limit until the fix.
constexpr double kMembraneRepairTdsPpm = 45;

std::int64_t ms_of_days(double days) {
  return static_cast<std::int64_t>(std::llround(days * static_cast<double>(kMsPerDay)));
}

std::int64_t draw_hours(SeededRandom& random, double lo, double hi) {
  return static_cast<std::int64_t>(random.uniform(lo, hi) * static_cast<double>(kMsPerHour));
}

std::vector<MaintenanceAction> repair_work(FaultKind kind) {
  switch (kind) {
    case FaultKind::kFilterClogging:
      return {MaintenanceAction::kFilterChange};
    case FaultKind::kMembraneDegradation:
      return {MaintenanceAction::kMembraneChange};
    case FaultKind::kWaterQuality:
      return {MaintenanceAction::kMembraneChange, MaintenanceAction::kFilterChange};
    default:
      return {};
  }
}

}  // namespace

SlowEpisode plan_degradation(FaultKind kind, const EpisodeMachine& m, const MachineProfile& p,
                             std::int64_t onset_ms, SeededRandom& random) {
  SlowEpisode slow;
  Episode& e = slow.episode;
  e.kind = kind;
  e.onset_ms = onset_ms;
  e.failure_ms = INT64_MAX;
  Degradation d;
  d.kind = kind;
  d.onset_ms = onset_ms;
  const double clean_passage = 1.0 - p.salt_rejection;
  const double clean_tds_out = p.tds_in_ppm * clean_passage;
  switch (kind) {
    case FaultKind::kFilterClogging: {
      // More dissolved (and suspended) matter in the feed cakes the filter in fewer litres.
      const double litres = random.uniform(300, 900) * 250.0 / p.tds_in_ppm;
      d.resistance_per_litre = (1.0 / kCloggedFlowShare - 1.0) / litres;
      slow.repair_delay_ms = draw_hours(random, 4, 36);
      break;
    }
    case FaultKind::kMembraneDegradation: {
      const double days = random.uniform(5, 25);
      d.passage_growth_per_day = std::log((1.0 - kFailedRejection) / clean_passage) / days;
      e.failure_ms = onset_ms + ms_of_days(days);
      slow.repair_delay_ms = draw_hours(random, 4, 36);
      const double near_limit_days =
          std::log(kMembraneRepairTdsPpm / clean_tds_out) / d.passage_growth_per_day;
      slow.repair_latest_ms = std::max(e.failure_ms + 30 * kMsPerMinute,
                                       onset_ms + ms_of_days(near_limit_days) - kMsPerHour);
      break;
    }
    case FaultKind::kWaterQuality: {
      const double days = random.uniform(4, 20);
      d.passage_growth_per_day = std::log(kTdsLimitPpm / clean_tds_out) / days;
      e.failure_ms = onset_ms + ms_of_days(days);
      // Inlet TDS is at most 400 ppm, so 90% rejection (40 ppm or less) comes first.
      slow.membrane_failure_ms =
          onset_ms +
          ms_of_days(std::log((1.0 - kFailedRejection) / clean_passage) / d.passage_growth_per_day);
      slow.repair_delay_ms = draw_hours(random, 0.5, 3);
      break;
    }
    case FaultKind::kPumpFault: {
      e.failure_ms = onset_ms + ms_of_days(random.uniform(3, 15));
      d.pump_rise = random.uniform(0.15, 0.40);
      d.pump_stall = random.uniform(2, 3);
      slow.repair_delay_ms = draw_hours(random, 1, 8);
      break;
    }
    case FaultKind::kHeaterFault: {
      const double days = random.uniform(3, 15);
      e.failure_ms = onset_ms + ms_of_days(days);
      d.temp_drift_c_per_day = (m.hot_water ? -kHeaterMarginC : kHeaterMarginC) / days;
      slow.repair_delay_ms = draw_hours(random, 2, 12);
      break;
    }
    default:
      std::abort();  // only the kinds of degrades_slowly()
  }
  d.failure_ms = e.failure_ms;
  if (const auto code = fault_code_of(kind); code && sends_fault_events(m.protocol)) {
    e.codes.push_back(*code);
  }
  e.actions.push_back(FaultAction{onset_ms, m.index, DegradationChange{d, false}});
  if (e.failure_ms != INT64_MAX) {
    for (FaultCode code : e.codes) {
      e.actions.push_back(FaultAction{e.failure_ms, m.index, Fault{code, true}});
    }
  }
  return slow;
}

Episode plan_degradation_repair(FaultKind kind, const std::vector<FaultCode>& codes,
                                const EpisodeMachine& m, std::int64_t start_ms,
                                SeededRandom& random) {
  Episode e;
  e.kind = kind;
  e.onset_ms = start_ms;
  e.failure_ms = start_ms;
  e.codes = codes;
  const std::vector<MaintenanceAction> work = repair_work(kind);
  const std::int64_t fix_ms =
      start_ms +
      static_cast<std::int64_t>(random.uniform(20, 45) * static_cast<double>(kMsPerMinute));
  add_fix(e, m, MachineCondition{}, start_ms, fix_ms, work, true, random);
  // The wear ends with the fix, before the sensors read normal again.
  const bool silent_filter =
      !sends_maintenance_events(m.protocol) &&
      std::find(work.begin(), work.end(), MaintenanceAction::kFilterChange) != work.end();
  const auto at_fix = std::find_if(e.actions.begin(), e.actions.end(),
                                   [&](const FaultAction& a) { return a.at_ms >= fix_ms; });
  e.actions.insert(at_fix,
                   FaultAction{fix_ms, m.index, DegradationChange{std::nullopt, silent_filter}});
  return e;
}

}  // namespace wm::sim
