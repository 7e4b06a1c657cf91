// The staffing forecast through the API: people's reports (opened tickets and joined
// calls) become a weekday x hour history in local time, today's open P1 tickets and site
// outages raise it, agents follow Erlang C, and bad input answers 400 naming the field.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "gateway/api_test_util.h"
#include "gateway/ticket_fixture.h"
#include "tickets/erlang_c.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::body;
using testing::expect_error;
using namespace std::chrono;
using testing::TicketFixture;

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kMinute = 60'000;

// Unix ms of a local time at +08:00 (the test inventory's offset and the default).
std::int64_t local_ms(year_month_day day, int hour, int minute = 0) {
  return (sys_days{day}.time_since_epoch().count() * 24 * kHour) + (hour - 8) * kHour +
         minute * kMinute;
}

// The fixture's clock starts on 2026-09-21. The history of Monday 2026-10-26 is
// 2026-09-28 .. 2026-10-25: four Mondays with three calls at 09:xx (one opens a ticket,
// the others join it) and four Tuesdays with one app report at 15:00.
struct Forecast : TicketFixture {
  static constexpr year_month_day kMonday{year{2026}, month{10}, day{26}};

  Forecast() { agent = token("agent", "op-1"); }

  void at(std::int64_t ms) {
    ASSERT_GE(ms, clock.now_ms());
    clock.advance_ms(ms - clock.now_ms());
  }
  HttpResponse report(const std::string& device, const std::string& kind,
                      const std::string& channel, const std::string& who) {
    json b = {{"device_id", device},
              {"text", "caller reports " + kind},
              {"channel", channel},
              {"kind", kind}};
    return call("POST", "/api/v1/tickets", who, b.dump());
  }
  void build_history() {
    auto pm7 = token("property", "pm-7");
    // Before the window: not counted.
    at(local_ms(year_month_day{sys_days{kMonday} - days{33}}, 9));
    ASSERT_EQ(report("wm-0002", "dispense_failure", "phone", agent).status, 201);
    for (int week = 4; week >= 1; --week) {
      const year_month_day monday{sys_days{kMonday} - days{7 * week}};
      for (int call = 0; call < 3; ++call) {
        at(local_ms(monday, 9, 10 * call));
        auto r = report("wm-0001", "card_service", "phone", agent);
        ASSERT_TRUE(r.status == 201 || r.status == 200) << r.body;
      }
      // A property manager's report and a sensor-born ticket are not hotline contacts.
      at(local_ms(monday, 11));
      ASSERT_LT(report("wm-0002", "heater_fault", "property", pm7).status, 300);
      const year_month_day tuesday{sys_days{monday} + days{1}};
      at(local_ms(tuesday, 15));
      auto r = report("wm-0003", "pump_fault", "app", agent);
      ASSERT_TRUE(r.status == 201 || r.status == 200) << r.body;
    }
  }
  json forecast(std::map<std::string, std::string> query) {
    auto r = call("GET", "/api/v1/hotline/forecast", agent, "", std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    return body(r);
  }
  std::string agent;
};

std::string text(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()),
                unsigned(d.day()));
  return buf;
}

TEST(ApiForecastTest, WeekdayByHourSeasonalityFromPeoplesReports) {
  Forecast g;
  g.build_history();
  g.at(local_ms(year_month_day{sys_days{Forecast::kMonday} - days{1}}, 12));  // the day before

  auto monday = g.forecast({{"date", text(Forecast::kMonday)}});
  EXPECT_EQ(monday["date"], "2026-10-26");
  ASSERT_EQ(monday["hours"].size(), 24u);
  EXPECT_EQ(monday["history_days"], 28);
  EXPECT_EQ(monday["history_contacts"], 16);  // 12 calls on Mondays, 4 on Tuesdays
  EXPECT_EQ(monday["conditions_apply"], false);
  EXPECT_EQ(monday["mean_handle_s"], 300.0);
  EXPECT_EQ(monday["mean_handle_from"], "default");
  EXPECT_EQ(monday["service_level"], 0.8);
  EXPECT_EQ(monday["answer_s"], 20.0);
  // Monday 09:00 had 3 calls each of 4 Mondays, shrunk toward the pooled profile scaled by
  // Monday's level: (12 + 2 x 2.25) / (4 + 2) = 2.75. 15:00 borrows from Tuesdays: 0.25.
  for (const auto& h : monday["hours"]) {
    const int hour = h["hour"];
    const double expected = hour == 9 ? 2.75 : hour == 15 ? 0.25 : 0.0;
    EXPECT_NEAR(h["expected_contacts"].get<double>(), expected, 1e-9) << "hour " << hour;
    auto agents = tickets::agents_needed(h["expected_contacts"].get<double>(), 300, 0.8, 20);
    ASSERT_TRUE(agents.ok());
    EXPECT_EQ(h["agents_needed"], *agents) << "hour " << hour;
  }
  EXPECT_GE(monday["hours"][9]["agents_needed"].get<int>(), 1);
  EXPECT_EQ(monday["hours"][3]["agents_needed"], 0);

  // Tuesday 2026-10-27 (history 09-29 .. 10-26: three Mondays of calls, four Tuesdays).
  auto tuesday = g.forecast({{"date", "2026-10-27"}});
  EXPECT_NEAR(tuesday["hours"][15]["expected_contacts"].get<double>(), 10.0 / 13, 1e-9);
  EXPECT_NEAR(tuesday["hours"][9]["expected_contacts"].get<double>(), 3.0 / 13, 1e-9);

  // The service level and handling time are the caller's to choose.
  auto strict = g.forecast({{"date", text(Forecast::kMonday)},
                            {"service_level", "0.95"},
                            {"answer_s", "10"},
                            {"handle_s", "900"}});
  EXPECT_EQ(strict["mean_handle_from"], "query");
  const int nine = strict["hours"][9]["agents_needed"];
  EXPECT_EQ(nine, *tickets::agents_needed(2.75, 900, 0.95, 10));
  EXPECT_GT(nine, monday["hours"][9]["agents_needed"].get<int>());
}

