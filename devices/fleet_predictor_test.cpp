// FleetPredictor on synthetic machines (predictor_test_util.h): no prediction on clean,
// noisy machines with daily cycles; each degradation predicted ahead of its failure;
// maintenance resets; replays are deterministic and never look ahead.
#include "devices/fleet_predictor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

#include "devices/predictor_test_util.h"

namespace wm::devices {
namespace {

using namespace predictor_test;  // NOLINT(google-build-using-namespace): test shorthands
using Change = PredictionChange::Change;

FleetPredictor fleet(double rated_l = 0) {
  FleetPredictor p;
  p.add_machine(0, "wm-1", "s-1", rated_l);
  return p;
}

std::string summary(const Replay& run) {
  std::string s;
  for (std::size_t i = 0; i < run.changes.size(); ++i) {
    const auto& c = run.changes[i];
    s += "day " + std::to_string((run.at[i] - kT0) / kDay) + " " +
         std::string(to_string(c.prediction.kind)) + " " + std::string(to_string(c.change)) +
         " conf " + std::to_string(c.prediction.confidence) + " eta+" +
         std::to_string((c.prediction.eta_ms - c.prediction.at_ms) / kHour) +
         "h: " + c.prediction.evidence + "\n";
  }
  return s;
}

// The first change of `kind` that is `change`, if any.
const PredictionChange* first(const Replay& run, FaultKind kind, Change change = Change::kOpened) {
  if (std::getenv("WM_PREDICT_VERBOSE")) std::cerr << summary(run);
  for (const auto& c : run.changes) {
    if (c.prediction.kind == kind && c.change == change) return &c;
  }
  return nullptr;
}

TEST(FleetPredictorTest, CleanNoisyMachinesWithDailyCyclesPredictNothing) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    FleetPredictor p = fleet();
    SyntheticMachine m(seed);
    const Replay run = feed(p, m, 30);
    EXPECT_TRUE(run.changes.empty()) << "seed " << seed << "\n" << summary(run);
    EXPECT_TRUE(p.predictions_of(0).empty());
  }
}

TEST(FleetPredictorTest, FilterCloggingPredictedWithLeadAndLitresThenResetByFilterChange) {
  FleetPredictor p = fleet();
  SyntheticMachine m(11);
  m.clog.onset_ms = kT0 + 2 * kDay;
  m.clog_per_1000l = 0.3 / 3.0;  // 30% less flow per pressure after 3000 L
  const Replay run = feed(p, m, 40);
  // Failure: flow per pressure at 70% of clean, i.e. 3000 L after onset.
  const PredictionChange* opened = first(run, FaultKind::kFilterClogging);
  ASSERT_NE(opened, nullptr) << summary(run);
  ASSERT_TRUE(opened->prediction.litres_left.has_value());
  EXPECT_GT(*opened->prediction.litres_left, 0);
  EXPECT_GE(opened->prediction.confidence, 0.6);
  // Where the machine actually was when the prediction opened, and when it failed.
  FleetPredictor q = fleet();
  SyntheticMachine twin(11);
  twin.clog = m.clog;
  twin.clog_per_1000l = m.clog_per_1000l;
  std::int64_t failure_ms = 0;
  std::vector<PredictionChange> sink;
  for (std::int64_t ts = kT0; ts < kT0 + 40 * kDay && failure_ms == 0; ts += 2 * kMinute) {
    twin.read(ts, 2 * kMinute);
    if (twin.flow_share(ts) <= 0.7 && ts >= m.clog.onset_ms) failure_ms = ts;
  }
  ASSERT_GT(failure_ms, 0);
  EXPECT_LE(opened->prediction.at_ms + 48 * kHour, failure_ms) << summary(run);
  // The eta is within a day and a half of the truth at that point.
  EXPECT_NEAR(static_cast<double>(opened->prediction.eta_ms), static_cast<double>(failure_ms),
              1.5 * kDay)
      << summary(run);

  std::vector<PredictionChange> out;
  p.on_event(
      0,
      protocols::Event{kT0 + 40 * kDay, 1,
                       protocols::Maintenance{protocols::MaintenanceAction::kFilterChange, "li"}},
      out);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].change, Change::kCleared);
  EXPECT_EQ(out[0].prediction.kind, FaultKind::kFilterClogging);
  EXPECT_EQ(out[0].prediction.evidence, "filter_change by li");
  EXPECT_TRUE(p.predictions_of(0).empty());
}

