// FleetDetector after a gateway restart: last-seen restored from the twins (the downtime is
// not the machines' silence), and raises restored from open tickets, each ending at its
// first healthy judgement and never with a clear while the fault is still there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "devices/fault_detector.h"
#include "devices/fault_detector_test_util.h"

namespace wm::devices {
namespace {

using namespace detector_test;  // NOLINT(google-build-using-namespace): test shorthands
using protocols::FaultCode;
using protocols::MaintenanceAction;
using protocols::Telemetry;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kRestart = kT0 + kHour;  // the gateway was down for an hour

void append(std::vector<Finding>& to, const std::vector<Finding>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// ---- Last seen ---------------------------------------------------------------------------

TEST(FaultDetectorRestoreTest, ALongDowntimeIsNotTheFleetsSilence) {
  Fleet fleet;
  for (int i = 0; i < 3; ++i) fleet.detector.restore_last_seen(fleet.add("s-1"), kT0 + i * kSecond);
  for (int i = 0; i < 2; ++i) fleet.detector.restore_last_seen(fleet.add("s-2"), kT0);
  std::vector<Finding> found = fleet.advance(kRestart);
  // The machines speak one after another, the last one almost a timeout after the restart.
  for (std::int64_t ts = kRestart; ts <= kRestart + 20 * kMinute; ts += 10 * kSecond) {
    for (MachineIndex m = 0; m < 5; ++m) {
      if (ts >= kRestart + (m + 1) * 55 * kSecond) append(found, fleet.heartbeat(m, ts));
    }
    append(found, fleet.advance(ts));
  }
  EXPECT_THAT(found, IsEmpty());
}

TEST(FaultDetectorRestoreTest, MachinesThatNeverSpeakAgainAreOfflineOneTimeoutAfterTheRestart) {
  Fleet fleet;
  // s-1: three of four went dark together while the gateway was down; wm-3 lives on.
  for (MachineIndex m = 0; m < 4; ++m) {
    fleet.detector.restore_last_seen(fleet.add("s-1"), kT0 + 10 * kMinute + m * 5 * kSecond);
  }
  fleet.detector.restore_last_seen(fleet.add("s-2"), kT0 + 20 * kMinute);  // wm-4, on its own
  std::vector<Finding> found;
  // The restart's time is the first message: wm-3's.
  for (std::int64_t ts = kRestart; ts < kRestart + 5 * kMinute; ts += 10 * kSecond) {
    append(found, fleet.heartbeat(3, ts));
    append(found, fleet.advance(ts));
  }
  EXPECT_THAT(found, IsEmpty());
  const auto offline = fleet.advance(kRestart + 5 * kMinute);
  ASSERT_THAT(summaries(offline),
              ElementsAre("s-1 site_power_outage raised", "wm-4 device_offline raised"));
  // Correlated on when they went dark: the third one's timeout.
  EXPECT_EQ(offline[0].at_ms, kT0 + 10 * kMinute + 10 * kSecond + 5 * kMinute);
  EXPECT_EQ(offline[0].evidence, "3 of 4 machines offline within 120 s");
  EXPECT_EQ(offline[1].at_ms, kT0 + 25 * kMinute);
  EXPECT_THAT(fleet.heartbeat(3, kRestart + 5 * kMinute), IsEmpty());
  EXPECT_THAT(fleet.advance(kRestart + 30 * kMinute), IsEmpty());
}

TEST(FaultDetectorRestoreTest, AShortDowntimeStillGivesAFullTimeout) {
  Fleet fleet;
  fleet.detector.restore_last_seen(fleet.add("s-pair"), kT0);
  fleet.detector.restore_last_seen(fleet.add("s-pair"), kT0);
  EXPECT_THAT(fleet.advance(kT0 + kMinute), IsEmpty());  // back after a minute
  EXPECT_THAT(fleet.advance(kT0 + 6 * kMinute - 1), IsEmpty());
  const auto found = fleet.advance(kT0 + 6 * kMinute);
  ASSERT_THAT(summaries(found), ElementsAre("s-pair site_power_outage raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + 5 * kMinute);
}

TEST(FaultDetectorRestoreTest, AMachineHeardAfterTheRestartTimesOutFromItsMessage) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  fleet.detector.restore_last_seen(m, kT0);
  EXPECT_THAT(fleet.advance(kRestart), IsEmpty());
  EXPECT_THAT(fleet.heartbeat(m, kRestart + 3 * kMinute), IsEmpty());
  EXPECT_THAT(fleet.advance(kRestart + 8 * kMinute - 1), IsEmpty());
  EXPECT_THAT(fleet.advance(kRestart + 10 * kMinute - 1), IsEmpty());  // waiting for its site
  const auto found = fleet.advance(kRestart + 10 * kMinute);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, kRestart + 8 * kMinute);
}

// ---- Sensor kinds ------------------------------------------------------------------------

TEST(FaultDetectorRestoreTest, ARestoredWaterQualityClearsAfterHealthyReadingsForTheDebounce) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_raised(m, FaultKind::kWaterQuality, kT0 - kHour);
  // Between the clear level and the limit is not healthy, however long it lasts.
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + kHour, 30 * kSecond, with_tds(47)), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + kHour + 10 * kSecond), IsEmpty());
  const std::int64_t from = kT0 + kHour + 30 * kSecond;
  EXPECT_THAT(fleet.readings(m, from, from + 30 * kSecond, 30 * kSecond, with_tds(12)), IsEmpty());
  const auto found = fleet.telemetry(m, with_tds(12)(from + kMinute));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 water_quality cleared"));
  EXPECT_EQ(found[0].at_ms, from + kMinute);
  EXPECT_EQ(found[0].evidence, "tds_out 12 ppm below 45 ppm for 60 s");
  // From now on the usual rules: 47 ppm does not raise.
  EXPECT_THAT(fleet.readings(m, from + 2 * kMinute, from + kHour, 30 * kSecond, with_tds(47)),
              IsEmpty());
}

