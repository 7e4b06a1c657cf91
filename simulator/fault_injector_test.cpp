#include "simulator/fault_injector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <variant>
#include <vector>

#include "simulator/inventory_generator.h"
#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

constexpr std::int64_t kStart = 1709481600000;  // 2024-03-04T00:00+08:00, a Monday

class RecordingTruth : public TruthSink {
 public:
  void record(const FaultTruth& truth) override { truths.push_back(truth); }
  std::vector<FaultTruth> truths;
};

Fleet generated_fleet(std::size_t devices, std::uint64_t seed) {
  const auto mix = parse_protocol_mix("json:60,hx:30,tb:10");
  auto fleet = parse_fleet(generate_inventory(devices, seed, *mix).dump());
  if (!fleet.ok()) ADD_FAILURE() << fleet.error().to_string();
  // Tests of visits need machines that send maintenance events.
  EXPECT_GT(count_machines(*fleet, WireProtocol::kWmJson), devices / 4);
  return std::move(fleet).value();
}

// Runs the injector alone from kStart for `days` and stops it there.
std::vector<FaultAction> run(FaultInjector& injector, double days) {
  const auto end = kStart + static_cast<std::int64_t>(days * static_cast<double>(kMsPerDay));
  std::vector<FaultAction> actions;
  std::int64_t last = kStart;
  while (injector.next_ms() <= end) {
    EXPECT_GE(injector.next_ms(), last);  // event-time order
    last = injector.next_ms();
    if (auto action = injector.pop()) actions.push_back(std::move(*action));
  }
  injector.finish(end);
  return actions;
}

std::size_t machine_index(const Fleet& fleet, const std::string& id) {
  for (std::size_t i = 0; i < fleet.machines.size(); ++i) {
    if (fleet.machines[i].id == id) return i;
  }
  ADD_FAILURE() << "no machine " << id;
  return 0;
}

TEST(FaultInjectorTest, FaultsArriveAtTheRateAskedForOverManyMachineDays) {
  const Fleet fleet = generated_fleet(300, 11);
  RecordingTruth truth;
  FaultOptions options;
  options.per_machine_day = 0.5;
  options.routine_maintenance = true;
  FaultInjector injector(fleet, options, 4, kStart, &truth);
  const double days = 30;
  run(injector, days);
  std::uint64_t faults = 0;
  for (FaultKind kind : all_fault_kinds()) {
    const std::uint64_t n = injector.counters().started[static_cast<std::size_t>(kind)];
    if (slow_only(kind)) {
      EXPECT_EQ(n, 0u) << to_string(kind);  // only with degradation_per_machine_30d
      continue;
    }
    EXPECT_GT(n, 0u) << to_string(kind);
    if (kind != FaultKind::kCleaningDue) faults += n;
  }
  // 300 machines x 30 days x 0.5 = 4500 (a Poisson count: sd ~67); faults that wait for
  // a busy machine only move a little later.
  const double expected = 300 * days * 0.5;
  EXPECT_GT(static_cast<double>(faults), expected * 0.95);
  EXPECT_LT(static_cast<double>(faults), expected * 1.05);
  // Each is in the ground truth, but for dispense failures that met no customer (no
  // customers here: the injector runs alone).
  std::uint64_t lines = 0;
  for (const FaultTruth& t : truth.truths) lines += t.kind != FaultKind::kCleaningDue;
  EXPECT_EQ(lines + injector.counters().unseen, faults);
  EXPECT_GT(injector.counters().visits, 300u);  // wm-json machines: cleanings + inspections
}

TEST(FaultInjectorTest, NoRateNoFaults) {
  const Fleet fleet = generated_fleet(60, 1);
  FaultInjector quiet(fleet, FaultOptions{}, 1, kStart, nullptr);
  EXPECT_EQ(quiet.next_ms(), INT64_MAX);
}

TEST(FaultInjectorTest, EachMachineGetsOnlyWhatItsProtocolCanCarry) {
  const Fleet fleet = generated_fleet(200, 3);
  RecordingTruth truth;
  FaultOptions options;
  options.per_machine_day = 2;
  options.routine_maintenance = true;
  FaultInjector injector(fleet, options, 9, kStart, &truth);
  const auto actions = run(injector, 10);
  for (const FaultAction& a : actions) {
    const WireProtocol protocol = fleet.machines[a.machine].protocol;
    if (std::holds_alternative<protocols::Fault>(a.change)) {
      EXPECT_NE(protocol, WireProtocol::kTbGateway);
    }
    if (std::holds_alternative<protocols::Maintenance>(a.change)) {
      EXPECT_EQ(protocol, WireProtocol::kWmJson);
    }
  }
  std::set<WireProtocol> with_codes;
  for (const FaultTruth& t : truth.truths) {
    if (t.machine.empty()) {
      EXPECT_EQ(t.kind, FaultKind::kSitePowerOutage);
      continue;
    }
    const WireProtocol protocol = fleet.machines[machine_index(fleet, t.machine)].protocol;
    EXPECT_TRUE(can_show(t.kind, protocol)) << to_string(t.kind);
    if (!t.codes.empty()) {
      with_codes.insert(protocol);
      EXPECT_EQ(t.codes, std::vector{*fault_code_of(t.kind)});
    }
  }
  EXPECT_EQ(with_codes, (std::set{WireProtocol::kWmJson, WireProtocol::kHxBinary}));
}

