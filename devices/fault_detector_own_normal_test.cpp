// FleetDetector against each machine's own normal: pump overload and water temperature
// far from the machine's own (fault_detector_own_normal.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "devices/fault_detector_test_util.h"

namespace wm::devices {
namespace {

using namespace detector_test;

// A machine whose pump runs at `amps` while it dispenses (every third reading) and
// whose water sits at `temp` with a +/-1.5 C daily swing.
auto machine(double amps, double temp) {
  return [amps, temp](std::int64_t ts) {
    protocols::Telemetry t = healthy(ts);
    const bool running = (ts / kMinute) % 3 == 0;
    t.flow_lpm = running ? 2.0 : 0;
    t.pump_a = running ? amps : 0.0;
    t.temp_c = temp + 1.5 * std::sin(static_cast<double>(ts % kDay) / kDay * 2 * M_PI);
    return t;
  };
}

TEST(OwnNormalTest, DailyCycleAndPumpNoiseRaiseNothing) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_TRUE(fleet.readings(m, kT0, kT0 + 3 * kDay, kMinute, machine(2.2, 21)).empty());
}

TEST(OwnNormalTest, SeizedPumpRaisesPumpFaultAndClearsWhenRepaired) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.readings(m, kT0, kT0 + kDay, kMinute, machine(2.2, 21));
  // Seized: 2.5 times its current, even while idle.
  const auto seized = [](std::int64_t ts) {
    protocols::Telemetry t = machine(2.2, 21)(ts);
    t.pump_a = 5.5;
    return t;
  };
  const std::int64_t from = kT0 + kDay + kMinute;
  const auto raised = fleet.readings(m, from, from + 5 * kMinute, kMinute, seized);
  ASSERT_EQ(summaries(raised), std::vector<std::string>{"wm-0 pump_fault raised"});
  EXPECT_LE(raised[0].at_ms, from + 2 * kMinute);
  EXPECT_NE(raised[0].evidence.find("2.5 times"), std::string::npos) << raised[0].evidence;
  const std::int64_t fixed = from + 2 * kHour;
  const auto cleared = fleet.readings(m, fixed, fixed + 10 * kMinute, kMinute, machine(2.2, 21));
  EXPECT_EQ(summaries(cleared), std::vector<std::string>{"wm-0 pump_fault cleared"});
}

TEST(OwnNormalTest, PumpWearingSlowlyIsLeftToThePredictor) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.readings(m, kT0, kT0 + kDay, kMinute, machine(2.0, 21));
  // +30% over a week: the predictor's business, not a detected fault.
  const auto found = fleet.readings(m, kT0 + kDay, kT0 + 8 * kDay, kMinute, [](std::int64_t ts) {
    const double worn = 1 + 0.3 * static_cast<double>(ts - kT0 - kDay) / (7.0 * kDay);
    return machine(2.0 * worn, 21)(ts);
  });
  EXPECT_TRUE(of_kind(found, FaultKind::kPumpFault).empty());
}

TEST(OwnNormalTest, WaterFarFromItsOwnTemperatureRaisesHeaterFault) {
  Fleet fleet;
  const MachineIndex hot = fleet.add();
  const MachineIndex cold = fleet.add();
  fleet.readings(hot, kT0, kT0 + kDay, kMinute, machine(2.2, 92));
  fleet.readings(cold, kT0, kT0 + kDay, kMinute, machine(2.2, 20));
  // The element fails: 92 C water heads for 45 C; the cold machine's cooling fails.
  const std::int64_t from = kT0 + kDay + kMinute;
  const auto hot_found = fleet.readings(hot, from, from + kHour, kMinute, [&](std::int64_t ts) {
    auto t = machine(2.2, 92)(ts);
    t.temp_c = std::max(45.0, 92.0 - static_cast<double>(ts - from) / kMinute);
    return t;
  });
  ASSERT_EQ(summaries(hot_found), std::vector<std::string>{"wm-0 heater_fault raised"});
  EXPECT_LE(hot_found[0].at_ms, from + 8 * kMinute);
  const auto cold_found = fleet.readings(cold, from, from + kHour, kMinute, machine(2.2, 33));
  ASSERT_EQ(summaries(cold_found), std::vector<std::string>{"wm-1 heater_fault raised"});
  // Back to its own: cleared, after the debounce.
  const auto back = fleet.readings(cold, from + 2 * kHour, from + 3 * kHour, kMinute, machine(2.2, 20));
  EXPECT_EQ(summaries(back), std::vector<std::string>{"wm-1 heater_fault cleared"});
}