// The first event time at which `reached` holds for a fresh twin of a machine.
template <class Reached>
std::int64_t failure_time(SyntheticMachine twin, int days, Reached reached) {
  for (std::int64_t ts = kT0; ts < kT0 + days * kDay; ts += 2 * kMinute) {
    const protocols::Telemetry t = twin.read(ts, 2 * kMinute);
    if (reached(t)) return ts;
  }
  return INT64_MAX;
}

protocols::Event maintenance(std::int64_t ts, protocols::MaintenanceAction action) {
  return protocols::Event{ts, 1, protocols::Maintenance{action, "li"}};
}

TEST(FleetPredictorTest, MembraneDegradationPredictedAheadOfNinetyPercentThenResetByChange) {
  FleetPredictor p = fleet();
  SyntheticMachine m(21);
  m.membrane = {kT0 + 5 * kDay, 0.004};  // 0.4 points of rejection a day
  const SyntheticMachine fresh = m;
  const Replay run = feed(p, m, 25);
  const PredictionChange* opened = first(run, FaultKind::kMembraneDegradation);
  ASSERT_NE(opened, nullptr) << summary(run);
  // Failure: the true rejection (no noise) below 90%.
  const std::int64_t failure_ms = failure_time(
      fresh, 40, [&](const protocols::Telemetry& t) { return fresh.rejection_at(t.ts_ms) < 0.9; });
  ASSERT_LT(failure_ms, INT64_MAX);
  EXPECT_LE(opened->prediction.at_ms + 48 * kHour, failure_ms) << summary(run);
  EXPECT_LE(opened->prediction.eta_ms, failure_ms + 2 * kDay) << summary(run);
  EXPECT_FALSE(opened->prediction.litres_left.has_value());
  // No water_quality warning yet: tds_out is far from 50 ppm.
  EXPECT_EQ(first(run, FaultKind::kWaterQuality), nullptr) << summary(run);

  std::vector<PredictionChange> out;
  p.on_event(0, maintenance(kT0 + 25 * kDay, protocols::MaintenanceAction::kMembraneChange), out);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].change, Change::kCleared);
  EXPECT_EQ(out[0].prediction.kind, FaultKind::kMembraneDegradation);
}

TEST(FleetPredictorTest, WaterQualityWarnedBeforeTheHardLimit) {
  FleetPredictor p = fleet();
  SyntheticMachine m(31);
  m.tds = {kT0 + 4 * kDay, 5.0};  // +5 ppm a day
  const Replay run = feed(p, m, 20);
  const PredictionChange* opened = first(run, FaultKind::kWaterQuality);
  ASSERT_NE(opened, nullptr) << summary(run);
  // tds_out around 10 ppm + 5 a day crosses 50 about 8 days after onset.
  const std::int64_t crossing =
      failure_time(SyntheticMachine(31), 30, [&](const protocols::Telemetry& t) {
        return t.ts_ms >= m.tds.onset_ms &&
               5.0 * static_cast<double>(t.ts_ms - m.tds.onset_ms) / kDay > 40;
      });
  EXPECT_LE(opened->prediction.at_ms + 48 * kHour, crossing) << summary(run);
  EXPECT_NEAR(static_cast<double>(opened->prediction.eta_ms), static_cast<double>(crossing),
              2.0 * kDay)
      << summary(run);
}

// A sudden spike (a seized pump) is the detectors' business (fault codes, far from the
// machine's own normal: fault_detector_own_normal.cpp): the band neither opens for it nor
// takes the step back home after the repair for a trend.
TEST(FleetPredictorTest, PumpCurrentSpikeIsLeftToTheDetectorsAndLeavesNoTrend) {
  FleetPredictor p = fleet();
  SyntheticMachine m(41);
  m.pump_spike_ms = kT0 + 6 * kDay;
  m.pump_spike = 2.5;
  const std::int64_t repaired_ms = kT0 + 8 * kDay;
  const Replay run =
      feed(p, m, 14, 2 * kMinute, [&](std::int64_t ts, std::vector<PredictionChange>& out) {
        if (ts != repaired_ms) return;
        p.on_event(0, maintenance(ts, protocols::MaintenanceAction::kServiceEnd), out);
        m.pump_spike_ms = INT64_MAX;
      });
  EXPECT_TRUE(run.changes.empty()) << summary(run);
}

