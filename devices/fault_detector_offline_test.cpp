// FleetDetector: offline by will and by silence, and the site outage that stands in for
// the offline machines of one site.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "devices/fault_detector.h"
#include "devices/fault_detector_test_util.h"

namespace wm::devices {
namespace {

using namespace detector_test;  // NOLINT(google-build-using-namespace): test shorthands
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A site of `count` machines that all spoke at kT0.
MachineIndex add_site(Fleet& fleet, const std::string& site, int count) {
  MachineIndex first = 0;
  for (int i = 0; i < count; ++i) {
    const MachineIndex m = fleet.add(site);
    if (i == 0) first = m;
    (void)fleet.heartbeat(m, kT0);
  }
  return first;
}

void append(std::vector<Finding>& to, const std::vector<Finding>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

TEST(FaultDetectorOfflineTest, AWillWaitsOutTheWindowThenRaisesDeviceOffline) {
  Fleet fleet;
  add_site(fleet, "s-1", 5);
  EXPECT_THAT(fleet.status(0, kT0 + 10 * kSecond, false), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + 129 * kSecond), IsEmpty());
  const auto found = fleet.advance(kT0 + 130 * kSecond);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline raised"));
  EXPECT_EQ(found[0].site_id, "s-1");
  EXPECT_EQ(found[0].at_ms, kT0 + 10 * kSecond);
  EXPECT_EQ(found[0].evidence, "will: offline");
  EXPECT_THAT(fleet.advance(kT0 + 140 * kSecond), IsEmpty());

  const auto back = fleet.heartbeat(0, kT0 + 200 * kSecond);
  ASSERT_THAT(summaries(back), ElementsAre("wm-0 device_offline cleared"));
  EXPECT_EQ(back[0].at_ms, kT0 + 200 * kSecond);
  EXPECT_EQ(back[0].evidence, "back online");
}

TEST(FaultDetectorOfflineTest, AMachineBackWithinTheWindowIsNeverReported) {
  Fleet fleet;
  add_site(fleet, "s-1", 5);
  EXPECT_THAT(fleet.status(0, kT0 + 10 * kSecond, false), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + 60 * kSecond), IsEmpty());
  EXPECT_THAT(fleet.status(0, kT0 + 70 * kSecond, true), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + 4 * kMinute), IsEmpty());
}

TEST(FaultDetectorOfflineTest, SilenceForTheHeartbeatTimeoutIsOffline) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  (void)fleet.telemetry(m, healthy(kT0));
  EXPECT_THAT(fleet.advance(kT0 + 5 * kMinute - 1), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + 5 * kMinute), IsEmpty());  // offline, waiting for its site
  EXPECT_THAT(fleet.advance(kT0 + 7 * kMinute - 1), IsEmpty());
  const auto found = fleet.advance(kT0 + 7 * kMinute);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + 5 * kMinute);
  EXPECT_EQ(found[0].evidence, "no message for 300 s");
  EXPECT_THAT(summaries(fleet.telemetry(m, healthy(kT0 + 8 * kMinute))),
              ElementsAre("wm-0 device_offline cleared"));
  // Heard again: the timeout counts from the new message.
  EXPECT_THAT(fleet.advance(kT0 + 13 * kMinute - 1), IsEmpty());
}

TEST(FaultDetectorOfflineTest, EveryKindOfMessageProvesAMachineAlive) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  std::vector<Finding> found;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t ts = kT0 + i * 4 * kMinute;
    switch (i % 4) {
      case 0:
        append(found, fleet.telemetry(m, healthy(ts)));
        break;
      case 1:
        append(found, fleet.heartbeat(m, ts));
        break;
      case 2:
        append(found, fleet.dispense(m, ts, "t-" + std::to_string(i), 100, 500, 500));
        break;
      default:
        append(found, fleet.status(m, ts, true));
        break;
    }
    append(found, fleet.advance(ts + 4 * kMinute - 1));
  }
  EXPECT_THAT(found, IsEmpty());
}

