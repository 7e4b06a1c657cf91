// FleetDetector: the sensor rules (debounce, hysteresis, idle flow, tamper and visits).
// The machine's fault codes, dispense failures and cleaning are in
// fault_detector_events_test.cpp; offline and site outages in fault_detector_offline_test.cpp.
#include "devices/fault_detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "devices/fault_detector_test_util.h"

namespace wm::devices {
namespace {

using namespace detector_test;  // NOLINT(google-build-using-namespace): test shorthands
using protocols::FaultCode;
using protocols::MaintenanceAction;
using protocols::Telemetry;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---- water_quality from tds_out ---------------------------------------------------------

TEST(FaultDetectorTest, TdsAboveTheLimitForTheSustainTimeRaisesWaterQuality) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-9");
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + 90 * kSecond, 30 * kSecond, with_tds(87)), IsEmpty());
  const auto found = fleet.telemetry(m, with_tds(87)(kT0 + 120 * kSecond));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 water_quality raised"));
  EXPECT_EQ(found[0].site_id, "s-9");
  EXPECT_EQ(found[0].at_ms, kT0 + 120 * kSecond);
  EXPECT_EQ(found[0].evidence, "tds_out 87 ppm above 50 ppm for 120 s");
  // Still high for an hour: the raise is not repeated.
  EXPECT_THAT(fleet.readings(m, kT0 + 150 * kSecond, kT0 + kHour, 30 * kSecond, with_tds(87)),
              IsEmpty());
}

TEST(FaultDetectorTest, ASingleTdsSpikeNeverRaises) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  std::vector<Finding> found;
  for (std::int64_t i = 0; i < 360; ++i) {
    const std::int64_t ts = kT0 + i * 10 * kSecond;
    const auto more = fleet.telemetry(m, with_tds(i % 20 == 7 ? 400 : 12)(ts));
    found.insert(found.end(), more.begin(), more.end());
    const auto timers = fleet.advance(ts + 5 * kSecond);
    found.insert(found.end(), timers.begin(), timers.end());
  }
  EXPECT_THAT(found, IsEmpty());
}

TEST(FaultDetectorTest, TdsAtTheLimitIsNotAbove) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + kHour, 30 * kSecond, with_tds(50)), IsEmpty());
  EXPECT_THAT(
      fleet.readings(m, kT0 + kHour + kMinute, kT0 + 2 * kHour, 30 * kSecond, with_tds(50.5)),
      ElementsAre(::testing::Field(&Finding::kind, FaultKind::kWaterQuality)));
}

TEST(FaultDetectorTest, TdsBetweenClearAndLimitNeitherRaisesNorClears) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  // Below the limit but above the clear level: never raises.
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + kHour, 30 * kSecond, with_tds(48)), IsEmpty());
  // Raised...
  ASSERT_THAT(summaries(fleet.readings(m, kT0 + kHour + 30 * kSecond, kT0 + kHour + 3 * kMinute,
                                       30 * kSecond, with_tds(70))),
              ElementsAre("wm-0 water_quality raised"));
  // ...and hovering between 45 and 50 for hours keeps it raised (hysteresis).
  std::vector<Finding> found;
  for (std::int64_t i = 0; i < 360; ++i) {
    const double ppm = 45 + static_cast<double>(i % 6);  // 45, 46, ... 50
    const auto more = fleet.telemetry(m, with_tds(ppm)(kT0 + 2 * kHour + i * 30 * kSecond));
    found.insert(found.end(), more.begin(), more.end());
  }
  EXPECT_THAT(found, IsEmpty());
  // Below 45 for the debounce: cleared once.
  EXPECT_THAT(fleet.telemetry(m, with_tds(44)(kT0 + 5 * kHour)), IsEmpty());
  const auto cleared = fleet.telemetry(m, with_tds(44.5)(kT0 + 5 * kHour + kMinute));
  ASSERT_THAT(summaries(cleared), ElementsAre("wm-0 water_quality cleared"));
  EXPECT_EQ(cleared[0].evidence, "tds_out 44.5 ppm below 45 ppm for 60 s");
  EXPECT_THAT(
      fleet.readings(m, kT0 + 5 * kHour + 2 * kMinute, kT0 + 6 * kHour, 30 * kSecond, with_tds(40)),
      IsEmpty());
}