TEST(FaultDetectorRestoreTest, ARestoredWaterQualityStillBadIsNeitherClearedNorRaisedAgain) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_raised(m, FaultKind::kWaterQuality, kT0 - kHour);
  std::vector<Finding> found;
  for (std::int64_t ts = kT0; ts <= kT0 + kHour; ts += 30 * kSecond) {
    append(found, fleet.telemetry(m, with_tds(87)(ts)));
    append(found, fleet.advance(ts + kSecond));
  }
  EXPECT_THAT(found, IsEmpty());
  EXPECT_THAT(summaries(fleet.readings(m, kT0 + 61 * kMinute, kT0 + 62 * kMinute, 30 * kSecond,
                                       with_tds(12))),
              ElementsAre("wm-0 water_quality cleared"));
}

TEST(FaultDetectorRestoreTest, ARestoredWaterQualityAlsoHeldByItsCodeClearsWithBoth) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  std::vector<Finding> restored;
  fleet.detector.restore_active_fault(m, FaultCode::kE03, kT0 - kHour, restored);
  EXPECT_THAT(summaries(restored), ElementsAre("wm-0 water_quality raised"));  // as before
  fleet.detector.restore_raised(m, FaultKind::kWaterQuality, kT0 - kHour);
  // tds_out healthy: E03 still holds it.
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + 10 * kMinute, 30 * kSecond, with_tds(12)), IsEmpty());
  const auto found = fleet.fault(m, kT0 + 11 * kMinute, FaultCode::kE03, false);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 water_quality cleared"));
  EXPECT_EQ(found[0].evidence, "E03 cleared");
}

TEST(FaultDetectorRestoreTest, ARestoredLeakClearsOnlyWhenTheSensorIsDryAndTheFlowHasStopped) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_raised(m, FaultKind::kLeak, kT0 - kHour);
  // Dry, but water running with no dispense: the leak is not over.
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + 10 * kMinute, 30 * kSecond, with_flow(1.0)), IsEmpty());
  const std::int64_t from = kT0 + 10 * kMinute + 30 * kSecond;
  EXPECT_THAT(fleet.readings(m, from, from + 30 * kSecond, 30 * kSecond, healthy), IsEmpty());
  const auto found = fleet.telemetry(m, healthy(from + kMinute));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 leak cleared"));
  EXPECT_EQ(found[0].evidence, "flow 0 L/min at most 0.2 L/min for 60 s");
}

TEST(FaultDetectorRestoreTest, ARestoredLeakStillWetIsNotCleared) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_raised(m, FaultKind::kLeak, kT0 - kHour);
  EXPECT_THAT(fleet.readings(m, kT0, kT0 + kHour, 30 * kSecond, with_leak(true)), IsEmpty());
  EXPECT_THAT(summaries(fleet.readings(m, kT0 + 61 * kMinute, kT0 + 62 * kMinute, 30 * kSecond,
                                       with_leak(false))),
              ElementsAre("wm-0 leak cleared"));
}

