// FleetDetector: the machine's own fault codes, dispense failures, cleaning, and declaring
// machines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "devices/fault_detector.h"
#include "devices/fault_detector_test_util.h"

namespace wm::devices {
namespace {

using namespace detector_test;  // NOLINT(google-build-using-namespace): test shorthands
using protocols::FaultCode;
using protocols::MaintenanceAction;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---- The machine's own fault codes ------------------------------------------------------

TEST(FaultDetectorEventsTest, AFaultCodeRaisesAndClearsItsKindOnce) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  const auto raised = fleet.fault(m, kT0, FaultCode::kE04, true);
  ASSERT_THAT(summaries(raised), ElementsAre("wm-0 pump_fault raised"));
  EXPECT_EQ(raised[0].evidence, "E04 raised");
  EXPECT_EQ(raised[0].at_ms, kT0);
  EXPECT_THAT(fleet.fault(m, kT0 + kSecond, FaultCode::kE04, true), IsEmpty());  // again
  const auto cleared = fleet.fault(m, kT0 + kMinute, FaultCode::kE04, false);
  ASSERT_THAT(summaries(cleared), ElementsAre("wm-0 pump_fault cleared"));
  EXPECT_EQ(cleared[0].evidence, "E04 cleared");
  EXPECT_THAT(fleet.fault(m, kT0 + 2 * kMinute, FaultCode::kE04, false), IsEmpty());
}

TEST(FaultDetectorEventsTest, EveryCodeRaisesTheKindOfDesignTable) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  std::vector<std::string> kinds;
  for (int n = 1; n <= 8; ++n) {
    const FaultCode code = *protocols::fault_code_from_number(n);
    for (const Finding& f : fleet.fault(m, kT0 + n, code, true)) {
      EXPECT_EQ(f.kind, fault_kind_of(code));
      kinds.emplace_back(to_string(f.kind));
    }
  }
  EXPECT_THAT(kinds, ElementsAre("water_supply", "leak", "water_quality", "pump_fault", "uv_fault",
                                 "heater_fault", "card_reader_fault", "dispense_failure"));
}

TEST(FaultDetectorEventsTest, AClearOfACodeNeverRaisedSaysNothing) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.fault(m, kT0, FaultCode::kE06, false), IsEmpty());
}

TEST(FaultDetectorEventsTest, AKindStaysRaisedUntilItsLastReasonEnds) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  ASSERT_THAT(summaries(fleet.readings(m, kT0, kT0 + 2 * kMinute, kMinute, with_tds(90))),
              ElementsAre("wm-0 water_quality raised"));
  // E03 is a second reason: the desk hears it as new evidence.
  const auto e03 = fleet.fault(m, kT0 + 3 * kMinute, FaultCode::kE03, true);
  ASSERT_THAT(summaries(e03), ElementsAre("wm-0 water_quality raised"));
  EXPECT_EQ(e03[0].evidence, "E03 raised");
  // The sensor recovers first: E03 still holds the kind.
  EXPECT_THAT(fleet.readings(m, kT0 + 4 * kMinute, kT0 + 6 * kMinute, kMinute, with_tds(20)),
              IsEmpty());
  EXPECT_THAT(summaries(fleet.fault(m, kT0 + 7 * kMinute, FaultCode::kE03, false)),
              ElementsAre("wm-0 water_quality cleared"));
}

TEST(FaultDetectorEventsTest, ACodeAndASensorClearInEitherOrder) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  ASSERT_THAT(summaries(fleet.fault(m, kT0, FaultCode::kE02, true)),
              ElementsAre("wm-0 leak raised"));
  ASSERT_THAT(summaries(fleet.readings(m, kT0, kT0 + kMinute, kMinute, with_leak(true))),
              ElementsAre("wm-0 leak raised"));
  EXPECT_THAT(fleet.fault(m, kT0 + 2 * kMinute, FaultCode::kE02, false), IsEmpty());
  EXPECT_THAT(
      summaries(fleet.readings(m, kT0 + 3 * kMinute, kT0 + 4 * kMinute, kMinute, with_leak(false))),
      ElementsAre("wm-0 leak cleared"));
}

TEST(FaultDetectorEventsTest, ALateFaultEventDoesNotUndoANewerOne) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  ASSERT_THAT(fleet.fault(m, kT0 + 10 * kSecond, FaultCode::kE05, true), ::testing::SizeIs(1));
  EXPECT_THAT(fleet.fault(m, kT0 + 5 * kSecond, FaultCode::kE05, false), IsEmpty());
  EXPECT_THAT(summaries(fleet.fault(m, kT0 + 20 * kSecond, FaultCode::kE05, false)),
              ElementsAre("wm-0 uv_fault cleared"));
}