TEST(FaultDetectorTest, TdsMustStayAboveTheLimitTheWholeSustainTime) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  std::vector<Finding> found =
      fleet.readings(m, kT0, kT0 + 90 * kSecond, 30 * kSecond, with_tds(60));
  const auto dip = fleet.telemetry(m, with_tds(49)(kT0 + 100 * kSecond));  // 49: not above
  found.insert(found.end(), dip.begin(), dip.end());
  const auto again =
      fleet.readings(m, kT0 + 110 * kSecond, kT0 + 220 * kSecond, 30 * kSecond, with_tds(60));
  found.insert(found.end(), again.begin(), again.end());
  EXPECT_THAT(found, IsEmpty());
  EXPECT_THAT(summaries(fleet.telemetry(m, with_tds(60)(kT0 + 230 * kSecond))),
              ElementsAre("wm-0 water_quality raised"));
}

// ---- Debounced sensors ------------------------------------------------------------------

TEST(FaultDetectorTest, ALeakSensorMustStayWetForTheDebounceAcrossTwoReadings) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.telemetry(m, with_leak(true)(kT0)), IsEmpty());
  EXPECT_THAT(fleet.telemetry(m, with_leak(true)(kT0 + 30 * kSecond)), IsEmpty());
  const auto found = fleet.telemetry(m, with_leak(true)(kT0 + 60 * kSecond));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 leak raised"));
  EXPECT_EQ(found[0].evidence, "leak sensor wet for 60 s");
  EXPECT_THAT(fleet.telemetry(m, with_leak(false)(kT0 + 90 * kSecond)), IsEmpty());
  EXPECT_THAT(fleet.telemetry(m, with_leak(false)(kT0 + 120 * kSecond)), IsEmpty());
  const auto dry = fleet.telemetry(m, with_leak(false)(kT0 + 150 * kSecond));
  ASSERT_THAT(summaries(dry), ElementsAre("wm-0 leak cleared"));
  EXPECT_EQ(dry[0].evidence, "leak sensor dry for 60 s");
}

TEST(FaultDetectorTest, OneWetReadingThenSilenceNeverRaises) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.telemetry(m, with_leak(true)(kT0)), IsEmpty());
  EXPECT_THAT(of_kind(fleet.advance(kT0 + 4 * kMinute), FaultKind::kLeak), IsEmpty());
}

TEST(FaultDetectorTest, ADebounceTimerExpiresOnEventTimeWithoutAThirdReading) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.telemetry(m, with_leak(true)(kT0)), IsEmpty());
  EXPECT_THAT(fleet.telemetry(m, with_leak(true)(kT0 + 10 * kSecond)), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + 59 * kSecond), IsEmpty());
  const auto found = fleet.advance(kT0 + 70 * kSecond);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 leak raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + 60 * kSecond);  // when the hold was met, not when seen
  EXPECT_EQ(found[0].evidence, "leak sensor wet for 60 s");
  EXPECT_THAT(fleet.advance(kT0 + 80 * kSecond), IsEmpty());
}

TEST(FaultDetectorTest, AFlappingLeakSensorOverHoursRaisesOncePerRealEpisode) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  std::vector<Finding> found;
  std::int64_t ts = kT0;
  const auto read = [&](bool wet) {
    const auto more = fleet.telemetry(m, with_leak(wet)(ts));
    found.insert(found.end(), more.begin(), more.end());
    const auto timers = fleet.advance(ts + 5 * kSecond);
    found.insert(found.end(), timers.begin(), timers.end());
    ts += 10 * kSecond;
  };
  // Six hours of a sensor that flips at every reading: no episode at all.
  for (int i = 0; i < 6 * 360; ++i) read(i % 2 == 0);
  EXPECT_THAT(found, IsEmpty());
  // Three real episodes, each wet for ten minutes and dry for ten, with a stray opposite
  // reading every 100 s: one raise and one clear each.
  for (int episode = 0; episode < 3; ++episode) {
    for (int i = 0; i < 60; ++i) read(i % 10 != 9);
    for (int i = 0; i < 60; ++i) read(i % 10 == 9);
  }
  EXPECT_THAT(summaries(found),
              ElementsAre("wm-0 leak raised", "wm-0 leak cleared", "wm-0 leak raised",
                          "wm-0 leak cleared", "wm-0 leak raised", "wm-0 leak cleared"));
}