TEST(FaultInjectorTest, AMachineCarriesOneFaultAtATime) {
  const Fleet fleet = generated_fleet(150, 5);
  RecordingTruth truth;
  FaultOptions options;
  options.per_machine_day = 3;  // crowded on purpose
  FaultInjector injector(fleet, options, 2, kStart, &truth);
  run(injector, 10);
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> spans;
  for (const FaultTruth& t : truth.truths) {
    ASSERT_LE(t.onset_ms, t.failure_ms);
    const std::int64_t end = t.cleared_ms.value_or(INT64_MAX);
    ASSERT_LT(t.failure_ms, end);
    if (!t.machine.empty()) {
      spans[t.machine].emplace_back(t.onset_ms, end);
      continue;
    }
    for (const FleetMachine& m : fleet.machines) {
      if (fleet.sites[m.site].id == t.site) spans[m.id].emplace_back(t.onset_ms, end);
    }
  }
  for (auto& [machine, list] : spans) {
    std::sort(list.begin(), list.end());
    for (std::size_t i = 1; i < list.size(); ++i) {
      EXPECT_GE(list[i].first, list[i - 1].second) << machine;
    }
  }
}

TEST(FaultInjectorTest, SameSeedSameFaultsOtherSeedOthers) {
  const Fleet fleet = generated_fleet(60, 8);
  FaultOptions options;
  options.per_machine_day = 1;
  options.routine_maintenance = true;
  FaultInjector a(fleet, options, 21, kStart, nullptr);
  FaultInjector b(fleet, options, 21, kStart, nullptr);
  FaultInjector c(fleet, options, 22, kStart, nullptr);
  const auto first = run(a, 5);
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, run(b, 5));
  EXPECT_NE(first, run(c, 5));
}

TEST(FaultInjectorTest, SkippedCleaningsBecomeCleaningDueUntilTheNextCleaning) {
  const Fleet fleet = generated_fleet(120, 7);
  FaultOptions options;
  options.routine_maintenance = true;
  options.careless_share = 1.0;  // every machine skips about half its cleanings
  RecordingTruth truth;
  FaultInjector careless(fleet, options, 3, kStart, &truth);
  const auto actions = run(careless, 40);
  std::map<std::size_t, std::vector<std::int64_t>> cleanings;
  for (const FaultAction& a : actions) {
    const auto* m = std::get_if<protocols::Maintenance>(&a.change);
    if (m && m->action == protocols::MaintenanceAction::kCleaning) {
      cleanings[a.machine].push_back(a.at_ms);
    }
  }
  int due = 0;
  for (const FaultTruth& t : truth.truths) {
    ASSERT_EQ(t.kind, FaultKind::kCleaningDue);  // no rate: nothing else
    ++due;
    const auto& times = cleanings[machine_index(fleet, t.machine)];
    if (!t.cleared_ms) continue;  // overdue when the run stopped
    // Cleared by a cleaning; due a hygiene interval after the one before (or the start).
    const auto at = std::find(times.begin(), times.end(), *t.cleared_ms);
    ASSERT_NE(at, times.end());
    const std::int64_t before = at == times.begin() ? kStart : *(at - 1);
    EXPECT_EQ(t.onset_ms, before + options.hygiene_interval_ms);
    EXPECT_TRUE(t.codes.empty());
  }
  EXPECT_GT(due, 10);

  options.careless_share = 0;
  options.hygiene_interval_ms = 8 * kMsPerDay;  // cleanings come every 3-6 days
  RecordingTruth diligent_truth;
  FaultInjector diligent(fleet, options, 3, kStart, &diligent_truth);
  run(diligent, 40);
  EXPECT_TRUE(diligent_truth.truths.empty());
}

TEST(FaultInjectorTest, VisitsComeInWorkingHours) {
  const Fleet fleet = generated_fleet(120, 7);
  FaultOptions options;
  options.routine_maintenance = true;
  FaultInjector injector(fleet, options, 3, kStart, nullptr);
  int visits = 0;
  for (const FaultAction& a : run(injector, 20)) {
    const auto* m = std::get_if<protocols::Maintenance>(&a.change);
    if (!m || m->action != protocols::MaintenanceAction::kServiceStart) continue;
    ++visits;
    const LocalTime local =
        local_time(a.at_ms, fleet.sites[fleet.machines[a.machine].site].utc_offset_min);
    EXPECT_GE(local.hour, 9.0);
    EXPECT_LT(local.hour, 17.0);
  }
  EXPECT_GT(visits, 100);
}