TEST(FaultDetectorEventsTest, ARestoredFaultRaisesAndClearsButIsNotAMessage) {
  Fleet fleet;
  for (int i = 0; i < 4; ++i) (void)fleet.add("s-1");
  // A site-wide water shortage, active on three machines when the gateway restarted.
  for (MachineIndex m = 0; m < 3; ++m) {
    std::vector<Finding> out;
    fleet.detector.restore_active_fault(m, FaultCode::kE01, kT0, out);
    ASSERT_THAT(summaries(out), ElementsAre(Fleet::device_id(m) + " water_supply raised"));
    EXPECT_EQ(out[0].at_ms, kT0);
    EXPECT_EQ(out[0].evidence, "E01 raised");
  }
  // Hours later the fleet's time moves on: old restored faults do not make the machines
  // look silent (which would be three offline at once: a site outage).
  std::vector<Finding> found;
  for (std::int64_t ts = kT0 + 3 * kHour; ts < kT0 + 3 * kHour + 20 * kMinute; ts += kMinute) {
    const auto more = fleet.advance(ts);
    found.insert(found.end(), more.begin(), more.end());
  }
  EXPECT_THAT(found, IsEmpty());
  EXPECT_THAT(summaries(fleet.fault(0, kT0 + 4 * kHour, FaultCode::kE01, false)),
              ElementsAre("wm-0 water_supply cleared"));
  // Restoring what is already known says nothing.
  std::vector<Finding> again;
  fleet.detector.restore_active_fault(1, FaultCode::kE01, kT0, again);
  fleet.detector.restore_active_fault(99, FaultCode::kE01, kT0, again);  // unknown machine
  EXPECT_THAT(again, IsEmpty());
}

// ---- dispense_failure -------------------------------------------------------------------

TEST(FaultDetectorEventsTest, ACustomerChargedForLittleWaterRaisesDispenseFailure) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  const auto found = fleet.dispense(m, kT0, "t-17", 150, 500, 120);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 dispense_failure raised"));
  EXPECT_EQ(found[0].evidence, "txn t-17: 120 of 500 ml dispensed, 150 fen charged");
  EXPECT_EQ(found[0].at_ms, kT0);
  EXPECT_THAT(fleet.dispense(m, kT0 + kMinute, "t-18", 150, 500, 0), IsEmpty());  // still active
}

TEST(FaultDetectorEventsTest, ExactlyHalfTheWaterIsNotAFailure) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.dispense(m, kT0, "t-1", 150, 500, 250), IsEmpty());
  EXPECT_THAT(summaries(fleet.dispense(m, kT0 + kMinute, "t-2", 150, 500, 249)),
              ElementsAre("wm-0 dispense_failure raised"));
}

TEST(FaultDetectorEventsTest, NoChargeNoFailure) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.dispense(m, kT0, "t-1", 0, 500, 0), IsEmpty());
}

TEST(FaultDetectorEventsTest, AFullDispenseAfterwardsClearsIt) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  ASSERT_THAT(fleet.dispense(m, kT0, "t-1", 150, 500, 100), ::testing::SizeIs(1));
  EXPECT_THAT(fleet.dispense(m, kT0 + kMinute, "t-2", 150, 500, 449), IsEmpty());  // 89.8%
  // A good dispense from before the failure, delivered late, proves nothing.
  EXPECT_THAT(fleet.dispense(m, kT0 - kMinute, "t-0", 150, 500, 500), IsEmpty());
  const auto cleared = fleet.dispense(m, kT0 + 2 * kMinute, "t-3", 0, 500, 450);  // exactly 90%
  ASSERT_THAT(summaries(cleared), ElementsAre("wm-0 dispense_failure cleared"));
  EXPECT_EQ(cleared[0].evidence, "txn t-3: 450 of 500 ml dispensed");
}

TEST(FaultDetectorEventsTest, E08IsASecondReasonForDispenseFailure) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  ASSERT_THAT(fleet.dispense(m, kT0, "t-1", 150, 500, 100), ::testing::SizeIs(1));
  EXPECT_THAT(summaries(fleet.fault(m, kT0 + kSecond, FaultCode::kE08, true)),
              ElementsAre("wm-0 dispense_failure raised"));
  EXPECT_THAT(fleet.dispense(m, kT0 + kMinute, "t-2", 150, 500, 500), IsEmpty());
  EXPECT_THAT(summaries(fleet.fault(m, kT0 + 2 * kMinute, FaultCode::kE08, false)),
              ElementsAre("wm-0 dispense_failure cleared"));
}

// ---- cleaning_due -----------------------------------------------------------------------

