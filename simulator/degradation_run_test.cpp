// Slow faults played through the whole simulation (FleetSimulation, FaultInjector): on
// each protocol the wire-visible values move as degradation_episode.h says, the truth's
// failure time agrees with them, the repair comes after it, and a seed gives one run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "simulator/degradation.h"
#include "simulator/fault_test_fleet.h"
#include "simulator/wire_encoder.h"

namespace wm::sim {
namespace {

using namespace testutil;  // NOLINT(google-build-using-namespace): test fixtures only
using protocols::Dispense;
using protocols::Fault;
using protocols::FaultCode;
using protocols::Maintenance;
using protocols::MaintenanceAction;
using protocols::Telemetry;

// Two days of a healthy machine first: the baseline the wear is measured against.
constexpr std::int64_t kWearOnset = kMondayNoonBeijing + 2 * kMsPerDay;

// The three-protocol mall site with a slow fault of `kind` on each machine from kWearOnset,
// played for `days`.
class WearRun {
 public:
  WearRun(FaultKind kind, std::int64_t days, std::uint64_t seed = 5)
      : fleet_(three_protocol_site()),
        sim_(fleet_, SimulationOptions{seed, kMondayNoonBeijing, 60'000}, FaultOptions{}, &truth),
        end_(kMondayNoonBeijing + days * kMsPerDay) {
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_TRUE(sim_.faults().inject_degradation(kind, i, kWearOnset));
    }
    sim_.publish_statuses(true, kMondayNoonBeijing, sink);
    sim_.advance_to(end_, sink);
    sim_.finish_faults(end_);
  }

  // Machine i's truth line of `kind`; fails the test unless there is exactly one.
  const FaultTruth& line(std::size_t i, FaultKind kind) const {
    const FaultTruth* found = nullptr;
    for (const FaultTruth& t : truth.truths) {
      if (t.machine != fleet_.machines[i].id || t.kind != kind) continue;
      EXPECT_EQ(found, nullptr) << "two lines of " << to_string(kind);
      found = &t;
    }
    static const FaultTruth none;
    if (found == nullptr) ADD_FAILURE() << "no " << to_string(kind) << " on machine " << i;
    return found != nullptr ? *found : none;
  }
  // Mean of `value` over machine i's readings in [from, to) that pass `keep`.
  double mean(std::size_t i, std::int64_t from, std::int64_t to,
              const std::function<double(const Telemetry&)>& value,
              const std::function<bool(const Telemetry&)>& keep) const {
    double sum = 0;
    int n = 0;
    for (const Telemetry& t : readings_between(sink.messages, i, from, to)) {
      if (!keep(t)) continue;
      sum += value(t);
      ++n;
    }
    EXPECT_GE(n, 3) << "machine " << i;
    return n > 0 ? sum / n : NAN;
  }
  const MachineProfile& profile(std::size_t i) const { return sim_.machine(i).profile(); }
  const Fleet& fleet() const { return fleet_; }
  std::int64_t end() const { return end_; }

  RecordingSink sink;
  RecordingTruth truth;

 private:
  Fleet fleet_;
  FleetSimulation sim_;
  std::int64_t end_;
};

bool flowing(const Telemetry& t) { return t.flow_lpm > 0; }
bool any(const Telemetry&) { return true; }
double flow_per_pressure(const Telemetry& t) { return t.flow_lpm / t.pressure_kpa; }
double rejection(const Telemetry& t) { return 1 - t.tds_out / t.tds_in; }

// The truth line is whole: onset as injected, repaired after the failure, within the run.
void expect_repaired_after_failure(const FaultTruth& t, std::int64_t most_ms) {
  EXPECT_EQ(t.onset_ms, kWearOnset);
  EXPECT_GT(t.failure_ms, t.onset_ms + kMsPerDay);  // slow: days, not minutes
  ASSERT_TRUE(t.cleared_ms.has_value());
  EXPECT_GT(*t.cleared_ms, t.failure_ms);
  EXPECT_LE(*t.cleared_ms - t.failure_ms, most_ms);
}

// Machine i raised its kind's code at the failure and cleared it at the repair, where the
// protocol carries codes; the wm-json-v1 machine's repair was a visit doing `work`.
void expect_codes_and_visit(const WearRun& run, const FaultTruth& t, std::size_t i,
                            std::vector<MaintenanceAction> work) {
  const auto faults = events_of<Fault>(run.sink.messages, i);
  if (i == 2) {
    EXPECT_TRUE(t.codes.empty());
    return;
  }
  if (const auto code = fault_code_of(t.kind)) {
    EXPECT_EQ(t.codes, std::vector{*code});
    const std::vector<std::pair<std::int64_t, Fault>> expected = {
        {t.failure_ms, Fault{*code, true}}, {*t.cleared_ms, Fault{*code, false}}};
    EXPECT_EQ(faults, expected) << to_string(t.kind);
  } else {
    EXPECT_TRUE(faults.empty());
  }
  if (i != 0) return;
  std::vector<MaintenanceAction> seen;
  for (const auto& [ts, m] : events_of<Maintenance>(run.sink.messages, 0)) {
    if (ts > t.failure_ms && ts < *t.cleared_ms + kMsPerHour) seen.push_back(m.action);
  }
  work.insert(work.begin(), MaintenanceAction::kServiceStart);
  work.push_back(MaintenanceAction::kServiceEnd);
  EXPECT_EQ(seen, work) << to_string(t.kind);
}

TEST(DegradationRunTest, AFilterCloggingSlowsTheFlowPerPressureUntilItsChange) {
  const WearRun run(FaultKind::kFilterClogging, 60);
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.line(i, FaultKind::kFilterClogging);
    expect_repaired_after_failure(t, 37 * kMsPerHour);
    expect_codes_and_visit(run, t, i, {MaintenanceAction::kFilterChange});
    const double clean = run.mean(i, kMondayNoonBeijing, kWearOnset, flow_per_pressure, flowing);
    const double before =
        run.mean(i, t.failure_ms - kMsPerDay, t.failure_ms, flow_per_pressure, flowing);
    EXPECT_GT(before / clean, 0.68) << i;
    EXPECT_LT(before / clean, 0.80) << i;
    const double renewed = run.mean(i, *t.cleared_ms + kMsPerMinute * 10,
                                    *t.cleared_ms + 2 * kMsPerDay, flow_per_pressure, flowing);
    EXPECT_NEAR(renewed / clean, 1.0, 0.05) << i;
    // A new filter on every protocol: filter_l starts again from 0.
    const auto after =
        readings_between(run.sink.messages, i, *t.cleared_ms + 5 * kMsPerMinute, run.end());
    ASSERT_FALSE(after.empty());
    EXPECT_LE(after.front().filter_l, 2) << i;
    if (i == 2) continue;  // a hub sends no sales
    // The failure is the end of a sale.
    const auto sales = events_of<Dispense>(run.sink.messages, i);
    const bool sale_ends_at_failure = std::any_of(
        sales.begin(), sales.end(), [&](const auto& sale) { return sale.first == t.failure_ms; });
    EXPECT_TRUE(sale_ends_at_failure) << i;
  }
}

TEST(DegradationRunTest, AMembraneLosesSaltRejectionToNinetyPercentAndIsChanged) {
  const WearRun run(FaultKind::kMembraneDegradation, 30);
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.line(i, FaultKind::kMembraneDegradation);
    expect_repaired_after_failure(t, 37 * kMsPerHour);
    EXPECT_GE(t.failure_ms - t.onset_ms, 5 * kMsPerDay);
    EXPECT_LE(t.failure_ms - t.onset_ms, 25 * kMsPerDay);
    expect_codes_and_visit(run, t, i, {MaintenanceAction::kMembraneChange});
    EXPECT_GT(run.mean(i, kMondayNoonBeijing, kWearOnset, rejection, flowing), 0.95);
    EXPECT_NEAR(
        run.mean(i, t.failure_ms - 6 * kMsPerHour, t.failure_ms + 6 * kMsPerHour, rejection, any),
        kFailedRejection, 0.006)
        << i;
    EXPECT_GT(run.mean(i, *t.cleared_ms + 10 * kMsPerMinute, run.end(), rejection, any), 0.95);
    // Repaired before the product water neared its limit: no water_quality fault.
    for (const Telemetry& r : readings_between(run.sink.messages, i, 0, run.end())) {
      ASSERT_LT(r.tds_out, kTdsLimitPpm) << i;
    }
  }
}

TEST(DegradationRunTest, ProductTdsRisesOverDaysPastFiftyPpmWithTheMembraneOnTheWay) {
  const WearRun run(FaultKind::kWaterQuality, 25);
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.line(i, FaultKind::kWaterQuality);
    expect_repaired_after_failure(t, 4 * kMsPerHour);
    expect_codes_and_visit(run, t, i,
                           {MaintenanceAction::kMembraneChange, MaintenanceAction::kFilterChange});
    auto tds_out = [](const Telemetry& r) { return r.tds_out; };
    EXPECT_LT(run.mean(i, t.failure_ms - 2 * kMsPerHour, t.failure_ms, tds_out, any), kTdsLimitPpm);
    EXPECT_GT(run.mean(i, t.failure_ms - 2 * kMsPerHour, t.failure_ms, tds_out, any), 45);
    EXPECT_GT(run.mean(i, t.failure_ms, *t.cleared_ms, tds_out, any), kTdsLimitPpm) << i;
    EXPECT_LT(run.mean(i, kMondayNoonBeijing, kWearOnset, tds_out, any), 25);
    // The membrane's own failure on the way, with its own line and the same repair.
    const FaultTruth& m = run.line(i, FaultKind::kMembraneDegradation);
    EXPECT_EQ(m.onset_ms, t.onset_ms);
    EXPECT_LT(m.failure_ms, t.failure_ms);
    EXPECT_EQ(m.cleared_ms, t.cleared_ms);
    EXPECT_TRUE(m.codes.empty());
    EXPECT_NEAR(
        run.mean(i, m.failure_ms - 3 * kMsPerHour, m.failure_ms + 3 * kMsPerHour, rejection, any),
        kFailedRejection, 0.01)
        << i;
  }
}