TEST(FaultDetectorTest, AbsentOptionalSensorsAreNotJudged) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  Telemetry bare;  // leak, uv_ok and door absent
  bare.pressure_kpa = 300;
  bare.temp_c = healthy(kT0).temp_c;  // the one reading every protocol carries
  std::vector<Finding> found;
  for (std::int64_t ts = kT0; ts < kT0 + kHour; ts += 30 * kSecond) {
    bare.ts_ms = ts;
    const auto more = fleet.telemetry(m, bare);
    found.insert(found.end(), more.begin(), more.end());
  }
  EXPECT_THAT(found, IsEmpty());
  // A raised uv_fault is not cleared by readings that leave uv_ok out.
  Telemetry uv_off = healthy(kT0 + kHour);
  uv_off.uv_ok = false;
  (void)fleet.telemetry(m, uv_off);
  uv_off.ts_ms += kMinute;
  ASSERT_THAT(summaries(fleet.telemetry(m, uv_off)), ElementsAre("wm-0 uv_fault raised"));
  for (std::int64_t ts = kT0 + kHour + 2 * kMinute; ts < kT0 + 2 * kHour; ts += 30 * kSecond) {
    bare.ts_ms = ts;
    EXPECT_THAT(fleet.telemetry(m, bare), IsEmpty());
  }
  Telemetry uv_on = healthy(kT0 + 2 * kHour);
  (void)fleet.telemetry(m, uv_on);
  uv_on.ts_ms += kMinute;
  const auto cleared = fleet.telemetry(m, uv_on);
  ASSERT_THAT(summaries(cleared), ElementsAre("wm-0 uv_fault cleared"));
  EXPECT_EQ(cleared[0].evidence, "uv_ok true for 60 s");
}

TEST(FaultDetectorTest, InletPressureCollapseIncludingZeroRaisesWaterSupply) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  const auto with_pressure = [](double kpa) {
    return [kpa](std::int64_t ts) {
      Telemetry t = healthy(ts);
      t.pressure_kpa = kpa;
      return t;
    };
  };
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + kHour, 30 * kSecond, with_pressure(50)), IsEmpty());
  (void)fleet.telemetry(m, with_pressure(0)(kT0 + kHour + 30 * kSecond));
  const auto found = fleet.telemetry(m, with_pressure(0)(kT0 + kHour + 90 * kSecond));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 water_supply raised"));
  EXPECT_EQ(found[0].evidence, "inlet pressure 0 kPa below 50 kPa for 60 s");
  EXPECT_THAT(summaries(fleet.readings(m, kT0 + kHour + 2 * kMinute, kT0 + kHour + 4 * kMinute,
                                       30 * kSecond, with_pressure(280))),
              ElementsAre("wm-0 water_supply cleared"));
}

TEST(FaultDetectorTest, FlowWithNoDispenseForFifteenMinutesIsALeak) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + 14 * kMinute, kMinute, with_flow(1.5)), IsEmpty());
  const auto found = fleet.telemetry(m, with_flow(1.5)(kT0 + 15 * kMinute));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 leak raised"));
  EXPECT_EQ(found[0].evidence, "flow 1.5 L/min above 0.2 L/min for 900 s with no dispense");
  EXPECT_THAT(
      summaries(fleet.readings(m, kT0 + 16 * kMinute, kT0 + 18 * kMinute, kMinute, with_flow(0))),
      ElementsAre("wm-0 leak cleared"));
}