TEST(FaultDetectorOfflineTest, AWillStampedAtConnectTimeTakesEffectAfterTheLastMessage) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  (void)fleet.status(m, kT0, true);  // connected; the will carries this same time
  (void)fleet.readings(m, kT0 + kMinute, kT0 + 10 * kMinute, kMinute, healthy);
  EXPECT_THAT(fleet.status(m, kT0, false), IsEmpty());
  const auto found = fleet.advance(kT0 + 12 * kMinute);
  ASSERT_THAT(summaries(found), ElementsAre("wm-0 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + 10 * kMinute);
  // A sample from before it went dark, delivered late, does not bring it back...
  EXPECT_THAT(fleet.telemetry(m, healthy(kT0 + 9 * kMinute)), IsEmpty());
  // ...a new one does.
  EXPECT_THAT(summaries(fleet.heartbeat(m, kT0 + 13 * kMinute)),
              ElementsAre("wm-0 device_offline cleared"));
}

TEST(FaultDetectorOfflineTest, StaleAndRedeliveredWillsChangeNothing) {
  Fleet fleet;
  const MachineIndex m = fleet.add("s-alone");
  (void)fleet.status(m, kT0 + 5 * kMinute, true);       // reconnected
  EXPECT_THAT(fleet.status(m, kT0, false), IsEmpty());  // the old connection's will, late
  EXPECT_THAT(fleet.advance(kT0 + 5 * kMinute + 3 * kMinute), IsEmpty());

  // A will, the machine back, then the same will redelivered.
  EXPECT_THAT(fleet.status(m, kT0 + 9 * kMinute, false), IsEmpty());
  EXPECT_THAT(fleet.heartbeat(m, kT0 + 9 * kMinute + kSecond), IsEmpty());
  EXPECT_THAT(fleet.status(m, kT0 + 9 * kMinute, false), IsEmpty());
  EXPECT_THAT(fleet.advance(kT0 + 12 * kMinute), IsEmpty());
}

TEST(FaultDetectorOfflineTest, OneMachineOfFiveDroppingIsADeviceOffline) {
  Fleet fleet;
  add_site(fleet, "s-1", 5);
  EXPECT_THAT(fleet.status(3, kT0 + kMinute, false), IsEmpty());
  std::vector<Finding> found;
  for (std::int64_t ts = kT0 + kMinute; ts <= kT0 + 10 * kMinute; ts += 30 * kSecond) {
    for (MachineIndex m : {0U, 1U, 2U, 4U}) append(found, fleet.heartbeat(m, ts));
    append(found, fleet.advance(ts));
  }
  ASSERT_THAT(summaries(found), ElementsAre("wm-3 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + kMinute);
}

TEST(FaultDetectorOfflineTest, FourOfFiveDroppingTogetherIsOneSiteOutage) {
  Fleet fleet;
  add_site(fleet, "s-1", 5);
  add_site(fleet, "s-2", 2);  // machines 5 and 6, elsewhere, stay up
  std::vector<Finding> found;
  EXPECT_THAT(fleet.status(0, kT0 + 10 * kSecond, false), IsEmpty());
  EXPECT_THAT(fleet.status(1, kT0 + 20 * kSecond, false), IsEmpty());  // 2 of 5: not yet
  // The third is more than half: the site is down at once, not after the window.
  const auto outage = fleet.status(2, kT0 + 30 * kSecond, false);
  ASSERT_THAT(summaries(outage), ElementsAre("s-1 site_power_outage raised"));
  EXPECT_EQ(outage[0].site_id, "s-1");
  EXPECT_EQ(outage[0].at_ms, kT0 + 30 * kSecond);
  EXPECT_EQ(outage[0].evidence, "3 of 5 machines offline within 120 s");
  EXPECT_THAT(fleet.status(3, kT0 + 40 * kSecond, false), IsEmpty());  // joins it

  // Twenty minutes of the outage: no device findings.
  for (std::int64_t ts = kT0 + kMinute; ts <= kT0 + 20 * kMinute; ts += 30 * kSecond) {
    for (MachineIndex m : {4U, 5U, 6U}) append(found, fleet.heartbeat(m, ts));
    append(found, fleet.advance(ts));
  }
  EXPECT_THAT(found, IsEmpty());

  // Power returns to two of them: 3 of 5 still dark, then 2 of 5 (not more than half).
  const std::int64_t back = kT0 + 21 * kMinute;
  EXPECT_THAT(fleet.heartbeat(0, back - kSecond), IsEmpty());
  const auto recovered = fleet.heartbeat(1, back);
  ASSERT_THAT(summaries(recovered), ElementsAre("s-1 site_power_outage cleared"));
  EXPECT_EQ(recovered[0].at_ms, back);
  EXPECT_EQ(recovered[0].evidence, "2 of 5 machines offline");

  // The two still dark are on their own now, each after a window from the recovery.
  for (std::int64_t ts = back; ts < back + 2 * kMinute; ts += 10 * kSecond) {
    for (MachineIndex m : {0U, 1U, 4U, 5U, 6U}) append(found, fleet.heartbeat(m, ts));
    append(found, fleet.advance(ts));
  }
  EXPECT_THAT(found, IsEmpty());
  const auto alone = fleet.advance(back + 2 * kMinute);
  ASSERT_THAT(summaries(alone),
              ElementsAre("wm-2 device_offline raised", "wm-3 device_offline raised"));
  EXPECT_EQ(alone[0].at_ms, kT0 + 30 * kSecond);
  EXPECT_EQ(alone[0].evidence, "will: offline");
}

TEST(FaultDetectorOfflineTest, DropsSpreadWiderThanTheWindowAreSeparateFaults) {
  Fleet fleet;
  add_site(fleet, "s-1", 4);
  std::vector<Finding> found;
  // Machine m goes dark at drop[m], three minutes apart; machine 3 stays.
  const std::int64_t drop[] = {kT0 + kMinute, kT0 + 4 * kMinute, kT0 + 7 * kMinute, INT64_MAX};
  for (std::int64_t ts = kT0; ts <= kT0 + 15 * kMinute; ts += 10 * kSecond) {
    for (MachineIndex m = 0; m < 4; ++m) {
      if (ts < drop[m]) append(found, fleet.heartbeat(m, ts));
      if (ts == drop[m]) append(found, fleet.status(m, ts, false));
    }
    append(found, fleet.advance(ts));
  }
  EXPECT_THAT(summaries(found),
              ElementsAre("wm-0 device_offline raised", "wm-1 device_offline raised",
                          "wm-2 device_offline raised"));
}

TEST(FaultDetectorOfflineTest, BothMachinesOfATwoMachineSiteIsAnOutageOneMachineNever) {
  Fleet fleet;
  add_site(fleet, "s-pair", 2);
  add_site(fleet, "s-alone", 1);  // machine 2
  EXPECT_THAT(fleet.status(0, kT0 + kSecond, false), IsEmpty());
  EXPECT_THAT(summaries(fleet.status(1, kT0 + 2 * kSecond, false)),
              ElementsAre("s-pair site_power_outage raised"));
  EXPECT_THAT(fleet.status(2, kT0 + 3 * kSecond, false), IsEmpty());
  EXPECT_THAT(summaries(fleet.advance(kT0 + 3 * kMinute)),
              ElementsAre("wm-2 device_offline raised"));
}

TEST(FaultDetectorOfflineTest, ASiteFallingSilentTogetherIsOneOutage) {
  Fleet fleet;
  add_site(fleet, "s-1", 4);
  add_site(fleet, "s-2", 2);  // machines 4 and 5 keep talking
  std::vector<Finding> found;
  for (MachineIndex m = 0; m < 4; ++m) {
    append(found, fleet.heartbeat(m, kT0 + m * 5 * kSecond));  // their last words
  }
  for (std::int64_t ts = kT0; ts <= kT0 + 30 * kMinute; ts += 10 * kSecond) {
    append(found, fleet.heartbeat(4, ts));
    append(found, fleet.heartbeat(5, ts));
    append(found, fleet.advance(ts));
  }
  ASSERT_THAT(summaries(found), ElementsAre("s-1 site_power_outage raised"));
  EXPECT_EQ(found[0].at_ms, kT0 + 5 * kMinute + 10 * kSecond);  // the third one's timeout
  EXPECT_EQ(found[0].evidence, "3 of 4 machines offline within 120 s");
}

TEST(FaultDetectorOfflineTest, AMachineWhoseClockIsBehindDoesNotTimeOut) {
  Fleet fleet;
  (void)fleet.add("s-1");
  (void)fleet.add("s-1");  // machine 1: its clock is ten minutes behind
  const std::int64_t lag = 10 * kMinute;
  std::vector<Finding> found = fleet.advance(kT0);  // the fleet's time is known
  std::int64_t ts = kT0;
  for (; ts <= kT0 + kHour; ts += 30 * kSecond) {
    append(found, fleet.heartbeat(0, ts));
    append(found, fleet.heartbeat(1, ts - lag));
    append(found, fleet.advance(ts + kSecond));
  }
  EXPECT_THAT(found, IsEmpty());
  // When it does fall silent, it times out on its own clock.
  const std::int64_t last_words = ts - 30 * kSecond - lag;
  for (; ts <= kT0 + 2 * kHour; ts += 30 * kSecond) {
    append(found, fleet.heartbeat(0, ts));
    append(found, fleet.advance(ts + kSecond));
  }
  ASSERT_THAT(summaries(found), ElementsAre("wm-1 device_offline raised"));
  EXPECT_EQ(found[0].at_ms, last_words + 5 * kMinute);
}

}  // namespace
}  // namespace wm::devices