TEST(FaultDetectorRestoreTest, RestoredUvSupplyAndTamperClearAtTheirHealthyDebounce) {
  struct Case {
    FaultKind kind;
    Telemetry (*bad)(std::int64_t);
    const char* cleared;
    const char* evidence;
  };
  const Case cases[] = {
      {FaultKind::kUvFault,
       [](std::int64_t ts) {
         Telemetry t = healthy(ts);
         t.uv_ok = false;
         return t;
       },
       "wm-0 uv_fault cleared", "uv_ok true for 60 s"},
      {FaultKind::kWaterSupply,
       [](std::int64_t ts) {
         Telemetry t = healthy(ts);
         t.pressure_kpa = 10;
         return t;
       },
       "wm-0 water_supply cleared", "inlet pressure 300 kPa at or above 50 kPa for 60 s"},
      {FaultKind::kTamper,
       [](std::int64_t ts) {
         Telemetry t = healthy(ts);
         t.door = true;
         return t;
       },
       "wm-0 tamper cleared", "door closed for 60 s"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.kind)));
    Fleet fleet;
    const MachineIndex m = fleet.add();
    fleet.detector.restore_raised(m, c.kind, kT0 - kHour);
    EXPECT_THAT(fleet.readings(m, kT0, kT0 + 30 * kMinute, 30 * kSecond, c.bad), IsEmpty());
    const std::int64_t from = kT0 + 31 * kMinute;
    EXPECT_THAT(fleet.readings(m, from, from + 30 * kSecond, 30 * kSecond, healthy), IsEmpty());
    const auto found = fleet.telemetry(m, healthy(from + kMinute));
    ASSERT_THAT(summaries(found), ElementsAre(c.cleared));
    EXPECT_EQ(found[0].evidence, c.evidence);
  }
}

TEST(FaultDetectorRestoreTest, AnOptionalSensorTheMachineDoesNotReportEndsItsRestoredRaise) {
  Fleet fleet;
  const MachineIndex uv = fleet.add();
  const MachineIndex leak = fleet.add();
  fleet.detector.restore_raised(uv, FaultKind::kUvFault, kT0 - kHour);
  fleet.detector.restore_raised(leak, FaultKind::kLeak, kT0 - kHour);
  const auto without_sensors = [](std::int64_t ts) {
    Telemetry t = healthy(ts);
    t.uv_ok.reset();
    t.leak.reset();
    return t;
  };
  // uv_fault: nothing else can judge it (only E05 could have raised it).
  const auto found = fleet.telemetry(uv, without_sensors(kT0));
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 uv_fault cleared"));
  EXPECT_EQ(found[0].at_ms, kT0);
  EXPECT_EQ(found[0].evidence, "uv_ok not reported after the restart");
  // leak: the flow still has its say.
  EXPECT_THAT(fleet.readings(leak, kT0, kT0 + 30 * kSecond, 30 * kSecond, without_sensors),
              IsEmpty());
  EXPECT_THAT(summaries(fleet.telemetry(leak, without_sensors(kT0 + kMinute))),
              ElementsAre("wm-1 leak cleared"));
}

// ---- Event kinds -------------------------------------------------------------------------

TEST(FaultDetectorRestoreTest, ARestoredDispenseFailureClearsAtADispenseAtTheOkRatio) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_raised(m, FaultKind::kDispenseFailure, kT0 - kHour);
  EXPECT_THAT(fleet.telemetry(m, healthy(kT0)), IsEmpty());
  EXPECT_THAT(fleet.dispense(m, kT0 - 2 * kHour, "t-0", 100, 500, 500), IsEmpty());  // older
  EXPECT_THAT(fleet.dispense(m, kT0 + kMinute, "t-1", 100, 500, 100), IsEmpty());    // still short
  EXPECT_THAT(fleet.dispense(m, kT0 + 2 * kMinute, "t-2", 100, 500, 400), IsEmpty());  // 80 %
  const auto found = fleet.dispense(m, kT0 + 3 * kMinute, "t-3", 100, 500, 450);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 dispense_failure cleared"));
  EXPECT_EQ(found[0].at_ms, kT0 + 3 * kMinute);
}