TEST(FaultDetectorTest, ADispenseInBetweenRestartsTheIdleFlowTimer) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + 14 * kMinute, kMinute, with_flow(1.5)), IsEmpty());
  EXPECT_THAT(fleet.dispense(m, kT0 + 14 * kMinute + kSecond, "t-1", 100, 500, 500), IsEmpty());
  EXPECT_THAT(fleet.readings(m, kT0 + 15 * kMinute, kT0 + 29 * kMinute, kMinute, with_flow(1.5)),
              IsEmpty());
  EXPECT_THAT(summaries(fleet.telemetry(m, with_flow(1.5)(kT0 + 30 * kMinute))),
              ElementsAre("wm-0 leak raised"));
}

TEST(FaultDetectorTest, FlowAtTheIdleLevelIsNotALeak) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + kHour, kMinute, with_flow(0.2)), IsEmpty());
}

TEST(FaultDetectorTest, LeakSensorAndIdleFlowAreTwoReasonsOfOneLeak) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  const auto wet_and_flowing = [](std::int64_t ts) {
    Telemetry t = healthy(ts);
    t.leak = true;
    t.flow_lpm = 2;
    return t;
  };
  EXPECT_THAT(summaries(fleet.readings(m, kT0, kT0 + 15 * kMinute, kMinute, wet_and_flowing)),
              ElementsAre("wm-0 leak raised", "wm-0 leak raised"));  // sensor, then flow
  // The sensor dries but water still runs: not cleared.
  const auto dry_but_flowing = [](std::int64_t ts) {
    Telemetry t = healthy(ts);
    t.flow_lpm = 2;
    return t;
  };
  EXPECT_THAT(fleet.readings(m, kT0 + 16 * kMinute, kT0 + 20 * kMinute, kMinute, dry_but_flowing),
              IsEmpty());
  EXPECT_THAT(
      summaries(fleet.readings(m, kT0 + 21 * kMinute, kT0 + 23 * kMinute, kMinute, healthy)),
      ElementsAre("wm-0 leak cleared"));
}

TEST(FaultDetectorTest, OutOfOrderTelemetryIsIgnored) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.telemetry(m, with_leak(true)(kT0)), IsEmpty());
  // A dry reading from before, delivered late, does not break the wet streak.
  EXPECT_THAT(fleet.telemetry(m, with_leak(false)(kT0 - 5 * kSecond)), IsEmpty());
  EXPECT_THAT(summaries(fleet.telemetry(m, with_leak(true)(kT0 + kMinute))),
              ElementsAre("wm-0 leak raised"));
  // A high reading of long ago, delivered late, does not stretch a new streak back in time.
  const MachineIndex other = fleet.add();
  EXPECT_THAT(fleet.readings(other, kT0, kT0 + 2 * kMinute, 30 * kSecond, with_tds(12)), IsEmpty());
  EXPECT_THAT(fleet.telemetry(other, with_tds(300)(kT0 - 10 * kMinute)), IsEmpty());
  EXPECT_THAT(fleet.telemetry(other, with_tds(300)(kT0 + 5 * kMinute)), IsEmpty());
  EXPECT_THAT(fleet.telemetry(other, with_tds(300)(kT0 + 6 * kMinute)), IsEmpty());
}

// ---- tamper -----------------------------------------------------------------------------

TEST(FaultDetectorTest, ADoorOpenOutsideAVisitRaisesTamperAndClosingClearsIt) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.telemetry(m, with_door(true)(kT0)), IsEmpty());
  const auto found = fleet.telemetry(m, with_door(true)(kT0 + kMinute));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 tamper raised"));
  EXPECT_EQ(found[0].evidence, "door open outside a service visit for 60 s");
  EXPECT_THAT(fleet.telemetry(m, with_door(false)(kT0 + 2 * kMinute)), IsEmpty());
  const auto closed = fleet.telemetry(m, with_door(false)(kT0 + 3 * kMinute));
  ASSERT_THAT(summaries(closed), ElementsAre("wm-0 tamper cleared"));
  EXPECT_EQ(closed[0].evidence, "door closed for 60 s");
}