// A pump wearing out over days is predicted; when it finally seizes (a jump) the open
// prediction stands, and once repaired it clears by the readings (six 3-hour evaluations
// while the pump runs: within two days), with no new trend from the step back home.
TEST(FleetPredictorTest, WornPumpPredictedThenSeizesThenClearsOnceRepaired) {
  FleetPredictor p = fleet();
  SyntheticMachine m(43);
  m.pump = {kT0 + 3 * kDay, 0.04};
  m.pump_spike_ms = kT0 + 10 * kDay;
  m.pump_spike = 2.5;
  const std::int64_t repaired_ms = kT0 + 11 * kDay;
  const Replay run = feed(p, m, 16, 2 * kMinute, [&](std::int64_t ts, auto&) {
    if (ts == repaired_ms) {
      m.pump = {};
      m.pump_spike_ms = INT64_MAX;
    }
  });
  const PredictionChange* opened = first(run, FaultKind::kPumpFault);
  ASSERT_NE(opened, nullptr) << summary(run);
  EXPECT_LT(opened->prediction.at_ms + kDay, kT0 + 10 * kDay) << summary(run);
  std::vector<const PredictionChange*> after;
  for (std::size_t i = 0; i < run.changes.size(); ++i) {
    if (run.changes[i].change != Change::kRevised && &run.changes[i] != opened) {
      after.push_back(&run.changes[i]);
    }
  }
  ASSERT_EQ(after.size(), 1U) << summary(run);
  EXPECT_EQ(after[0]->change, Change::kCleared);
  EXPECT_GE(after[0]->prediction.at_ms, repaired_ms);
  EXPECT_LE(after[0]->prediction.at_ms, repaired_ms + 2 * kDay);
}

TEST(FleetPredictorTest, RepairedHeaterClearsAndItsRecoveryIsNoNewTrend) {
  FleetPredictor p = fleet();
  SyntheticMachine m(52);
  m.heater = {kT0 + 4 * kDay, 1.2};  // degrees a day, out of its band within days
  const std::int64_t repaired_ms = kT0 + 9 * kDay;
  const Replay run = feed(p, m, 20, 2 * kMinute, [&](std::int64_t ts, auto&) {
    if (ts == repaired_ms) m.heater = {};  // fixed, without a word on the wire
  });
  const PredictionChange* opened = first(run, FaultKind::kHeaterFault);
  ASSERT_NE(opened, nullptr) << summary(run);
  EXPECT_LT(opened->prediction.at_ms, repaired_ms);
  int opens = 0, clears = 0;
  for (const auto& c : run.changes) {
    opens += c.change == Change::kOpened;
    clears += c.change == Change::kCleared;
  }
  EXPECT_EQ(opens, 1) << summary(run);
  EXPECT_EQ(clears, 1) << summary(run);
  EXPECT_TRUE(p.predictions_of(0).empty());
}

TEST(FleetPredictorTest, PumpCurrentDriftIsPredictedBeforeItLeavesItsBand) {
  FleetPredictor p = fleet();
  SyntheticMachine m(42);
  m.pump = {kT0 + 5 * kDay, 0.02};  // +2% of its current a day
  const Replay run = feed(p, m, 20);
  const PredictionChange* opened = first(run, FaultKind::kPumpFault);
  ASSERT_NE(opened, nullptr) << summary(run);
  EXPECT_GT(opened->prediction.at_ms, m.pump.onset_ms) << summary(run);
  // Debounced: a slow, noisy drift opens once and stays open.
  EXPECT_EQ(std::count_if(run.changes.begin(), run.changes.end(),
                          [](const PredictionChange& c) { return c.change != Change::kRevised; }),
            1)
      << summary(run);
  ASSERT_EQ(p.predictions_of(0).size(), 1U);
  EXPECT_EQ(p.predictions_of(0)[0].kind, FaultKind::kPumpFault);
}

TEST(FleetPredictorTest, HeaterDriftLeavesItsLearnedBand) {
  FleetPredictor p = fleet();
  SyntheticMachine m(51);
  m.heater = {kT0 + 5 * kDay, 1.0};  // a degree a day
  const Replay run = feed(p, m, 12);
  const PredictionChange* opened = first(run, FaultKind::kHeaterFault);
  ASSERT_NE(opened, nullptr) << summary(run);
  EXPECT_GT(opened->prediction.at_ms, m.heater.onset_ms);
  EXPECT_LT(opened->prediction.at_ms, m.heater.onset_ms + 3 * kDay) << summary(run);
}

