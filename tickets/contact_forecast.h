// Hotline contacts expected in each hour of a day, and the agents they need (DESIGN.md
// "Hotline"; API.md GET /hotline/forecast; issue 7 item 4).
//
// Seasonality is weekday x hour, learnt from a history of contacts bucketed by local time.
// A cell seen on few days is noisy (four Tuesdays give four samples of 09:00), so each
// cell's mean is shrunk toward what the rest of the history predicts for it: the hour's
// mean over all weekdays, scaled by the weekday's level (its mean day against the mean day
// of all weekdays; a day's total is well measured from few days, so it is not shrunk).
// `smoothing_days` is the weight of that prior in days of data: a cell with many days
// follows its own data, an unseen weekday follows the pooled pattern. Hours are not
// smoothed into each other: the 08:00 opening is a real edge.
//
// Conditions now (open P1 tickets, sites in an outage) raise every hour by a multiplier,
// 1 + p1 x uplift_per_open_p1 + outages x uplift_per_site_outage, capped at max_multiplier:
// a broken machine makes people call. The caller decides whether the conditions apply
// to the date asked (today: yes; a date next week: probably not).
//
// Contract: pure; no clock is read. Times are Unix milliseconds, days are local civil days.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "protocols/result.h"

namespace wm::tickets {

// Contacts per local weekday and hour, and how many days of each weekday the history
// covers (a weekday with no contacts but covered days is a quiet weekday, not a gap).
struct ContactHistory {
  // contacts[weekday][hour], weekday 0 = Monday ... 6 = Sunday (ISO 8601).
  std::array<std::array<double, 24>, 7> contacts{};
  std::array<int, 7> days{};

  // Buckets `contact_ms` by the local time at `utc_offset_min`. The history covers
  // `day_count` whole local days starting at `first_day`; contacts outside it are ignored.
  static ContactHistory from_contacts(std::span<const std::int64_t> contact_ms,
                                      std::chrono::sys_days first_day, int day_count,
                                      int utc_offset_min);
};

struct ForecastConditions {
  int open_p1_tickets = 0;
  int sites_in_outage = 0;
};

struct ForecastParams {
  double mean_handle_s = 180;  // from history; the gateway should measure it
  double target_service_level = 0.8;
  double target_answer_s = 20;
  double smoothing_days = 2.0;
  double uplift_per_open_p1 = 0.05;
  double uplift_per_site_outage = 0.25;
  double max_multiplier = 3.0;
};

struct HourForecast {
  int hour = 0;  // local hour, 0-23
  double expected_contacts = 0;
  int agents_needed = 0;  // Erlang C for the params' service level
};

// The multiplier the conditions apply (see the file comment).
double condition_multiplier(const ForecastConditions& conditions, const ForecastParams& params);

// 24 entries, hour 0 to 23, for the local civil day `date`. Empty history gives zeros.
// Errors (code "out_of_range", field named): negative conditions or params, a multiplier
// cap below 1, or an Erlang C argument agents_needed() refuses.
Result<std::vector<HourForecast>> forecast_contacts(const ContactHistory& history,
                                                    std::chrono::year_month_day date,
                                                    const ForecastConditions& conditions,
                                                    const ForecastParams& params = {});

}  // namespace wm::tickets
