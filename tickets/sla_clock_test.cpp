// SLA deadlines across business-hour boundaries, midnight, UTC offsets east and west, and
// DESIGN.md's targets per severity. Expected instants are written as local wall times.
#include "tickets/sla_clock.h"

#include <gtest/gtest.h>

#include "tickets/ticket_test_util.h"

namespace wm::tickets {
namespace {

using devices::Severity;
using testutil::kHour;
using testutil::kMin;
using testutil::local;
using testutil::utc;

// Beijing time, 08:00-20:00 every day (DESIGN.md's default).
constexpr BusinessHours kShanghai{480, 8 * 60, 20 * 60};
// West of UTC with a half hour, 07:30-22:00.
constexpr BusinessHours kWest{-330, 7 * 60 + 30, 22 * 60};

std::int64_t sh(unsigned d, int hh, int mm = 0) { return local(480, 2026, 11, d, hh, mm); }
std::int64_t west(unsigned d, int hh, int mm = 0) { return local(-330, 2026, 11, d, hh, mm); }

TEST(BusinessHoursTest, OfSiteAndWindow) {
  devices::Site site = testutil::site();
  site.utc_offset_min = -300;
  site.business_start_min = 9 * 60;
  site.business_end_min = 17 * 60 + 30;
  const BusinessHours hours = BusinessHours::of(site);
  EXPECT_EQ(hours.utc_offset_min, -300);
  EXPECT_EQ(hours.window_minutes(), 8 * 60 + 30);
  EXPECT_EQ(kShanghai.window_minutes(), 12 * 60);
}

TEST(BusinessHoursTest, OpenAtIncludesOpeningExcludesClosing) {
  EXPECT_FALSE(kShanghai.is_open_at(sh(23, 7, 59)));
  EXPECT_TRUE(kShanghai.is_open_at(sh(23, 8, 0)));
  EXPECT_TRUE(kShanghai.is_open_at(sh(23, 19, 59)));
  EXPECT_FALSE(kShanghai.is_open_at(sh(23, 20, 0)));
  // 03:00 UTC is 11:00 in Shanghai but 21:30 the day before at -05:30.
  EXPECT_TRUE(kShanghai.is_open_at(utc(2026, 11, 23, 3)));
  EXPECT_TRUE(kWest.is_open_at(utc(2026, 11, 23, 3)));
  EXPECT_FALSE(kWest.is_open_at(utc(2026, 11, 23, 4)));  // 22:30 local
}

TEST(AddBusinessMinutesTest, InsideTheWindow) {
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 10), 60), sh(23, 11));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 10, 17), 0), sh(23, 10, 17));
}

TEST(AddBusinessMinutesTest, BeforeOpeningStartsAtOpening) {
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 6, 30), 30), sh(23, 8, 30));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 0, 0), 0), sh(23, 8, 0));
}

TEST(AddBusinessMinutesTest, AfterClosingStartsAtNextOpening) {
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 21), 30), sh(24, 8, 30));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 23, 59), 30), sh(24, 8, 30));
}

TEST(AddBusinessMinutesTest, ExactlyAtClosingIsOutside) {
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 20), 0), sh(24, 8));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 20), 30), sh(24, 8, 30));
}

TEST(AddBusinessMinutesTest, UsingUpAWindowEndsAtItsClosing) {
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 8), 12 * 60), sh(23, 20));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 19), 60), sh(23, 20));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(23, 19), 61), sh(24, 8, 1));
}

TEST(AddBusinessMinutesTest, CarriesOverLocalMidnight) {
  // 19:00 local = 11:00 UTC; one hour today, one tomorrow: 09:00 local = 01:00 UTC.
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, utc(2026, 11, 23, 11), 120),
            utc(2026, 11, 24, 1));
}

TEST(AddBusinessMinutesTest, CarriesOverUtcMidnightWestOfUtc) {
  // 02:00 UTC on the 23rd is 20:30 on the 22nd at -05:30: 90 minutes left that day.
  EXPECT_EQ(SlaClock::add_business_minutes(kWest, utc(2026, 11, 23, 2), 120), west(23, 8));
  EXPECT_EQ(west(23, 8), utc(2026, 11, 23, 13, 30));
}

TEST(AddBusinessMinutesTest, ManyWindowsAtOnce) {
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(3, 10), 10 * 12 * 60), sh(13, 10));
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(3, 10), 10 * 12 * 60 + 11 * 60),
            sh(14, 9));
  // Across a month end.
  EXPECT_EQ(SlaClock::add_business_minutes(kShanghai, sh(30, 14), 24 * 60),
            local(480, 2026, 12, 2, 14));
}

TEST(AddBusinessMinutesTest, WholeDayHoursAreWallClock) {
  const BusinessHours all_day{480, 0, 24 * 60};
  EXPECT_EQ(SlaClock::add_business_minutes(all_day, sh(23, 23), 90), sh(24, 0, 30));
  EXPECT_EQ(all_day.window_minutes(), 24 * 60);
}