TEST(OwnNormalTest, NothingIsJudgedBeforeTheMachineIsKnown) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  // A machine that starts hot-faulty is not judged against readings it has not had.
  EXPECT_TRUE(fleet.readings(m, kT0, kT0 + 20 * kMinute, kMinute, machine(2.2, 40)).empty());
}

TEST(OwnNormalTest, ACodeAndTheReadingsShareOneTicket) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.readings(m, kT0, kT0 + kDay, kMinute, machine(2.2, 21));
  const std::int64_t from = kT0 + kDay + kMinute;
  EXPECT_EQ(summaries(fleet.fault(m, from, protocols::FaultCode::kE04, true)),
            std::vector<std::string>{"wm-0 pump_fault raised"});
  // The current says so too: a second reason of the same kind, raised as new evidence.
  const auto seized = [](std::int64_t ts) {
    protocols::Telemetry t = machine(2.2, 21)(ts);
    t.pump_a = 6.0;
    return t;
  };
  fleet.readings(m, from, from + 5 * kMinute, kMinute, seized);
  // The code clears but the current is still high: the kind stays raised.
  EXPECT_TRUE(fleet.fault(m, from + 10 * kMinute, protocols::FaultCode::kE04, false).empty());
  const auto back = fleet.readings(m, from + 11 * kMinute, from + kHour, kMinute, machine(2.2, 21));
  EXPECT_EQ(summaries(back), std::vector<std::string>{"wm-0 pump_fault cleared"});
}

}  // namespace
}  // namespace wm::devices

namespace wm::devices {
namespace {

using namespace detector_test;  // NOLINT(google-build-using-namespace): test shorthands

TEST(OwnCadenceTest, AFleetThatReportsHourlyInBurstsIsNotOfflineBetweenItsReports) {
  Fleet fleet;
  const MachineIndex a = fleet.add("s-1");
  const MachineIndex b = fleet.add("s-1");
  const MachineIndex c = fleet.add("s-2");
  std::vector<Finding> found;
  auto take = [&](const std::vector<Finding>& more) {
    found.insert(found.end(), more.begin(), more.end());
  };
  for (std::int64_t ts = kT0; ts <= kT0 + 2 * kDay; ts += kHour) {
    // One burst per hour, published faster than real time: event time reaches the new
    // hour before the others of the burst speak, an hour after they last did.
    take(fleet.telemetry(a, healthy(ts)));
    take(fleet.advance(ts));
    take(fleet.telemetry(b, healthy(ts)));
    take(fleet.telemetry(c, healthy(ts)));
    take(fleet.advance(ts + kMinute));
  }
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(summaries(found));
  // Three of its intervals of silence are offline (after the site's window).
  const std::int64_t last = kT0 + 2 * kDay;
  take(fleet.telemetry(a, healthy(last + kHour)));
  take(fleet.telemetry(b, healthy(last + kHour)));
  EXPECT_TRUE(fleet.advance(last + 3 * kHour - kMinute).empty());
  const auto offline = fleet.advance(last + 3 * kHour + 3 * kMinute);
  ASSERT_EQ(summaries(offline), std::vector<std::string>{"wm-2 device_offline raised"});
  EXPECT_EQ(offline[0].at_ms, last + 3 * kHour);
  EXPECT_EQ(offline[0].evidence, "no message for 10800 s");
}

TEST(OwnCadenceTest, AMachineThatReportsEveryMinuteKeepsTheConfiguredTimeout) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  fleet.readings(m, kT0, kT0 + kHour, kMinute, healthy);
  // One long gap (an earlier outage) counts as at most four usual gaps: the timeout
  // stays the configured 300 s.
  fleet.readings(m, kT0 + 3 * kHour, kT0 + 4 * kHour, kMinute, healthy);
  fleet.advance(kT0 + 4 * kHour);
  const auto offline = fleet.advance(kT0 + 4 * kHour + 8 * kMinute);
  ASSERT_EQ(summaries(offline), std::vector<std::string>{"wm-0 device_offline raised"});
  EXPECT_EQ(offline[0].at_ms, kT0 + 4 * kHour + 5 * kMinute);
}

}  // namespace
}  // namespace wm::devices
