#include "devices/debounced_signal.h"

#include <gtest/gtest.h>

namespace wm::devices {
namespace {

using Change = DebouncedSignal::Change;
constexpr DebouncedSignal::Holds kHolds{60'000, 30'000};

TEST(DebouncedSignalTest, OneBadReadingChangesNothingHoweverLongItStands) {
  DebouncedSignal s;
  EXPECT_EQ(s.observe(true, 0, kHolds), Change::kNone);
  EXPECT_EQ(s.expire(10'000'000, kHolds), Change::kNone);
  EXPECT_EQ(s.due_ms(kHolds), std::nullopt);
  EXPECT_EQ(s.observe(false, 10'000'000, kHolds), Change::kNone);
  EXPECT_FALSE(s.raised());
}

TEST(DebouncedSignalTest, EvenWithNoHoldOneReadingIsNotEnough) {
  DebouncedSignal s;
  constexpr DebouncedSignal::Holds kNoHold{0, 0};
  EXPECT_EQ(s.observe(true, 0, kNoHold), Change::kNone);
  EXPECT_EQ(s.observe(true, 0, kNoHold), Change::kRaised);
  EXPECT_EQ(s.observe(false, 1, kNoHold), Change::kNone);
  EXPECT_EQ(s.observe(false, 2, kNoHold), Change::kCleared);
}

TEST(DebouncedSignalTest, RaisesWhenTwoOrMoreReadingsSpanTheHold) {
  DebouncedSignal s;
  EXPECT_EQ(s.observe(true, 0, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(true, 59'999, kHolds), Change::kNone);
  EXPECT_EQ(s.due_ms(kHolds), 60'000);
  EXPECT_EQ(s.observe(true, 60'000, kHolds), Change::kRaised);
  EXPECT_TRUE(s.raised());
  EXPECT_EQ(s.streak_since_ms(), 0);
  EXPECT_EQ(s.observe(true, 70'000, kHolds), Change::kNone);  // raised once
}

TEST(DebouncedSignalTest, AGoodReadingStartsTheCountAgain) {
  DebouncedSignal s;
  (void)s.observe(true, 0, kHolds);
  (void)s.observe(true, 50'000, kHolds);
  (void)s.observe(false, 55'000, kHolds);
  EXPECT_EQ(s.observe(true, 60'000, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(true, 119'999, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(true, 120'000, kHolds), Change::kRaised);
}

TEST(DebouncedSignalTest, ClearingIsDebouncedWithItsOwnHold) {
  DebouncedSignal s;
  (void)s.observe(true, 0, kHolds);
  ASSERT_EQ(s.observe(true, 60'000, kHolds), Change::kRaised);
  EXPECT_EQ(s.observe(false, 70'000, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(true, 80'000, kHolds), Change::kNone);  // one good reading: still raised
  EXPECT_EQ(s.observe(false, 90'000, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(false, 119'999, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(false, 120'000, kHolds), Change::kCleared);
  EXPECT_FALSE(s.raised());
}

TEST(DebouncedSignalTest, ATimerCompletesAChangeThatAlreadyHadTwoReadings) {
  DebouncedSignal s;
  (void)s.observe(true, 0, kHolds);
  (void)s.observe(true, 10'000, kHolds);
  EXPECT_EQ(s.expire(59'999, kHolds), Change::kNone);
  EXPECT_EQ(s.expire(60'000, kHolds), Change::kRaised);
  EXPECT_EQ(s.expire(1'000'000, kHolds), Change::kNone);
}

TEST(DebouncedSignalTest, RestartForgetsAPendingChange) {
  DebouncedSignal s;
  (void)s.observe(true, 0, kHolds);
  (void)s.observe(true, 50'000, kHolds);
  s.restart();
  EXPECT_EQ(s.observe(true, 60'000, kHolds), Change::kNone);
  EXPECT_EQ(s.expire(100'000, kHolds), Change::kNone);
  EXPECT_EQ(s.observe(true, 120'000, kHolds), Change::kRaised);
}

}  // namespace
}  // namespace wm::devices