TEST(DegradationRunTest, PumpCurrentDriftsUpForDaysThenThePumpSeizes) {
  const WearRun run(FaultKind::kPumpFault, 20);
  auto pump = [](const Telemetry& r) { return r.pump_a.value_or(0); };
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.line(i, FaultKind::kPumpFault);
    expect_repaired_after_failure(t, 9 * kMsPerHour);
    expect_codes_and_visit(run, t, i, {});
    const double nominal = run.mean(i, kMondayNoonBeijing, kWearOnset, pump, flowing);
    EXPECT_NEAR(nominal / run.profile(i).pump_a, 1.0, 0.02);
    const double late = run.mean(i, t.failure_ms - kMsPerDay, t.failure_ms, pump, flowing);
    EXPECT_GT(late / nominal, 1.10) << i;
    EXPECT_LT(late / nominal, 1.41) << i;
    // Seized: the stall current whether a sale runs or not.
    for (const Telemetry& r :
         readings_between(run.sink.messages, i, t.failure_ms, *t.cleared_ms - 5 * kMsPerMinute)) {
      EXPECT_GT(pump(r), 1.6 * nominal);
    }
    const double repaired =
        run.mean(i, *t.cleared_ms + 10 * kMsPerMinute, run.end(), pump, flowing);
    EXPECT_NEAR(repaired / nominal, 1.0, 0.03);
  }
}

