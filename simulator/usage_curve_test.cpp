#include "simulator/usage_curve.h"

#include <gtest/gtest.h>

#include <cmath>

namespace wm::sim {
namespace {

constexpr SiteKind kAllKinds[] = {SiteKind::kSchool, SiteKind::kCommunity, SiteKind::kMall};

LocalTime weekday_at(double hour) { return LocalTime{2, hour}; }  // a Wednesday
LocalTime weekend_at(double hour) { return LocalTime{5, hour}; }  // a Saturday

// Integral of the curve over [from, to) local hours, by the minute.
double volume(SiteKind kind, bool weekend, double from, double to) {
  double total = 0;
  for (double h = from; h < to; h += 1.0 / 60) {
    total += dispenses_per_hour(kind, LocalTime{weekend ? 6 : 1, h}) / 60;
  }
  return total;
}

TEST(UsageCurveTest, SiteKindNamesRoundTrip) {
  for (SiteKind kind : kAllKinds) EXPECT_EQ(site_kind_from_string(to_string(kind)), kind);
  EXPECT_FALSE(site_kind_from_string("hospital").has_value());
}

TEST(UsageCurveTest, SchoolsAreNearlyIdleOnWeekends) {
  EXPECT_GT(dispenses_per_day(SiteKind::kSchool, false),
            10 * dispenses_per_day(SiteKind::kSchool, true));
}

TEST(UsageCurveTest, MallsAndCommunitiesAreBusierOnWeekends) {
  EXPECT_GT(dispenses_per_day(SiteKind::kMall, true),
            1.4 * dispenses_per_day(SiteKind::kMall, false));
  EXPECT_GT(dispenses_per_day(SiteKind::kCommunity, true),
            dispenses_per_day(SiteKind::kCommunity, false));
}

TEST(UsageCurveTest, NightIsFarQuieterThanNoon) {
  for (SiteKind kind : kAllKinds) {
    for (bool weekend : {false, true}) {
      const LocalTime night{weekend ? 5 : 2, 3.0};
      const LocalTime noon{weekend ? 5 : 2, 12.5};
      EXPECT_LT(20 * dispenses_per_hour(kind, night), dispenses_per_hour(kind, noon))
          << to_string(kind) << (weekend ? " weekend" : " weekday");
    }
  }
}

TEST(UsageCurveTest, BusyHoursCarryMostOfTheDay) {
  for (SiteKind kind : kAllKinds) {
    const double day = volume(kind, false, 0, 24);
    EXPECT_GT(volume(kind, false, 8, 20), 0.7 * day) << to_string(kind);
  }
}

TEST(UsageCurveTest, PeaksAtLunchAndAfterSchoolOrWork) {
  // School: lunch beats mid-morning lessons, classes ending beat early afternoon.
  EXPECT_GT(dispenses_per_hour(SiteKind::kSchool, weekday_at(12.5)),
            dispenses_per_hour(SiteKind::kSchool, weekday_at(9.5)));
  EXPECT_GT(dispenses_per_hour(SiteKind::kSchool, weekday_at(16.5)),
            dispenses_per_hour(SiteKind::kSchool, weekday_at(14.5)));
  // Community: the evening after work is the peak of a weekday.
  EXPECT_GT(dispenses_per_hour(SiteKind::kCommunity, weekday_at(18.5)),
            dispenses_per_hour(SiteKind::kCommunity, weekday_at(14.5)));
  // Mall: closed before 10:00, lunch and dinner peaks.
  EXPECT_LT(dispenses_per_hour(SiteKind::kMall, weekday_at(8.0)), 0.2);
  EXPECT_GT(dispenses_per_hour(SiteKind::kMall, weekday_at(12.5)),
            dispenses_per_hour(SiteKind::kMall, weekday_at(15.0)));
}

TEST(UsageCurveTest, DailyTotalIsTheIntegralAndPeakIsAnEnvelope) {
  for (SiteKind kind : kAllKinds) {
    for (bool weekend : {false, true}) {
      EXPECT_NEAR(volume(kind, weekend, 0, 24), dispenses_per_day(kind, weekend), 0.05);
      for (double h = 0; h < 24; h += 0.05) {
        const double rate = dispenses_per_hour(kind, weekend ? weekend_at(h) : weekday_at(h));
        ASSERT_GT(rate, 0.0);
        ASSERT_LE(rate, peak_dispenses_per_hour(kind));
      }
    }
  }
}

TEST(UsageCurveTest, RateHasNoSteps) {
  for (SiteKind kind : kAllKinds) {
    for (double h = 0; h + 1.0 / 60 < 24; h += 1.0 / 60) {
      const double now = dispenses_per_hour(kind, weekday_at(h));
      const double next = dispenses_per_hour(kind, weekday_at(h + 1.0 / 60));
      ASSERT_LT(std::abs(next - now), 0.5) << to_string(kind) << " at " << h;
    }
  }
}

}  // namespace
}  // namespace wm::sim
