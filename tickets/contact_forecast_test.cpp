// Contacts per hour from a weekday x hour history: bucketing by local time, shrinkage of
// thin cells toward the pooled pattern, uplift from open P1 tickets and outages, agents from
// Erlang C.
#include "tickets/contact_forecast.h"

#include <gtest/gtest.h>

#include "tickets/erlang_c.h"

namespace wm::tickets {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr int kShanghai = 480;

// 2026-03-02 is a Monday.
constexpr year_month_day kMonday{year{2026}, month{3}, day{2}};
constexpr year_month_day kTuesday{year{2026}, month{3}, day{3}};
constexpr year_month_day kSunday{year{2026}, month{3}, day{8}};

std::int64_t local_ms(sys_days d, int hour, int offset_min = kShanghai) {
  return d.time_since_epoch().count() * 24 * kHourMs + hour * kHourMs -
         std::int64_t{offset_min} * 60'000;
}

ContactHistory weeks_of(int weeks, const std::array<double, 24>& weekday_pattern,
                        const std::array<double, 24>& weekend_pattern) {
  ContactHistory h;
  for (std::size_t w = 0; w < 7; ++w) {
    h.days[w] = weeks;
    const auto& pattern = w < 5 ? weekday_pattern : weekend_pattern;
    for (std::size_t hour = 0; hour < 24; ++hour) h.contacts[w][hour] = pattern[hour] * weeks;
  }
  return h;
}

// Busy 08:00-20:00, a trickle at 02:00 (a thirtieth of the peak), silent otherwise.
std::array<double, 24> business_pattern(double peak) {
  std::array<double, 24> p{};
  for (std::size_t hour = 8; hour < 20; ++hour) p[hour] = peak;
  p[2] = peak / 30;
  return p;
}

TEST(ContactHistoryTest, BucketsByLocalWeekdayAndHourInsideTheWindow) {
  const sys_days first{kMonday};
  const std::vector<std::int64_t> contacts = {
      local_ms(first, 8),                 // Monday 08:00 local (Sunday 00:00 UTC)
      local_ms(first, 23) + 59 * 60'000,  // Monday 23:59
      local_ms(first + days{1}, 0),       // Tuesday 00:00
      local_ms(first + days{7}, 9),       // the next Monday, 09:00
      local_ms(first - days{1}, 9),       // before the window
      local_ms(first + days{14}, 9),      // after it
  };
  const auto h = ContactHistory::from_contacts(contacts, first, 14, kShanghai);
  EXPECT_EQ(h.days, (std::array<int, 7>{2, 2, 2, 2, 2, 2, 2}));
  EXPECT_EQ(h.contacts[0][8], 1);
  EXPECT_EQ(h.contacts[0][23], 1);
  EXPECT_EQ(h.contacts[1][0], 1);
  EXPECT_EQ(h.contacts[0][9], 1);
  EXPECT_EQ(h.contacts[6][9], 0);
}

TEST(ContactHistoryTest, WindowsOfPartialWeeksAndNegativeOffsets) {
  const sys_days first{kSunday};
  const std::vector<std::int64_t> contacts = {local_ms(first, 23, -300)};
  const auto h = ContactHistory::from_contacts(contacts, first, 3, -300);  // Sun, Mon, Tue
  EXPECT_EQ(h.days, (std::array<int, 7>{1, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(h.contacts[6][23], 1);
  EXPECT_EQ(ContactHistory::from_contacts(contacts, first, 0, 0).days, (std::array<int, 7>{}));
}

TEST(ContactForecastTest, SteadyHistoryIsForecastAsItIs) {
  const auto history = weeks_of(4, business_pattern(30), business_pattern(10));
  auto f = forecast_contacts(history, kTuesday, {});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  ASSERT_EQ(f->size(), 24u);
  for (int hour = 0; hour < 24; ++hour) EXPECT_EQ((*f)[hour].hour, hour);
  EXPECT_NEAR((*f)[9].expected_contacts, 30, 1e-9);
  EXPECT_NEAR((*f)[2].expected_contacts, 1, 1e-9);
  EXPECT_NEAR((*f)[4].expected_contacts, 0, 1e-9);
  auto sunday = forecast_contacts(history, kSunday, {});
  EXPECT_NEAR((*sunday)[9].expected_contacts, 10, 1e-9);
}

TEST(ContactForecastTest, ThinCellsShrinkTowardThePooledPattern) {
  auto history = weeks_of(4, business_pattern(30), business_pattern(30));
  history.contacts[0][9] = 4 * 60;  // Mondays at 09:00 ran double
  ForecastParams params;
  params.smoothing_days = 2;
  auto f = forecast_contacts(history, kMonday, {}, params);
  const double monday9 = (*f)[9].expected_contacts;
  EXPECT_GT(monday9, 40);  // most of the Monday peak survives ...
  EXPECT_LT(monday9, 60);  // ... but not all of it from four samples
  params.smoothing_days = 0;
  EXPECT_NEAR((*forecast_contacts(history, kMonday, {}, params))[9].expected_contacts, 60, 1e-9);
}

TEST(ContactForecastTest, UnseenWeekdayFollowsThePooledPattern) {
  auto history = weeks_of(4, business_pattern(20), business_pattern(20));
  history.days[6] = 0;
  history.contacts[6] = {};
  auto f = forecast_contacts(history, kSunday, {});
  EXPECT_NEAR((*f)[10].expected_contacts, 20, 1e-9);
  ForecastParams no_prior;
  no_prior.smoothing_days = 0;
  EXPECT_NEAR((*forecast_contacts(history, kSunday, {}, no_prior))[10].expected_contacts, 20, 1e-9);
}

TEST(ContactForecastTest, OpenP1TicketsAndOutagesRaiseEveryHour) {
  const auto history = weeks_of(4, business_pattern(40), business_pattern(40));
  const ForecastConditions conditions{.open_p1_tickets = 2, .sites_in_outage = 1};
  EXPECT_DOUBLE_EQ(condition_multiplier(conditions, {}), 1.35);
  auto f = forecast_contacts(history, kTuesday, conditions);
  EXPECT_NEAR((*f)[12].expected_contacts, 40 * 1.35, 1e-9);
  EXPECT_NEAR((*f)[2].expected_contacts, 40 / 30.0 * 1.35, 1e-9);
  EXPECT_DOUBLE_EQ(condition_multiplier({.open_p1_tickets = 100, .sites_in_outage = 9}, {}), 3.0);
}

TEST(ContactForecastTest, AgentsComeFromErlangCForEachHour) {
  const auto history = weeks_of(4, business_pattern(200), business_pattern(50));
  ForecastParams params;
  params.mean_handle_s = 180;
  auto f = forecast_contacts(history, kTuesday, {}, params);
  EXPECT_EQ((*f)[9].agents_needed, 14);  // 200 calls an hour at 180 s, 80/20
  EXPECT_EQ((*f)[4].agents_needed, 0);
  for (const HourForecast& h : *f) {
    EXPECT_EQ(h.agents_needed, *agents_needed(h.expected_contacts, 180, 0.8, 20));
  }
  params.target_service_level = 0.95;
  EXPECT_GT((*forecast_contacts(history, kTuesday, {}, params))[9].agents_needed, 14);
}

TEST(ContactForecastTest, EmptyHistoryForecastsNothing) {
  auto f = forecast_contacts(ContactHistory{}, kMonday, {});
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 24u);
  for (const HourForecast& h : *f) {
    EXPECT_EQ(h.expected_contacts, 0);
    EXPECT_EQ(h.agents_needed, 0);
  }
}

TEST(ContactForecastTest, RejectsWhatCannotBeForecast) {
  const ContactHistory history = weeks_of(1, business_pattern(5), business_pattern(5));
  const year_month_day feb30{year{2026}, month{2}, day{30}};
  EXPECT_EQ(forecast_contacts(history, feb30, {}).error().field, "date");
  EXPECT_EQ(forecast_contacts(history, kMonday, {.open_p1_tickets = -1}).error().field,
            "conditions");
  ForecastParams params;
  params.max_multiplier = 0.5;
  EXPECT_EQ(forecast_contacts(history, kMonday, {}, params).error().field, "max_multiplier");
  params = {};
  params.mean_handle_s = 0;
  EXPECT_EQ(forecast_contacts(history, kMonday, {}, params).error().field, "mean_handle_s");
  params = {};
  params.smoothing_days = -1;
  EXPECT_EQ(forecast_contacts(history, kMonday, {}, params).error().field, "params");
}

}  // namespace
}  // namespace wm::tickets