TEST(AddBusinessMinutesTest, NearTheEpochWestOfUtc) {
  // 1970-01-01T00:00Z is 14:00 on 31 Dec 1969 at -10:00 (local days before the epoch).
  const BusinessHours hawaii{-600, 8 * 60, 20 * 60};
  EXPECT_EQ(SlaClock::add_business_minutes(hawaii, 0, 60), kHour);
  EXPECT_EQ(SlaClock::add_business_minutes(hawaii, 0, 7 * 60), local(-600, 1970, 1, 1, 9));
}

TEST(AddBusinessMinutesTest, BrokenWindowCountsAsWholeDay) {
  const BusinessHours broken{0, 20 * 60, 8 * 60};
  EXPECT_EQ(SlaClock::add_business_minutes(broken, utc(2026, 11, 23, 22), 60),
            utc(2026, 11, 23, 23));
}

TEST(SlaClockTest, P1RunsAroundTheClock) {
  const SlaClock clock;
  const std::int64_t midnight = sh(24, 0);
  const SlaDeadlines due = clock.deadlines(Severity::kP1, kShanghai, midnight, std::nullopt);
  EXPECT_EQ(due.ack_due_ms, midnight + 15 * kMin);
  EXPECT_EQ(due.resolve_due_ms, midnight + 4 * kHour);
}

TEST(SlaClockTest, P2ResolveInBusinessHours) {
  const SlaClock clock;
  const SlaDeadlines due = clock.deadlines(Severity::kP2, kShanghai, sh(23, 16), std::nullopt);
  EXPECT_EQ(due.ack_due_ms, sh(23, 16, 30));
  EXPECT_EQ(due.resolve_due_ms, sh(24, 12));  // 4 h today, 4 h tomorrow
  const SlaDeadlines night = clock.deadlines(Severity::kP2, kShanghai, sh(23, 2), std::nullopt);
  EXPECT_EQ(night.ack_due_ms, sh(23, 2, 30));  // the ack clock is not business time
  EXPECT_EQ(night.resolve_due_ms, sh(23, 16));
}

TEST(SlaClockTest, P3AckInBusinessHoursResolveWithinThreeDays) {
  const SlaClock clock;
  const SlaDeadlines due = clock.deadlines(Severity::kP3, kShanghai, sh(23, 22), std::nullopt);
  EXPECT_EQ(due.ack_due_ms, sh(24, 12));
  EXPECT_EQ(due.resolve_due_ms, sh(26, 22));
}

TEST(SlaClockTest, P3ResolveBeforeThePredictedFailure) {
  const SlaClock clock;
  const std::int64_t opened = sh(23, 10);
  EXPECT_EQ(clock.deadlines(Severity::kP3, kShanghai, opened, sh(24, 18)).resolve_due_ms,
            sh(24, 18));
  EXPECT_EQ(clock.deadlines(Severity::kP3, kShanghai, opened, sh(30, 10)).resolve_due_ms,
            sh(26, 10));
  EXPECT_EQ(clock.deadlines(Severity::kP3, kShanghai, opened, sh(20, 10)).resolve_due_ms, opened);
  // Only P3 looks at the prediction.
  EXPECT_EQ(clock.deadlines(Severity::kP2, kShanghai, opened, sh(23, 11)).resolve_due_ms,
            sh(23, 18));
}

TEST(SlaClockTest, P4BusinessDayIsOneFullWindow) {
  const SlaClock clock;
  const SlaDeadlines afternoon =
      clock.deadlines(Severity::kP4, kShanghai, sh(23, 14), std::nullopt);
  EXPECT_EQ(afternoon.ack_due_ms, sh(24, 14));
  EXPECT_EQ(afternoon.resolve_due_ms, sh(28, 14));
  const SlaDeadlines early = clock.deadlines(Severity::kP4, kShanghai, sh(23, 7), std::nullopt);
  EXPECT_EQ(early.ack_due_ms, sh(23, 20));
  EXPECT_EQ(early.resolve_due_ms, sh(27, 20));
  // A business day is the site's own window: 14.5 h at the west site.
  EXPECT_EQ(clock.deadlines(Severity::kP4, kWest, west(23, 12), std::nullopt).ack_due_ms,
            west(24, 12));
}

TEST(SlaClockTest, PolicyCanBeTightened) {
  SlaPolicy policy = SlaPolicy::design_defaults();
  policy.targets[1].ack = {10, SlaUnit::kMinutes};
  const SlaClock clock(policy);
  EXPECT_EQ(clock.deadlines(Severity::kP2, kShanghai, sh(23, 10), std::nullopt).ack_due_ms,
            sh(23, 10, 10));
}

}  // namespace
}  // namespace wm::tickets