TEST(FaultDetectorRestoreTest, ARestoredCleaningDueClearsAtACleaningAndIsNotRaisedAgain) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_last_cleaning(m, kT0 - 10 * kDay);
  fleet.detector.restore_raised(m, FaultKind::kCleaningDue, kT0 - 3 * kDay);
  EXPECT_THAT(fleet.heartbeat(m, kT0), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + kMinute), IsEmpty());
  EXPECT_THAT(fleet.maintenance(m, kT0 + 2 * kMinute, MaintenanceAction::kServiceStart), IsEmpty());
  const auto found = fleet.maintenance(m, kT0 + 3 * kMinute, MaintenanceAction::kCleaning);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 cleaning_due cleared"));
  EXPECT_EQ(found[0].evidence, "cleaning by staff-7");
}

// ---- Offline -----------------------------------------------------------------------------

TEST(FaultDetectorRestoreTest, ARestoredOfflineClearsAtTheFirstProofOfLife) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  fleet.detector.restore_last_seen(m, kT0);
  fleet.detector.restore_raised(m, FaultKind::kDeviceOffline, kT0 + 5 * kMinute);
  EXPECT_THAT(fleet.advance(kRestart), IsEmpty());
  EXPECT_THAT(fleet.heartbeat(m, kT0 - kMinute), IsEmpty());  // a late copy from before
  const auto found = fleet.status(m, kRestart + 10 * kSecond, true);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline cleared"));
  EXPECT_EQ(found[0].at_ms, kRestart + 10 * kSecond);
  EXPECT_EQ(found[0].evidence, "back online");
}

TEST(FaultDetectorRestoreTest, ARestoredOfflineThatStaysDarkIsRaisedAgainNeverCleared) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  fleet.detector.restore_last_seen(m, kT0);
  fleet.detector.restore_raised(m, FaultKind::kDeviceOffline, kT0 + 5 * kMinute);
  std::vector<Finding> found;
  for (std::int64_t ts = kRestart; ts <= kRestart + kHour; ts += 10 * kSecond) {
    append(found, fleet.advance(ts));
  }
  // The real timeout takes the restored raise over: the desk joins it.
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + 5 * kMinute);
  EXPECT_THAT(summaries(fleet.heartbeat(m, kRestart + 2 * kHour)),
              ElementsAre("wm-0 device_offline cleared"));
}

TEST(FaultDetectorRestoreTest, ARestoredOfflineWhoseWillArrivesIsRaisedAgainNotCleared) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  fleet.detector.restore_last_seen(m, kT0);
  fleet.detector.restore_raised(m, FaultKind::kDeviceOffline, kT0 + 5 * kMinute);
  EXPECT_THAT(fleet.status(m, kT0 - kHour, false), IsEmpty());  // the retained will
  // Offline as of its last message; its window closed long ago.
  const auto found = fleet.advance(kRestart);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, kT0);
  EXPECT_EQ(found[0].evidence, "will: offline");
  EXPECT_THAT(fleet.heartbeat(m, kT0), IsEmpty());  // its last message again: a late copy
  EXPECT_THAT(summaries(fleet.heartbeat(m, kRestart + kMinute)),
              ElementsAre("wm-0 device_offline cleared"));
}

// ---- Code-only kinds ---------------------------------------------------------------------

TEST(FaultDetectorRestoreTest, ARestoredCodeOnlyKindWithItsCodeClearClearsAtTheFirstMessage) {
  for (const FaultKind kind :
       {FaultKind::kPumpFault, FaultKind::kHeaterFault, FaultKind::kCardReaderFault}) {
    SCOPED_TRACE(std::string(to_string(kind)));
    Fleet fleet;
    const MachineIndex m = fleet.add();
    fleet.detector.restore_last_seen(m, kT0);
    fleet.detector.restore_raised(m, kind, kT0 - kHour);
    EXPECT_THAT(fleet.advance(kRestart), IsEmpty());
    EXPECT_THAT(fleet.status(m, kRestart, false), IsEmpty());  // a will is not the machine
    const auto found = fleet.heartbeat(m, kRestart + 5 * kSecond);
    ASSERT_THAT(summaries(found), ElementsAre("wm-0 " + std::string(to_string(kind)) + " cleared"));
    EXPECT_EQ(found[0].at_ms, kRestart + 5 * kSecond);
    EXPECT_THAT(fleet.heartbeat(m, kRestart + 10 * kSecond), IsEmpty());
  }
}