TEST(DegradationRunTest, TemperatureLeavesItsBandSlowlyAndFailsFiveDegreesOff) {
  const WearRun run(FaultKind::kHeaterFault, 20);
  auto temp = [](const Telemetry& r) { return r.temp_c; };
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.line(i, FaultKind::kHeaterFault);
    expect_repaired_after_failure(t, 13 * kMsPerHour);
    expect_codes_and_visit(run, t, i, {});
    // Whole days, so the daily swing of cold water averages out.
    const double normal = run.mean(i, kWearOnset - kMsPerDay, kWearOnset, temp, any);
    const double last_day = run.mean(i, t.failure_ms - kMsPerDay, t.failure_ms, temp, any);
    const double off = last_day - normal;
    EXPECT_GT(off, 3.9) << i;  // the day before: 5 degC less half a day's drift
    EXPECT_LT(off, 5.1) << i;
    EXPECT_NEAR(run.mean(i, *t.cleared_ms + kMsPerDay, *t.cleared_ms + 2 * kMsPerDay, temp, any),
                normal, 0.5);
  }
}

TEST(DegradationRunTest, EverySlowRunEncodesInEveryProtocol) {
  for (FaultKind kind : {FaultKind::kFilterClogging, FaultKind::kWaterQuality}) {
    const WearRun run(kind, 25);
    struct Discard : WireSink {
      void send(WireMessage) override {}
    } wire;
    WireEncoder encoder(run.fleet(), HubOptions{}, wire);
    for (const MachineMessage& m : run.sink.messages) encoder.deliver(m);
    encoder.flush_all_hubs();
    EXPECT_EQ(encoder.counters().encode_errors, 0u) << to_string(kind);
  }
}

TEST(DegradationRunTest, ASeedGivesOneRun) {
  const WearRun a(FaultKind::kFilterClogging, 40, 9);
  const WearRun b(FaultKind::kFilterClogging, 40, 9);
  EXPECT_EQ(a.truth.truths, b.truth.truths);
  ASSERT_EQ(a.sink.messages.size(), b.sink.messages.size());
  for (std::size_t k = 0; k < a.sink.messages.size(); k += 997) {
    EXPECT_EQ(ts_of(a.sink.messages[k]), ts_of(b.sink.messages[k]));
  }
  const WearRun c(FaultKind::kFilterClogging, 40, 10);
  EXPECT_NE(a.truth.truths, c.truth.truths);
}

}  // namespace
}  // namespace wm::sim
