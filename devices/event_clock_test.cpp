#include "devices/event_clock.h"

#include <gtest/gtest.h>

namespace wm::devices {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kT0 = 1'700'000'000'000;

TEST(EventClockTest, KnowsNoTimeBeforeTheFirstMessage) {
  const EventClock clock;
  EXPECT_EQ(clock.now(0), std::nullopt);
  EXPECT_EQ(clock.watermark_ms(), std::nullopt);
}

TEST(EventClockTest, TheFirstMessageSetsTheTimeHoweverFarFromTheWallClock) {
  EventClock clock;
  clock.observe(kT0, 5);
  EXPECT_EQ(clock.now(5), kT0);
  EXPECT_EQ(clock.now(1005), kT0 + 1000);
}

TEST(EventClockTest, ASilentFleetStillSeesTimePass) {
  EventClock clock;
  clock.observe(kT0, 0);
  EXPECT_EQ(clock.now(6 * kMinute), kT0 + 6 * kMinute);
  // A wall clock that steps back does not turn event time back.
  EXPECT_EQ(clock.now(-kMinute), kT0);
}

TEST(EventClockTest, AReplayFasterThanRealTimeRunsOnItsOwnTime) {
  EventClock clock;
  for (std::int64_t i = 0; i <= 60; ++i) clock.observe(kT0 + i * kMinute, i * 100);  // 600x speed
  EXPECT_EQ(clock.now(6000), kT0 + 60 * kMinute);
  EXPECT_EQ(clock.now(6100), kT0 + 60 * kMinute + 100);
  EXPECT_EQ(clock.rejected_jumps(), 0u);
}

TEST(EventClockTest, OlderMessagesDoNotMoveTheWatermark) {
  EventClock clock;
  clock.observe(kT0 + 10'000, 0);
  clock.observe(kT0 + 5'000, 100);
  EXPECT_EQ(clock.watermark_ms(), kT0 + 10'000);
  EXPECT_EQ(clock.now(100), kT0 + 10'100);
}

TEST(EventClockTest, OneMachineWithAClockFarAheadCannotMoveTheFleet) {
  EventClock clock(10 * kMinute);
  clock.observe(kT0, 0);
  clock.observe(kT0 + 10 * kMinute + 1, 0);  // just past the limit
  EXPECT_EQ(clock.now(0), kT0);
  EXPECT_EQ(clock.rejected_jumps(), 1u);
  clock.observe(kT0 + 10 * kMinute, 0);  // exactly the limit is believed
  EXPECT_EQ(clock.now(0), kT0 + 10 * kMinute);
  EXPECT_EQ(clock.rejected_jumps(), 1u);
}

TEST(EventClockTest, TheJumpLimitCountsFromNowNotFromTheWatermark) {
  EventClock clock(10 * kMinute);
  clock.observe(kT0, 0);
  // Five silent minutes later, a message 14 minutes past the watermark is 9 past now.
  clock.observe(kT0 + 14 * kMinute, 5 * kMinute);
  EXPECT_EQ(clock.watermark_ms(), kT0 + 14 * kMinute);
  EXPECT_EQ(clock.now(5 * kMinute), kT0 + 14 * kMinute);
  EXPECT_EQ(clock.rejected_jumps(), 0u);
}

TEST(EventClockTest, ABacklogAfterASilenceRunsFromItsOwnTime) {
  EventClock clock;
  clock.observe(kT0, 0);
  ASSERT_EQ(clock.now(10 * kMinute), kT0 + 10 * kMinute);
  // Messages held up during the silence arrive: the newest time seen is the watermark
  // again and the wall time counts from their arrival.
  clock.observe(kT0 + kMinute, 10 * kMinute);
  EXPECT_EQ(clock.now(10 * kMinute), kT0 + kMinute);
  EXPECT_EQ(clock.now(11 * kMinute), kT0 + 2 * kMinute);
}

}  // namespace
}  // namespace wm::devices