TEST(FleetPredictorTest, RatedLifeAloneOpensNothingWhileTheFlowHolds) {
  FleetPredictor p = fleet(/*rated_l=*/6000);
  SyntheticMachine m(61);  // ~500 L a day, a clean filter: past its rated life in ~12 days
  const Replay run = feed(p, m, 16);
  EXPECT_EQ(first(run, FaultKind::kFilterClogging), nullptr) << summary(run);
}

TEST(FleetPredictorTest, SameSeedSameChangesAndAPrefixNeverLooksAhead) {
  auto run_for = [](int days) {
    FleetPredictor p = fleet(8000);
    SyntheticMachine m(71);
    m.membrane = {kT0 + 3 * kDay, 0.006};
    m.pump_spike_ms = kT0 + 9 * kDay;
    m.pump_spike = 3;
    return feed(p, m, days);
  };
  const Replay full = run_for(14);
  const Replay again = run_for(14);
  ASSERT_FALSE(full.changes.empty());
  ASSERT_EQ(full.changes.size(), again.changes.size());
  for (std::size_t i = 0; i < full.changes.size(); ++i) {
    EXPECT_EQ(full.changes[i].prediction, again.changes[i].prediction);
  }
  // What was said in the first 8 days is said the same when the run stops there.
  const Replay prefix = run_for(8);
  std::size_t n = 0;
  while (n < full.at.size() && full.at[n] < kT0 + 8 * kDay) ++n;
  ASSERT_EQ(prefix.changes.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(prefix.changes[i].prediction, full.changes[i].prediction);
  }
}

// A machine that reports every half hour or hour (a cellular unit on a budget, or a
// replayed history) is judged the same way: buckets then need fewer readings.
TEST(FleetPredictorTest, SparseReadingsStillPredictAndCleanMachinesStaySilent) {
  for (const std::int64_t step : {30 * kMinute, kHour}) {
    SCOPED_TRACE("a reading every " + std::to_string(step / kMinute) + " min");
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      FleetPredictor p = fleet();
      SyntheticMachine m(seed);
      const Replay run = feed(p, m, 30, step);
      EXPECT_TRUE(run.changes.empty()) << "seed " << seed << "\n" << summary(run);
    }
    auto opened_at = [&](FaultKind kind, auto degrade) {
      FleetPredictor p = fleet();
      SyntheticMachine m(91);
      degrade(m);
      const Replay run = feed(p, m, 25, step);
      const PredictionChange* opened = first(run, kind);
      EXPECT_NE(opened, nullptr) << to_string(kind) << "\n" << summary(run);
      return opened ? opened->prediction.at_ms : INT64_MAX;
    };
    // Each fails about 10 days after its onset on day 5: predicted at least 2 days ahead.
    const std::int64_t onset = kT0 + 5 * kDay, failure = onset + 10 * kDay;
    EXPECT_LE(opened_at(FaultKind::kWaterQuality,
                        [&](SyntheticMachine& m) { m.tds = {onset, 4.0}; }) + 2 * kDay,
              failure);
    EXPECT_LE(opened_at(FaultKind::kMembraneDegradation,
                        [&](SyntheticMachine& m) { m.membrane = {onset, 0.0065}; }) + 2 * kDay,
              failure);
    EXPECT_LE(opened_at(FaultKind::kHeaterFault,
                        [&](SyntheticMachine& m) { m.heater = {onset, 0.5}; }) + 2 * kDay,
              failure);
    // Pump current is only read while the pump runs: hourly, that is four readings a day
    // here, too few to learn a band in days; every half hour it is enough.
    if (step <= 30 * kMinute) {
      EXPECT_LE(opened_at(FaultKind::kPumpFault,
                          [&](SyntheticMachine& m) { m.pump = {onset, 0.03}; }) + 2 * kDay,
                failure);
    }
  }
}

TEST(FleetPredictorTest, OlderTelemetryAndUnknownMachinesAreIgnored) {
  FleetPredictor p = fleet();
  std::vector<PredictionChange> out;
  SyntheticMachine m(81);
  p.on_telemetry(7, m.read(kT0, kMinute), out);
  EXPECT_TRUE(p.predictions_of(7).empty());
  p.on_telemetry(0, m.read(kT0 + kHour, kMinute), out);
  p.on_telemetry(0, m.read(kT0, kMinute), out);  // older: ignored
  EXPECT_TRUE(out.empty());
}

TEST(FleetPredictorTest, StateIsBoundedPerMachine) {
  EXPECT_LT(FleetPredictor::state_bytes_per_machine(), 4096U);
}

}  // namespace
}  // namespace wm::devices
