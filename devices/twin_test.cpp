// Twin ordering rules: event time decides, arrival order only breaks ties.
#include "devices/twin.h"

#include <gtest/gtest.h>

namespace wm::devices {
namespace {

using protocols::Status;
using protocols::Telemetry;

Telemetry sample(std::int64_t ts_ms, double tds_out) {
  Telemetry t;
  t.ts_ms = ts_ms;
  t.tds_out = tds_out;
  return t;
}

TEST(TwinTest, NewTwinKnowsNothing) {
  const Twin twin("wm-0001");
  EXPECT_EQ(twin.device_id(), "wm-0001");
  EXPECT_EQ(twin.telemetry(), std::nullopt);
  EXPECT_EQ(twin.last_seen_ms(), std::nullopt);
  EXPECT_EQ(twin.online(), std::nullopt);
  EXPECT_EQ(twin.status_ts_ms(), std::nullopt);
  EXPECT_EQ(twin.status_online(), std::nullopt);
}

TEST(TwinTest, NewerTelemetryReplacesOlder) {
  Twin twin("wm-0001");
  EXPECT_TRUE(twin.apply(sample(1000, 10)));
  EXPECT_TRUE(twin.apply(sample(2000, 11)));
  ASSERT_TRUE(twin.telemetry().has_value());
  EXPECT_EQ(twin.telemetry()->ts_ms, 2000);
  EXPECT_EQ(twin.telemetry()->tds_out, 11);
  EXPECT_EQ(twin.last_seen_ms(), 2000);
}

TEST(TwinTest, OlderTelemetryArrivingLateDoesNotReplaceNewer) {
  Twin twin("wm-0001");
  ASSERT_TRUE(twin.apply(sample(2000, 11)));
  EXPECT_FALSE(twin.apply(sample(1000, 10)));
  EXPECT_EQ(twin.telemetry()->ts_ms, 2000);
  EXPECT_EQ(twin.telemetry()->tds_out, 11);
  EXPECT_EQ(twin.last_seen_ms(), 2000) << "last_seen is the newest event time, not the last";
}

TEST(TwinTest, EqualTimestampLaterArrivalWins) {
  Twin twin("wm-0001");
  ASSERT_TRUE(twin.apply(sample(2000, 11)));
  EXPECT_TRUE(twin.apply(sample(2000, 42)));
  EXPECT_EQ(twin.telemetry()->tds_out, 42);
}

TEST(TwinTest, LastSeenIsTheNewestEventTimeOfAnyMessage) {
  Twin twin("wm-0001");
  twin.saw_message(5000);
  EXPECT_EQ(twin.last_seen_ms(), 5000);
  (void)twin.apply(sample(3000, 10));  // older telemetry, first of its kind: kept
  EXPECT_EQ(twin.telemetry()->ts_ms, 3000);
  EXPECT_EQ(twin.last_seen_ms(), 5000);
  twin.apply(Status{7000, true});
  EXPECT_EQ(twin.last_seen_ms(), 7000);
  twin.saw_message(6000);
  EXPECT_EQ(twin.last_seen_ms(), 7000);
}

TEST(TwinTest, NewestStatusWins) {
  Twin twin("wm-0001");
  twin.apply(Status{1000, true});
  EXPECT_EQ(twin.online(), true);
  twin.apply(Status{2000, false});
  EXPECT_EQ(twin.online(), false);
  EXPECT_EQ(twin.status_ts_ms(), 2000);
  twin.apply(Status{1500, true});  // late copy of an older status
  EXPECT_EQ(twin.online(), false);
  EXPECT_EQ(twin.status_ts_ms(), 2000);
  EXPECT_EQ(twin.status_online(), false);
}

TEST(TwinTest, WillWithTheSameTimeAsTheOnlineStatusTakesTheMachineOffline) {
  // Firmware stamps its will when it connects: same ts as its online status.
  Twin twin("wm-0001");
  twin.apply(Status{1000, true});
  (void)twin.apply(sample(61'000, 10));
  twin.apply(Status{1000, false});
  EXPECT_EQ(twin.online(), false);
  EXPECT_EQ(twin.status_online(), false);
  EXPECT_EQ(twin.last_seen_ms(), 61'000);
}

TEST(TwinTest, TelemetryNewerThanAnOfflineStatusBringsTheMachineBack) {
  Twin twin("wm-0001");
  twin.apply(Status{1000, false});
  ASSERT_EQ(twin.online(), false);
  (void)twin.apply(sample(1001, 10));
  EXPECT_EQ(twin.online(), true);
  EXPECT_EQ(twin.status_online(), false) << "the status itself still said offline";
  EXPECT_EQ(twin.status_ts_ms(), 1000);
}

TEST(TwinTest, TelemetryNotNewerThanAnOfflineStatusLeavesItOffline) {
  Twin twin("wm-0001");
  twin.apply(Status{1000, false});
  (void)twin.apply(sample(999, 10));
  EXPECT_EQ(twin.online(), false);
  (void)twin.apply(sample(1000, 10));  // the same instant is not "after"
  EXPECT_EQ(twin.online(), false);
  EXPECT_EQ(twin.telemetry()->ts_ms, 1000) << "the sample itself is still the latest";
}

TEST(TwinTest, EventNewerThanAnOfflineStatusBringsTheMachineBack) {
  Twin twin("wm-0001");
  twin.apply(Status{1000, false});
  twin.saw_message(900);
  EXPECT_EQ(twin.online(), false);
  twin.saw_message(1200);
  EXPECT_EQ(twin.online(), true);
  EXPECT_EQ(twin.last_seen_ms(), 1200);
}

TEST(TwinTest, OfflineStatusNewerThanTelemetryTakesItOffline) {
  Twin twin("wm-0001");
  (void)twin.apply(sample(1000, 10));
  twin.apply(Status{2000, false});
  EXPECT_EQ(twin.online(), false);
  // A stale sample flushed by a hub after the disconnect does not revive it.
  (void)twin.apply(sample(1500, 10));
  EXPECT_EQ(twin.online(), false);
}

TEST(TwinTest, MachineWithoutStatusMessagesIsOnlineOnceHeard) {
  // hx-binary machines send no status: their messages are the only sign of life.
  Twin twin("hx-0001");
  twin.saw_message(1000);
  EXPECT_EQ(twin.online(), true);
  EXPECT_EQ(twin.status_ts_ms(), std::nullopt);
}

TEST(TwinTest, RedeliveredRetainedStatusDoesNotUndoALaterComeback) {
  Twin twin("wm-0001");
  twin.apply(Status{1000, false});
  (void)twin.apply(sample(5000, 10));
  ASSERT_EQ(twin.online(), true);
  twin.apply(Status{1000, false});  // the broker sends the retained status again
  EXPECT_EQ(twin.online(), true);
  twin.apply(Status{6000, false});  // a real, newer offline status
  EXPECT_EQ(twin.online(), false);
}

TEST(TwinTest, OnlineStatusOlderThanTheNewestStatusIsIgnoredEvenWhenOffline) {
  Twin twin("wm-0001");
  twin.apply(Status{2000, false});
  twin.apply(Status{1000, true});
  EXPECT_EQ(twin.online(), false);
  EXPECT_EQ(twin.last_seen_ms(), 2000);
}

TEST(TwinTest, RestoreSetsStateAndOrderingContinuesFromIt) {
  Twin twin("wm-0001");
  twin.restore(sample(5000, 12), 6000, true, 4000, false);
  EXPECT_EQ(twin.telemetry()->ts_ms, 5000);
  EXPECT_EQ(twin.last_seen_ms(), 6000);
  EXPECT_EQ(twin.online(), true);
  EXPECT_EQ(twin.status_ts_ms(), 4000);
  EXPECT_EQ(twin.status_online(), false);

  EXPECT_FALSE(twin.apply(sample(4500, 99)));  // older than the restored sample
  twin.apply(Status{4000, false});             // retained copy after the restart
  EXPECT_EQ(twin.online(), true);
}

TEST(TwinTest, RestoreWithoutStatusOnlineTakesItFromOnline) {
  Twin twin("wm-0001");
  twin.restore(std::nullopt, 4000, false, 4000);
  EXPECT_EQ(twin.status_online(), false);
  twin.restore(std::nullopt, std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(twin.status_online(), std::nullopt);
  EXPECT_EQ(twin.online(), std::nullopt);
}

}  // namespace
}  // namespace wm::devices

namespace wm::devices {
namespace {

using protocols::Fault;
using protocols::FaultCode;

TEST(TwinFaultTest, RaiseAndClearFollowEventTime) {
  Twin twin("wm-1");
  twin.apply_fault(Fault{FaultCode::kE02, true}, 1000);
  twin.apply_fault(Fault{FaultCode::kE05, true}, 1500);
  EXPECT_EQ(twin.active_faults(), (std::vector<FaultCode>{FaultCode::kE02, FaultCode::kE05}));
  twin.apply_fault(Fault{FaultCode::kE02, false}, 2000);
  EXPECT_EQ(twin.active_faults(), std::vector<FaultCode>{FaultCode::kE05});
  // A raise stamped before the clear arrives late: it does not bring the fault back.
  twin.apply_fault(Fault{FaultCode::kE02, true}, 1800);
  EXPECT_EQ(twin.active_faults(), std::vector<FaultCode>{FaultCode::kE05});
  EXPECT_EQ(twin.last_seen_ms(), 2000);
}

TEST(TwinFaultTest, ARepeatedRaiseKeepsWhenTheFaultBegan) {
  Twin twin("wm-1");
  twin.apply_fault(Fault{FaultCode::kE04, true}, 1000);
  twin.apply_fault(Fault{FaultCode::kE04, true}, 5000);
  EXPECT_EQ(twin.fault_states().at(FaultCode::kE04).since_ms, 1000);
  EXPECT_EQ(twin.fault_states().at(FaultCode::kE04).changed_ms, 5000);
  twin.apply_fault(Fault{FaultCode::kE04, false}, 6000);
  twin.apply_fault(Fault{FaultCode::kE04, true}, 7000);
  EXPECT_EQ(twin.fault_states().at(FaultCode::kE04).since_ms, 7000);
}

TEST(TwinFaultTest, FaultsSurviveARestore) {
  Twin twin("wm-1");
  twin.apply_fault(Fault{FaultCode::kE03, true}, 1000);
  Twin restored("wm-1");
  restored.restore_faults(twin.fault_states());
  EXPECT_EQ(restored.active_faults(), std::vector<FaultCode>{FaultCode::kE03});
}

}  // namespace
}  // namespace wm::devices
