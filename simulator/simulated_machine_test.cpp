#include "simulator/simulated_machine.h"

#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

constexpr std::int64_t kStart = 1709510400000;  // Monday 08:00 in Beijing

FleetSite test_site() {
  FleetSite site;
  site.id = "s-001";
  site.kind = SiteKind::kSchool;
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

SimulatedMachine make_machine(std::uint64_t seed = 5, std::string model = "RO-400") {
  const FleetSite site = test_site();
  const FleetMachine machine = test_machine(std::move(model));
  return SimulatedMachine(machine, site, draw_profile(site, machine, seed), seed, kStart);
}

TEST(SimulatedMachineTest, SeqIsSharedByTelemetryAndEventsAndWraps) {
  SimulatedMachine m = make_machine();
  EXPECT_EQ(m.read_telemetry(kStart).seq, 0u);
  const std::int64_t end = m.start_dispense(kStart + 1000);
  EXPECT_EQ(m.finish_dispense().seq, 1u);
  EXPECT_EQ(m.read_telemetry(end + 1).seq, 2u);

  m.set_next_seq(0xFFFFFFFEu);
  EXPECT_EQ(m.read_telemetry(end + 2).seq, 0xFFFFFFFEu);
  EXPECT_EQ(m.read_telemetry(end + 3).seq, 0xFFFFFFFFu);
  EXPECT_EQ(m.read_telemetry(end + 4).seq, 0u);
  EXPECT_EQ(m.next_seq(), 1u);
}

TEST(SimulatedMachineTest, IdleReadingsArePhysicallyPlausible) {
  SimulatedMachine m = make_machine();
  for (int i = 0; i < 2000; ++i) {
    const auto t = m.read_telemetry(kStart + i * kMsPerMinute);
    ASSERT_GE(t.tds_in, 100.0);
    ASSERT_LE(t.tds_in, 420.0);
    ASSERT_GE(t.tds_out, 2.0);
    ASSERT_LE(t.tds_out, 25.0);
    ASSERT_LT(t.tds_out, t.tds_in / 10);
    ASSERT_EQ(t.flow_lpm, 0.0);
    ASSERT_GE(t.pressure_kpa, 220.0);
    ASSERT_LE(t.pressure_kpa, 360.0);
    ASSERT_GE(t.temp_c, 13.0);
    ASSERT_LE(t.temp_c, 27.0);
    ASSERT_TRUE(t.tank_pct.has_value());
    ASSERT_GE(*t.tank_pct, 0.0);
    ASSERT_LE(*t.tank_pct, 100.0);
    ASSERT_EQ(t.uv_ok, true);
    ASSERT_EQ(t.pump_a, 0.0);
    ASSERT_EQ(t.leak, false);
    ASSERT_GE(t.filter_l, 0);
  }
}

TEST(SimulatedMachineTest, HotWaterModelsRunHot) {
  SimulatedMachine m = make_machine(5, "RO-400H");
  EXPECT_TRUE(m.profile().hot_water);
  const auto t = m.read_telemetry(kStart);
  EXPECT_GT(t.temp_c, 80.0);
  EXPECT_LT(t.temp_c, 100.0);
}

TEST(SimulatedMachineTest, WaterFlowsAndThePumpRunsOnlyWhileDispensing) {
  SimulatedMachine m = make_machine();
  const double tank_before = m.tank_pct(kStart);
  const std::int64_t end = m.start_dispense(kStart);
  // 300..1500 ml at about 2 L/min: 9 to 50 seconds.
  EXPECT_GE(end - kStart, 8 * kMsPerSecond);
  EXPECT_LE(end - kStart, 50 * kMsPerSecond);
  const auto during = m.read_telemetry((kStart + end) / 2);
  EXPECT_GT(during.flow_lpm, 1.6);
  EXPECT_LT(during.flow_lpm, 2.4);
  EXPECT_GE(*during.pump_a, 1.5);
  EXPECT_LE(*during.pump_a, 3.0);
  EXPECT_LT(*during.tank_pct, tank_before + 1.0);
  const auto event = m.finish_dispense();
  const auto after = m.read_telemetry(end);
  EXPECT_EQ(after.flow_lpm, 0.0);
  EXPECT_EQ(after.pump_a, 0.0);
  EXPECT_EQ(event.ts_ms, end);
}

TEST(SimulatedMachineTest, DispensesAreChargedAndCountedOnTheFilter) {
  SimulatedMachine m = make_machine();
  const std::int64_t filter_start = m.filter_litres();
  std::int64_t total_ml = 0;
  std::set<std::string> txns;
  std::int64_t t = kStart;
  for (int i = 0; i < 500; ++i) {
    t = m.start_dispense(t) + 5 * kMsPerSecond;
    const auto event = m.finish_dispense();
    const auto& d = std::get<protocols::Dispense>(event.body);
    EXPECT_GE(d.requested_ml, 300);
    EXPECT_LE(d.requested_ml, 1500);
    EXPECT_EQ(d.dispensed_ml, d.requested_ml);
    EXPECT_EQ(d.charged_fen, price_fen(d.requested_ml));
    EXPECT_EQ(d.card.rfind("c-", 0), 0u);
    EXPECT_EQ(d.card.size(), 8u);
    EXPECT_LE(d.txn.size(), 64u);
    EXPECT_TRUE(txns.insert(d.txn).second) << "duplicate txn " << d.txn;
    total_ml += d.requested_ml;
  }
  EXPECT_EQ(m.dispense_count(), 500u);
  EXPECT_NEAR(static_cast<double>(m.filter_litres() - filter_start),
              static_cast<double>(total_ml) / 1000.0, 1.0);
  EXPECT_EQ(price_fen(500), 50);
  EXPECT_EQ(price_fen(1500), 150);
}

TEST(SimulatedMachineTest, TankRefillsAfterADispense) {
  SimulatedMachine m = make_machine();
  std::int64_t t = kStart;
  for (int i = 0; i < 10; ++i) {  // a queue at lunch
    t = m.start_dispense(t);
    (void)m.finish_dispense();
  }
  const double low = m.tank_pct(t);
  EXPECT_GT(m.tank_pct(t + 10 * kMsPerMinute), low);
  EXPECT_DOUBLE_EQ(m.tank_pct(t + 10 * kMsPerHour), 100.0);
}

TEST(SimulatedMachineTest, SameSeedSameReadings) {
  SimulatedMachine a = make_machine(9);
  SimulatedMachine b = make_machine(9);
  SimulatedMachine c = make_machine(10);
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    const auto ta = a.read_telemetry(kStart + i * kMsPerMinute);
    EXPECT_EQ(ta, b.read_telemetry(kStart + i * kMsPerMinute));
    differs |= ta != c.read_telemetry(kStart + i * kMsPerMinute);
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace wm::sim
