// Slow wear on one machine (degradation.h, degradation_episode.h): the readings and sales
// move as the physics says, and the failure a plan dates is where the true value crosses
// the limit.
#include "simulator/degradation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "simulator/degradation_episode.h"
#include "simulator/sim_time.h"
#include "simulator/simulated_machine.h"

namespace wm::sim {
namespace {

constexpr std::int64_t kStart = 1709510400000;  // Monday 08:00 in Beijing

FleetSite test_site() {
  FleetSite site;
  site.id = "s-001";
  site.kind = SiteKind::kMall;
  site.utc_offset_min = 480;
  site.first_card = 1;
  site.card_count = 400;
  return site;
}

FleetMachine test_machine(std::string model = "RO-400") {
  FleetMachine machine;
  machine.id = "wm-00001";
  machine.model = std::move(model);
  machine.filter_rated_l = 6000;
  return machine;
}

// Two machines of one profile and one seed: their sensor noise is drawn alike, so the
// difference of their readings is what the wear does.
struct Twins {
  explicit Twins(std::string model = "RO-400", std::uint64_t seed = 5)
      : site(test_site()),
        machine(test_machine(std::move(model))),
        profile(draw_profile(site, machine, seed)),
        clean(machine, site, profile, seed, kStart),
        worn(machine, site, profile, seed, kStart) {}
  FleetSite site;
  FleetMachine machine;
  MachineProfile profile;
  SimulatedMachine clean;
  SimulatedMachine worn;
};

SlowEpisode plan(FaultKind kind, const MachineProfile& profile, bool hot = false,
                 std::uint64_t seed = 3) {
  SeededRandom random(seed);
  return plan_degradation(kind, EpisodeMachine{0, WireProtocol::kWmJson, hot}, profile, kStart,
                          random);
}

const Degradation& started(const SlowEpisode& slow) {
  return *std::get<DegradationChange>(slow.episode.actions.front().change).started;
}

TEST(DegradationTest, TheLimitsAreWhereThePhysicsPutsThem) {
  Degradation filter;
  filter.resistance_per_litre = 0.001;
  EXPECT_NEAR(filter.flow_share(filter.clogging_litres()), kCloggedFlowShare, 1e-12);
  EXPECT_GT(filter.flow_share(filter.clogging_litres() - 1), kCloggedFlowShare);
  EXPECT_DOUBLE_EQ(filter.flow_share(0), 1.0);
  EXPECT_DOUBLE_EQ(filter.salt_passage(0.03, kStart + kMsPerDay), 0.03);  // not its part

  Degradation membrane;
  membrane.kind = FaultKind::kMembraneDegradation;
  membrane.onset_ms = kStart;
  membrane.passage_growth_per_day = std::log(2.0) / 4;  // doubles every 4 days
  EXPECT_DOUBLE_EQ(membrane.salt_passage(0.03, kStart - kMsPerDay), 0.03);
  EXPECT_NEAR(membrane.salt_passage(0.03, kStart + 4 * kMsPerDay), 0.06, 1e-12);
  EXPECT_DOUBLE_EQ(membrane.flow_share(500), 1.0);

  Degradation pump;
  pump.kind = FaultKind::kPumpFault;
  pump.onset_ms = kStart;
  pump.failure_ms = kStart + 8 * kMsPerDay;
  pump.pump_rise = 0.3;
  pump.pump_stall = 2.5;
  EXPECT_DOUBLE_EQ(pump.pump_share(kStart), 1.0);
  EXPECT_NEAR(pump.pump_share(kStart + 2 * kMsPerDay), 1.0 + 0.3 * 0.125, 1e-12);
  EXPECT_NEAR(pump.pump_share(pump.failure_ms - 1), 1.3, 1e-6);
  EXPECT_FALSE(pump.pump_seized(pump.failure_ms - 1));
  EXPECT_TRUE(pump.pump_seized(pump.failure_ms));
}

TEST(DegradationTest, EachPlanDatesItsFailureWhereTheTrueValueCrossesTheLimit) {
  const Twins twins;
  const MachineProfile& p = twins.profile;
  const double clean_passage = 1 - p.salt_rejection;

  const SlowEpisode membrane = plan(FaultKind::kMembraneDegradation, p);
  const std::int64_t failure = membrane.episode.failure_ms;
  EXPECT_GE(failure - kStart, 5 * kMsPerDay);
  EXPECT_LE(failure - kStart, 25 * kMsPerDay);
  EXPECT_NEAR(1 - started(membrane).salt_passage(clean_passage, failure), kFailedRejection, 1e-6);
  EXPECT_TRUE(membrane.episode.codes.empty());
  // The repair comes while the product water is still well under 50 ppm.
  EXPECT_GT(membrane.repair_latest_ms, failure);
  EXPECT_LT(p.tds_in_ppm * started(membrane).salt_passage(clean_passage, membrane.repair_latest_ms),
            45);

  const SlowEpisode quality = plan(FaultKind::kWaterQuality, p);
  const Degradation& q = started(quality);
  EXPECT_NEAR(p.tds_in_ppm * q.salt_passage(clean_passage, quality.episode.failure_ms),
              kTdsLimitPpm, 1e-6);
  ASSERT_TRUE(quality.membrane_failure_ms.has_value());
  EXPECT_LT(*quality.membrane_failure_ms, quality.episode.failure_ms);
  EXPECT_NEAR(1 - q.salt_passage(clean_passage, *quality.membrane_failure_ms), kFailedRejection,
              1e-6);
  EXPECT_EQ(quality.episode.codes, std::vector{protocols::FaultCode::kE03});

  const SlowEpisode pump = plan(FaultKind::kPumpFault, p);
  EXPECT_EQ(started(pump).failure_ms, pump.episode.failure_ms);
  EXPECT_TRUE(started(pump).pump_seized(pump.episode.failure_ms));
  EXPECT_FALSE(started(pump).pump_seized(pump.episode.failure_ms - 1));

  for (bool hot : {false, true}) {
    const SlowEpisode heater = plan(FaultKind::kHeaterFault, p, hot);
    const double off = started(heater).temp_offset_c(heater.episode.failure_ms);
    EXPECT_NEAR(std::abs(off), kHeaterMarginC, 1e-6);
    EXPECT_EQ(off < 0, hot);  // a hot-water model's element scales: it cools
  }

  const SlowEpisode filter = plan(FaultKind::kFilterClogging, p);
  EXPECT_EQ(filter.episode.failure_ms, INT64_MAX);  // the litres will tell
  const double litres = started(filter).clogging_litres();
  EXPECT_GE(litres, 300 * 250 / p.tds_in_ppm - 1e-6);
  EXPECT_LE(litres, 900 * 250 / p.tds_in_ppm + 1e-6);
}

TEST(DegradationTest, SaltRejectionDecaysInTheReadingsAsPlanned) {
  Twins twins;
  const SlowEpisode membrane = plan(FaultKind::kMembraneDegradation, twins.profile);
  twins.worn.change_degradation(DegradationChange{started(membrane), false});
  const std::int64_t failure = membrane.episode.failure_ms;
  double rejection_at_failure = 0;
  const int n = 400;
  for (int i = 0; i < n; ++i) {
    const auto before = twins.clean.read_telemetry(failure + i);
    const auto after = twins.worn.read_telemetry(failure + i);
    EXPECT_EQ(after.tds_in, before.tds_in);  // the feed is the same water
    rejection_at_failure += (1 - after.tds_out / after.tds_in) / n;
  }
  EXPECT_NEAR(rejection_at_failure, kFailedRejection, 0.003);
  // Days earlier it was near the membrane's own; the repair puts it back.
  (void)twins.clean.read_telemetry(kStart + kMsPerDay);  // the twins keep drawing alike
  const auto early = twins.worn.read_telemetry(kStart + kMsPerDay);
  EXPECT_GT(1 - early.tds_out / early.tds_in, 0.93);
  twins.worn.change_degradation(DegradationChange{});
  const auto clean = twins.clean.read_telemetry(failure + 2 * kMsPerDay);
  const auto repaired = twins.worn.read_telemetry(failure + 2 * kMsPerDay);
  EXPECT_EQ(repaired.tds_out, clean.tds_out);
}

TEST(DegradationTest, PumpCurrentDriftsWhileRunningThenStallsEvenIdle) {
  Twins twins;
  const SlowEpisode pump = plan(FaultKind::kPumpFault, twins.profile);
  const Degradation& d = started(pump);
  twins.worn.change_degradation(DegradationChange{d, false});
  // A sale under way at 90% of the way to the failure: same noise, more current.
  const std::int64_t late = kStart + (d.failure_ms - kStart) * 9 / 10;
  twins.clean.start_dispense(late);
  twins.worn.start_dispense(late);
  const auto clean = twins.clean.read_telemetry(late + 1000);
  const auto worn = twins.worn.read_telemetry(late + 1000);
  ASSERT_GT(*clean.pump_a, 0);
  EXPECT_NEAR(*worn.pump_a / *clean.pump_a, d.pump_share(late + 1000), 0.01);
  EXPECT_GT(*worn.pump_a / *clean.pump_a, 1 + d.pump_rise * 0.8);
  (void)twins.clean.finish_dispense();
  (void)twins.worn.finish_dispense();
  // Idle before the failure: nothing; after it: the stall current.
  EXPECT_EQ(*twins.worn.read_telemetry(d.failure_ms - kMsPerMinute).pump_a, 0);
  const auto seized = twins.worn.read_telemetry(d.failure_ms);
  EXPECT_NEAR(*seized.pump_a / twins.profile.pump_a, d.pump_stall, 0.25 * d.pump_stall);
}

TEST(DegradationTest, TemperatureLeavesItsSetPointAsPlanned) {
  for (const char* model : {"RO-400", "RO-400H"}) {
    Twins twins(model);
    const SlowEpisode heater =
        plan(FaultKind::kHeaterFault, twins.profile, twins.profile.hot_water);
    const Degradation& d = started(heater);
    twins.worn.change_degradation(DegradationChange{d, false});
    for (std::int64_t at : {kStart, (kStart + d.failure_ms) / 2, d.failure_ms}) {
      const double off =
          twins.worn.read_telemetry(at).temp_c - twins.clean.read_telemetry(at).temp_c;
      EXPECT_NEAR(off, d.temp_offset_c(at), 0.11) << model;  // readings have one decimal
    }
  }
}

TEST(DegradationTest, AFoulingFilterSlowsTheSalesAndClogsAtItsLitres) {
  Twins twins;
  Degradation d;
  d.kind = FaultKind::kFilterClogging;
  d.onset_ms = kStart;
  d.resistance_per_litre = (1 / kCloggedFlowShare - 1) / 100.0;  // clogs after 100 L
  twins.worn.change_degradation(DegradationChange{d, false});
  double fouled_l = 0;
  std::int64_t t = kStart;
  bool clogged = false;
  for (int sale = 0; sale < 400; ++sale) {
    const double share = d.flow_share(fouled_l);
    const std::int64_t end = twins.worn.start_dispense(t);
    const auto event = twins.worn.finish_dispense();
    const auto& body = std::get<protocols::Dispense>(event.body);
    const double flow_lpm = static_cast<double>(body.requested_ml) / 1000.0 /
                            (static_cast<double>(end - t) / static_cast<double>(kMsPerMinute));
    // The sale's flow is the clean flow times the share (2% flow noise).
    EXPECT_NEAR(flow_lpm / twins.profile.flow_lpm, share, 0.1 * share);
    fouled_l += static_cast<double>(body.dispensed_ml) / 1000.0;
    const auto at = twins.worn.take_clogging();
    if (!clogged && fouled_l >= 100) {
      ASSERT_TRUE(at.has_value()) << "sale " << sale;
      EXPECT_EQ(*at, end);  // the failure is the sale that crossed the litres
      EXPECT_LT(d.flow_share(fouled_l), kCloggedFlowShare);
      clogged = true;
    } else {
      EXPECT_FALSE(at.has_value());
    }
    t = end + 4000;
  }
  EXPECT_TRUE(clogged);
  EXPECT_FALSE(twins.worn.projected_clogging_ms(t).has_value());  // already clogged
  // A new filter, set silently: the litres count from 0 and the flow is the clean one.
  twins.worn.change_degradation(DegradationChange{std::nullopt, true});
  EXPECT_EQ(twins.worn.filter_litres(), 0);
  const std::int64_t end = twins.worn.start_dispense(t);
  const auto sale = twins.worn.finish_dispense();
  const auto& body = std::get<protocols::Dispense>(sale.body);
  EXPECT_NEAR(static_cast<double>(body.requested_ml) / 1000.0 /
                  (static_cast<double>(end - t) / static_cast<double>(kMsPerMinute)),
              twins.profile.flow_lpm, 0.1 * twins.profile.flow_lpm);
}

TEST(DegradationTest, AFilterThatHasNotCloggedProjectsItsFailureFromTheSales) {
  Twins twins;
  Degradation d;
  d.kind = FaultKind::kFilterClogging;
  d.onset_ms = kStart;
  d.resistance_per_litre = (1 / kCloggedFlowShare - 1) / 1000.0;
  EXPECT_FALSE(twins.worn.projected_clogging_ms(kStart + 1).has_value());  // no wear
  twins.worn.change_degradation(DegradationChange{d, false});
  EXPECT_FALSE(twins.worn.projected_clogging_ms(kStart + 1).has_value());  // no sales
  std::int64_t t = kStart;
  for (int sale = 0; sale < 100; ++sale) {
    t = twins.worn.start_dispense(t) + kMsPerMinute;
    (void)twins.worn.finish_dispense();
  }
  const auto projected = twins.worn.projected_clogging_ms(t);
  ASSERT_TRUE(projected.has_value());
  // 100 sales of about 0.8 L, a minute apart, in about 2.3 hours: the 1000 L take about
  // a day more.
  EXPECT_GT(*projected - t, 8 * kMsPerHour);
  EXPECT_LT(*projected - t, 40 * kMsPerHour);
}

TEST(DegradationTest, PlansAreAPureFunctionOfTheirArguments) {
  const Twins twins;
  for (FaultKind kind : all_fault_kinds()) {
    if (!degrades_slowly(kind)) continue;
    const SlowEpisode a = plan(kind, twins.profile, false, 11);
    const SlowEpisode b = plan(kind, twins.profile, false, 11);
    EXPECT_EQ(a.episode.actions, b.episode.actions) << to_string(kind);
    EXPECT_EQ(a.episode.failure_ms, b.episode.failure_ms);
    EXPECT_EQ(a.repair_delay_ms, b.repair_delay_ms);
    const SlowEpisode c = plan(kind, twins.profile, false, 12);
    EXPECT_NE(a.repair_delay_ms, c.repair_delay_ms) << to_string(kind);
  }
}

}  // namespace
}  // namespace wm::sim