TEST(FaultInjectorTest, ADispenseFailureThatShortedNobodyIsNotInTheTruth) {
  const Fleet fleet = generated_fleet(120, 7);
  RecordingTruth truth;
  FaultInjector injector(fleet, FaultOptions{}, 4, kStart, &truth);
  std::uint64_t injected = 0;
  for (std::size_t i = 0; i < fleet.machines.size(); ++i) {
    injected += injector.inject(FaultKind::kDispenseFailure, i, kStart + kMsPerHour);
  }
  run(injector, 1);  // alone: nobody buys water
  EXPECT_GT(injector.counters().unseen, 0u);
  EXPECT_EQ(truth.truths.size() + injector.counters().unseen, injected);
  for (const FaultTruth& t : truth.truths) {
    EXPECT_EQ(t.codes, std::vector{protocols::FaultCode::kE08});  // the machine said so
  }
}

TEST(FaultInjectorTest, SlowFaultsArriveAtTheirRateOfEveryKind) {
  const Fleet fleet = generated_fleet(1000, 12);
  RecordingTruth truth;
  FaultOptions options;
  options.degradation_per_machine_30d = 0.3;
  FaultInjector injector(fleet, options, 6, kStart, &truth);
  run(injector, 30);
  // 1000 machines x 0.3 = 300 arrivals (sd ~17); a second arrival on a machine still
  // wearing waits (about 4% of machines have one), so a little fewer.
  const std::uint64_t slow = injector.counters().degradations;
  EXPECT_GT(slow, 240u);
  EXPECT_LT(slow, 320u);
  std::map<FaultKind, std::uint64_t> kinds;
  for (const FaultTruth& t : truth.truths) {
    ASSERT_TRUE(degrades_slowly(t.kind)) << to_string(t.kind);  // no sudden rate
    // water_quality's membrane failure on the way is a second line of the same onset.
    const bool on_the_way = t.kind == FaultKind::kMembraneDegradation &&
                            std::any_of(truth.truths.begin(), truth.truths.end(), [&](auto& o) {
                              return o.kind == FaultKind::kWaterQuality && o.machine == t.machine &&
                                     o.onset_ms == t.onset_ms;
                            });
    if (!on_the_way) ++kinds[t.kind];
    EXPECT_GE(t.failure_ms, t.onset_ms + kMsPerDay);  // days, not minutes
    if (t.cleared_ms) {
      EXPECT_GT(*t.cleared_ms, t.failure_ms);  // repaired after the failure
    }
  }
  EXPECT_EQ(kinds.size(), 5u);
  for (const auto& [kind, n] : kinds) EXPECT_GT(n * 10, slow) << to_string(kind);  // ~1/5 each
}

TEST(FaultInjectorTest, ASuddenFaultWaitsForTheSlowFaultItWouldRepair) {
  const Fleet fleet = generated_fleet(150, 5);
  RecordingTruth truth;
  FaultOptions options;
  options.per_machine_day = 2;
  options.degradation_per_machine_30d = 3;
  FaultInjector injector(fleet, options, 2, kStart, &truth);
  run(injector, 30);
  EXPECT_GT(injector.counters().degradations, 100u);
  // Slow lines build up for days; sudden ones within hours.
  auto slow = [](const FaultTruth& t) { return t.failure_ms - t.onset_ms >= kMsPerDay; };
  auto clash = [](FaultKind sudden, FaultKind worn) {
    return sudden == worn ||
           (sudden == FaultKind::kWaterQuality &&
            (worn == FaultKind::kFilterClogging || worn == FaultKind::kMembraneDegradation));
  };
  int checked = 0;
  for (const FaultTruth& w : truth.truths) {
    if (!slow(w)) continue;
    const std::int64_t end = w.cleared_ms.value_or(INT64_MAX);
    for (const FaultTruth& s : truth.truths) {
      if (slow(s) || s.machine != w.machine || !clash(s.kind, w.kind)) continue;
      ++checked;
      const std::int64_t s_end = s.cleared_ms.value_or(INT64_MAX);
      EXPECT_TRUE(s_end <= w.onset_ms || s.onset_ms >= end)
          << to_string(s.kind) << " inside a slow " << to_string(w.kind) << " on " << w.machine;
    }
  }
  EXPECT_GT(checked, 20);
}

TEST(FaultInjectorTest, InjectRefusesWhatTheProtocolCannotShow) {
  const Fleet fleet = generated_fleet(200, 3);
  for (std::size_t i = 0; i < fleet.machines.size(); ++i) {
    FaultInjector injector(fleet, FaultOptions{}, 1, kStart, nullptr);
    const bool tb = fleet.machines[i].protocol == WireProtocol::kTbGateway;
    EXPECT_EQ(injector.inject(FaultKind::kDispenseFailure, i, kStart), !tb);
    EXPECT_EQ(injector.inject(FaultKind::kCardReaderFault, i, kStart), !tb);
    EXPECT_FALSE(injector.inject(FaultKind::kCleaningDue, i, kStart));
    EXPECT_TRUE(injector.inject(FaultKind::kLeak, i, kStart));
    EXPECT_FALSE(injector.inject(FaultKind::kFilterClogging, i, kStart));  // slow only
    EXPECT_FALSE(injector.inject_degradation(FaultKind::kLeak, i, kStart));
    EXPECT_TRUE(injector.inject_degradation(FaultKind::kFilterClogging, i, kStart));
  }
}

}  // namespace
}  // namespace wm::sim