TEST(FaultDetectorEventsTest, CleaningFallsDueOnceAfterTheIntervalAndACleaningClearsIt) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_last_cleaning(m, kT0);
  (void)fleet.heartbeat(m, kT0 + kHour);
  const std::int64_t due = kT0 + 7 * kDay;
  EXPECT_THAT(of_kind(fleet.advance(due), FaultKind::kCleaningDue), IsEmpty());  // not yet past
  const auto found = of_kind(fleet.advance(due + 1), FaultKind::kCleaningDue);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 cleaning_due raised"));
  EXPECT_EQ(found[0].at_ms, due);
  EXPECT_EQ(found[0].evidence, "no cleaning for 168 h (interval 168 h)");
  EXPECT_THAT(of_kind(fleet.advance(due + kDay), FaultKind::kCleaningDue), IsEmpty());

  const auto cleaned =
      of_kind(fleet.maintenance(m, due + kDay + kHour, MaintenanceAction::kCleaning),
              FaultKind::kCleaningDue);
  ASSERT_THAT(summaries(cleaned), ElementsAre("wm-0 cleaning_due cleared"));
  EXPECT_EQ(cleaned[0].evidence, "cleaning by staff-7");
  // The interval counts from that cleaning now.
  EXPECT_THAT(of_kind(fleet.advance(due + 8 * kDay + kHour), FaultKind::kCleaningDue), IsEmpty());
  EXPECT_THAT(
      summaries(of_kind(fleet.advance(due + 8 * kDay + kHour + 1), FaultKind::kCleaningDue)),
      ElementsAre("wm-0 cleaning_due raised"));
}

TEST(FaultDetectorEventsTest, WithNoCleaningOnRecordTheIntervalCountsFromTheFirstMessage) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  EXPECT_THAT(fleet.advance(kT0 + 30 * kDay), IsEmpty());  // never heard from: nothing to judge
  (void)fleet.telemetry(m, healthy(kT0 + 30 * kDay));
  EXPECT_THAT(of_kind(fleet.advance(kT0 + 37 * kDay), FaultKind::kCleaningDue), IsEmpty());
  const auto found = of_kind(fleet.advance(kT0 + 37 * kDay + kMinute), FaultKind::kCleaningDue);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 cleaning_due raised"));
  EXPECT_EQ(found[0].evidence, "no cleaning on record for 168 h (interval 168 h)");
}

TEST(FaultDetectorEventsTest, ACleaningOfLongAgoReportedLateDoesNotClearIt) {
  Fleet fleet;
  const MachineIndex m = fleet.add();
  fleet.detector.restore_last_cleaning(m, kT0);
  (void)fleet.heartbeat(m, kT0 + 10 * kDay);
  ASSERT_THAT(of_kind(fleet.advance(kT0 + 10 * kDay), FaultKind::kCleaningDue),
              ::testing::SizeIs(1));
  EXPECT_THAT(fleet.maintenance(m, kT0 + kDay, MaintenanceAction::kCleaning), IsEmpty());
  EXPECT_THAT(summaries(fleet.maintenance(m, kT0 + 10 * kDay, MaintenanceAction::kCleaning)),
              ElementsAre("wm-0 cleaning_due cleared"));
}

// ---- Declaring machines -----------------------------------------------------------------

TEST(FaultDetectorEventsTest, UnknownMachinesAreIgnoredAndIndicesMayBeSparse) {
  FleetDetector detector;
  std::vector<Finding> out;
  detector.on_telemetry(3, healthy(kT0), out);
  detector.on_event(3, protocols::Event{kT0, 1, protocols::Fault{FaultCode::kE03, true}}, out);
  detector.on_status(3, protocols::Status{kT0, false}, out);
  detector.on_heartbeat(3, kT0, out);
  detector.restore_last_cleaning(3, kT0);
  detector.advance(kT0 + 30 * kDay, out);
  EXPECT_THAT(out, IsEmpty());

  detector.add_machine(1000, "wm-far", "s-2");
  detector.add_machine(1000, "wm-far", "s-2");  // idempotent
  detector.on_event(1000, protocols::Event{kT0, 1, protocols::Fault{FaultCode::kE03, true}}, out);
  ASSERT_THAT(summaries(out), ElementsAre("wm-far water_quality raised"));
  EXPECT_EQ(out[0].site_id, "s-2");
  detector.on_event(999, protocols::Event{kT0, 1, protocols::Fault{FaultCode::kE03, true}}, out);
  EXPECT_THAT(out, ::testing::SizeIs(1));  // 999 is a gap, not a machine
}

TEST(FaultDetectorEventsTest, AMachineMovedToAnotherSiteReportsItsNewSite) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-1");
  fleet.detector.add_machine(m, "wm-0", "s-2");
  const auto found = fleet.fault(m, kT0, FaultCode::kE07, true);
  ASSERT_THAT(found, ::testing::SizeIs(1));
  EXPECT_EQ(found[0].site_id, "s-2");
}

}  // namespace
}  // namespace wm::devices