TEST(ApiForecastTest, TodaysOpenP1TicketsAndOutagesRaiseTodayOnly) {
  Forecast g;
  g.build_history();
  g.at(local_ms(Forecast::kMonday, 7));  // today is the Monday
  auto calm = g.forecast({{"date", text(Forecast::kMonday)}});
  EXPECT_EQ(calm["conditions_apply"], true);
  EXPECT_EQ(calm["open_p1_tickets"], 0);
  EXPECT_NEAR(calm["hours"][9]["expected_contacts"].get<double>(), 2.75, 1e-9);

  ASSERT_EQ(g.report("wm-0001", "leak", "phone", g.agent).status, 201);               // P1
  ASSERT_EQ(g.report("wm-0003", "site_power_outage", "phone", g.agent).status, 201);  // P1
  auto raised = g.forecast({{"date", text(Forecast::kMonday)}});
  EXPECT_EQ(raised["open_p1_tickets"], 2);
  EXPECT_EQ(raised["sites_in_outage"], 1);
  // 1 + 2 x 0.05 + 1 x 0.25
  EXPECT_NEAR(raised["hours"][9]["expected_contacts"].get<double>(), 2.75 * 1.35, 1e-9);

  auto next_week = g.forecast({{"date", "2026-11-02"}});
  EXPECT_EQ(next_week["conditions_apply"], false);
  EXPECT_EQ(next_week["open_p1_tickets"], 0);
  EXPECT_EQ(next_week["sites_in_outage"], 0);
}

TEST(ApiForecastTest, LocalDaysFollowTheOffset) {
  Forecast g;
  // 09:00 at +08:00 is 01:00 UTC, and 20:00 the day before at -05:00.
  g.at(local_ms(year_month_day{sys_days{Forecast::kMonday} - days{7}}, 9));
  ASSERT_EQ(g.report("wm-0001", "card_service", "phone", g.agent).status, 201);
  g.at(local_ms(year_month_day{sys_days{Forecast::kMonday} - days{1}}, 12));
  auto east = g.forecast({{"date", "2026-10-26"}});
  EXPECT_GT(east["hours"][9]["expected_contacts"].get<double>(), 0);
  EXPECT_EQ(east["site_offset"], "+08:00");
  auto west = g.forecast({{"date", "2026-10-25"}, {"site_offset", "-05:00"}});
  EXPECT_GT(west["hours"][20]["expected_contacts"].get<double>(), 0);
  EXPECT_EQ(west["hours"][9]["expected_contacts"], 0.0);
  EXPECT_EQ(west["site_offset"], "-05:00");
}

TEST(ApiForecastTest, BadInputAnswers400AndRolesAreChecked) {
  Forecast g;
  for (const char* date : {"2026-02-30", "2026-1-05", "tomorrow", "2026-10-26T00:00:00Z", ""}) {
    auto r = g.call("GET", "/api/v1/hotline/forecast", g.agent, "", {{"date", date}});
    expect_error(r, 400, "bad_request");
    EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("date"), std::string::npos)
        << date;
  }
  expect_error(g.call("GET", "/api/v1/hotline/forecast", g.agent), 400, "bad_request");
  for (auto [name, value] : {std::pair{"service_level", "1.5"}, std::pair{"service_level", "x"},
                             std::pair{"answer_s", "-1"}, std::pair{"handle_s", "0"},
                             std::pair{"site_offset", "+25:00"}, std::pair{"site_offset", "8"}}) {
    auto r = g.call("GET", "/api/v1/hotline/forecast", g.agent, "",
                    {{"date", "2026-10-26"}, {name, value}});
    expect_error(r, 400, "bad_request");
    EXPECT_NE(body(r)["error"]["message"].get<std::string>().find(name), std::string::npos)
        << name << "=" << value;
  }
  const std::map<std::string, std::string> ok = {{"date", "2026-10-26"}};
  EXPECT_EQ(g.call("GET", "/api/v1/hotline/forecast", g.token("operator", "op-1"), "", ok).status,
            200);
  EXPECT_EQ(g.call("GET", "/api/v1/hotline/forecast", g.token("admin", ""), "", ok).status, 200);
  expect_error(g.call("GET", "/api/v1/hotline/forecast", g.token("property", "pm-7"), "", ok), 403,
               "forbidden");
  expect_error(g.call("GET", "/api/v1/hotline/forecast", g.token("selfservice", "ivr"), "", ok),
               403, "forbidden");
  expect_error(g.call("POST", "/api/v1/hotline/forecast", g.agent, "{}", ok), 405,
               "method_not_allowed");
  // An empty history forecasts no contacts and needs no agents.
  auto empty = body(g.call("GET", "/api/v1/hotline/forecast", g.agent, "", ok));
  ASSERT_EQ(empty["hours"].size(), 24u);
  for (const auto& h : empty["hours"]) EXPECT_EQ(h["agents_needed"], 0);
}

}  // namespace
}  // namespace wm::gateway