TEST(FaultDetectorTest, ADoorOpenedDuringAVisitNeverRaises) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.maintenance(m, kT0, MaintenanceAction::kServiceStart), IsEmpty());
  EXPECT_THAT(fleet.readings(m, kT0 + kMinute, kT0 + kHour, 30 * kSecond, with_door(true)),
              IsEmpty());
  // Not even when the technician ends the visit with the door still open.
  EXPECT_THAT(fleet.maintenance(m, kT0 + kHour + kSecond, MaintenanceAction::kServiceEnd),
              IsEmpty());
  EXPECT_THAT(
      fleet.readings(m, kT0 + kHour + kMinute, kT0 + 2 * kHour, 30 * kSecond, with_door(true)),
      IsEmpty());
  // Closed, then opened again after the visit: that opening is tamper.
  (void)fleet.readings(m, kT0 + 2 * kHour + kMinute, kT0 + 2 * kHour + 3 * kMinute, kMinute,
                       with_door(false));
  EXPECT_THAT(summaries(fleet.readings(m, kT0 + 3 * kHour, kT0 + 3 * kHour + 2 * kMinute, kMinute,
                                       with_door(true))),
              ElementsAre("wm-0 tamper raised"));
}

TEST(FaultDetectorTest, ADoorOpenedJustBeforeTheVisitStartsIsTheVisits) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.telemetry(m, with_door(true)(kT0)), IsEmpty());
  EXPECT_THAT(fleet.maintenance(m, kT0 + 10 * kSecond, MaintenanceAction::kServiceStart),
              IsEmpty());
  EXPECT_THAT(fleet.readings(m, kT0 + 30 * kSecond, kT0 + kHour, 30 * kSecond, with_door(true)),
              IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + kHour), IsEmpty());
}

TEST(FaultDetectorTest, AVisitWithoutAnEndExpires) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  (void)fleet.maintenance(m, kT0, MaintenanceAction::kServiceStart);
  // Opened one minute before the visit's four hours are up: the visit's.
  EXPECT_THAT(fleet.readings(m, kT0 + 4 * kHour - kMinute, kT0 + 4 * kHour + 10 * kMinute, kMinute,
                             with_door(true)),
              IsEmpty());
  (void)fleet.readings(m, kT0 + 5 * kHour, kT0 + 5 * kHour + 2 * kMinute, kMinute,
                       with_door(false));
  // Opened after the four hours, with no service_end ever sent: tamper.
  EXPECT_THAT(fleet.telemetry(m, with_door(true)(kT0 + 6 * kHour)), IsEmpty());
  EXPECT_THAT(summaries(fleet.telemetry(m, with_door(true)(kT0 + 6 * kHour + kMinute))),
              ElementsAre("wm-0 tamper raised"));
}

TEST(FaultDetectorTest, VisitEventsOutOfOrderStillBoundTheVisit) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  // The end arrives before its start; then a late end of an older visit.
  (void)fleet.maintenance(m, kT0 + kHour, MaintenanceAction::kServiceEnd);
  (void)fleet.maintenance(m, kT0, MaintenanceAction::kServiceStart);
  (void)fleet.maintenance(m, kT0 - kDay, MaintenanceAction::kServiceEnd);
  EXPECT_THAT(fleet.readings(m, kT0 + kMinute, kT0 + 5 * kMinute, kMinute, with_door(true)),
              IsEmpty());  // inside [start, end)
  (void)fleet.readings(m, kT0 + 10 * kMinute, kT0 + 12 * kMinute, kMinute, with_door(false));
  EXPECT_THAT(
      summaries(fleet.readings(m, kT0 + kHour, kT0 + kHour + kMinute, kMinute, with_door(true))),
      ElementsAre("wm-0 tamper raised"));  // after the end
}

TEST(FaultDetectorTest, ATamperRaisedBeforeAVisitClearsOnceTheVisitCoversTheOpenDoor) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  ASSERT_THAT(summaries(fleet.readings(m, kT0, kT0 + kMinute, kMinute, with_door(true))),
              ElementsAre("wm-0 tamper raised"));
  (void)fleet.maintenance(m, kT0 + 5 * kMinute, MaintenanceAction::kServiceStart);
  const auto found =
      fleet.readings(m, kT0 + 6 * kMinute, kT0 + 7 * kMinute, kMinute, with_door(true));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 tamper cleared"));
  EXPECT_EQ(found[0].evidence, "door open during a service visit for 60 s");
}

}  // namespace
}  // namespace wm::devices