TEST(FaultDetectorRestoreTest, ARestoredPumpFaultWhoseCodeIsStillActiveClearsWithTheCode) {
  for (const bool code_first : {true, false}) {
    SCOPED_TRACE(code_first ? "restore_active_fault first" : "restore_raised first");
    Fleet fleet;
    const MachineIndex m = fleet.add();
    std::vector<Finding> restored;
    if (code_first) fleet.detector.restore_active_fault(m, FaultCode::kE04, kT0 - kHour, restored);
    fleet.detector.restore_raised(m, FaultKind::kPumpFault, kT0 - kHour);
    if (!code_first) fleet.detector.restore_active_fault(m, FaultCode::kE04, kT0 - kHour, restored);
    EXPECT_THAT(summaries(restored), ElementsAre("wm-0 pump_fault raised"));
    EXPECT_THAT(fleet.heartbeat(m, kT0), IsEmpty());
    EXPECT_THAT(fleet.telemetry(m, healthy(kT0 + kSecond)), IsEmpty());
    EXPECT_THAT(summaries(fleet.fault(m, kT0 + kMinute, FaultCode::kE04, false)),
                ElementsAre("wm-0 pump_fault cleared"));
  }
}

TEST(FaultDetectorRestoreTest, ACodeRaisedByTheFirstMessageTakesOverARestoredPumpFault) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_raised(m, FaultKind::kPumpFault, kT0 - kHour);
  EXPECT_THAT(summaries(fleet.fault(m, kT0, FaultCode::kE04, true)),
              ElementsAre("wm-0 pump_fault raised"));
  EXPECT_THAT(fleet.heartbeat(m, kT0 + kSecond), IsEmpty());
  EXPECT_THAT(summaries(fleet.fault(m, kT0 + kMinute, FaultCode::kE04, false)),
              ElementsAre("wm-0 pump_fault cleared"));
}

// ---- Site outage -------------------------------------------------------------------------

// A site of five machines whose outage was open at the restart, all last seen at kT0.
Fleet restored_outage() {
  Fleet fleet;
  for (int i = 0; i < 5; ++i) fleet.detector.restore_last_seen(fleet.add("s-1"), kT0);
  fleet.detector.restore_site_outage("s-1", kT0 + 5 * kMinute);
  fleet.detector.restore_site_outage("s-nowhere", kT0);  // no such site: ignored
  return fleet;
}

TEST(FaultDetectorRestoreTest, ARestoredSiteOutageClearsWhenTheSiteNoLongerCountsAsOut) {
  Fleet fleet = restored_outage();
  EXPECT_THAT(fleet.advance(kRestart), IsEmpty());
  EXPECT_THAT(fleet.heartbeat(0, kT0 - kSecond), IsEmpty());  // from before: not back
  EXPECT_THAT(fleet.heartbeat(0, kRestart + 10 * kSecond), IsEmpty());
  EXPECT_THAT(fleet.heartbeat(1, kRestart + 20 * kSecond), IsEmpty());  // 3 of 5 still dark
  const std::int64_t up = kRestart + 30 * kSecond;
  const auto found = fleet.heartbeat(2, up);
  ASSERT_THAT(summaries(found), ElementsAre("s-1 site_power_outage cleared"));
  EXPECT_EQ(found[0].at_ms, up);
  EXPECT_EQ(found[0].evidence, "2 of 5 machines offline");
  // The two still dark are on their own now, after a window.
  EXPECT_THAT(fleet.advance(up + 2 * kMinute - 1), IsEmpty());
  EXPECT_THAT(summaries(fleet.advance(up + 2 * kMinute)),
              ElementsAre("wm-3 device_offline raised", "wm-4 device_offline raised"));
}

TEST(FaultDetectorRestoreTest, ARestoredSiteOutageStaysWhileTheSiteIsDark) {
  Fleet fleet = restored_outage();
  std::vector<Finding> found;
  for (std::int64_t ts = kRestart; ts <= kRestart + kHour; ts += 10 * kSecond) {
    append(found, fleet.heartbeat(0, ts));
    append(found, fleet.advance(ts));
  }
  EXPECT_THAT(found, IsEmpty());
}

}  // namespace
}  // namespace wm::devices
