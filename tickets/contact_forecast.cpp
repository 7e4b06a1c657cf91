#include "tickets/contact_forecast.h"

#include <algorithm>
#include <cmath>

#include "tickets/erlang_c.h"

namespace wm::tickets {
namespace {

constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMinutesPerDay = std::int64_t{24} * 60;

// ISO weekday index, Monday = 0.
std::size_t weekday_index(std::chrono::sys_days day) {
  return std::chrono::weekday{day}.iso_encoding() - 1;
}

// Floor division for times before 1970.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool valid(double value) { return std::isfinite(value) && value >= 0; }

Error out_of_range(const char* field, const char* message) {
  return make_error("out_of_range", field, message);
}

}  // namespace

ContactHistory ContactHistory::from_contacts(std::span<const std::int64_t> contact_ms,
                                             std::chrono::sys_days first_day, int day_count,
                                             int utc_offset_min) {
  ContactHistory history;
  if (day_count <= 0) return history;
  for (int d = 0; d < day_count; ++d) {
    ++history.days[weekday_index(first_day + std::chrono::days{d})];
  }
  const std::int64_t first = first_day.time_since_epoch().count();
  for (const std::int64_t ms : contact_ms) {
    const std::int64_t local_min = floor_div(ms, kMsPerMinute) + utc_offset_min;
    const std::int64_t day = floor_div(local_min, kMinutesPerDay);
    if (day < first || day >= first + day_count) continue;
    const auto hour = static_cast<std::size_t>((local_min - day * kMinutesPerDay) / 60);
    const std::chrono::sys_days local_day{std::chrono::days{day}};
    history.contacts[weekday_index(local_day)][hour] += 1.0;
  }
  return history;
}

double condition_multiplier(const ForecastConditions& conditions, const ForecastParams& params) {
  const double raw = 1.0 + conditions.open_p1_tickets * params.uplift_per_open_p1 +
                     conditions.sites_in_outage * params.uplift_per_site_outage;
  return std::min(raw, params.max_multiplier);
}

Result<std::vector<HourForecast>> forecast_contacts(const ContactHistory& history,
                                                    std::chrono::year_month_day date,
                                                    const ForecastConditions& conditions,
                                                    const ForecastParams& params) {
  if (!date.ok()) return out_of_range("date", "not a calendar date; use YYYY-MM-DD");
  if (conditions.open_p1_tickets < 0 || conditions.sites_in_outage < 0) {
    return out_of_range("conditions", "counts of open P1 tickets and outages must be >= 0");
  }
  if (!valid(params.smoothing_days) || !valid(params.uplift_per_open_p1) ||
      !valid(params.uplift_per_site_outage)) {
    return out_of_range("params", "smoothing and uplifts must be numbers >= 0");
  }
  if (!std::isfinite(params.max_multiplier) || params.max_multiplier < 1) {
    return out_of_range("max_multiplier", "the multiplier cap must be >= 1");
  }
  for (const int days : history.days) {
    if (days < 0) return out_of_range("days", "a history cannot cover a negative number of days");
  }

  // The pooled hour profile: contacts per day at each hour, over all weekdays.
  std::array<double, 24> pooled{};
  double pooled_day_total = 0;
  int all_days = 0;
  for (std::size_t w = 0; w < 7; ++w) all_days += history.days[w];
  if (all_days > 0) {
    for (std::size_t h = 0; h < 24; ++h) {
      for (std::size_t w = 0; w < 7; ++w) pooled[h] += history.contacts[w][h];
      pooled[h] /= all_days;
      pooled_day_total += pooled[h];
    }
  }

  // The weekday's level against the pooled day: a whole day's total is well measured even
  // from a few days, so it is taken as it is; an unseen weekday is an average one.
  const std::size_t w = weekday_index(std::chrono::sys_days{date});
  double level = 1.0;
  if (pooled_day_total > 0 && history.days[w] > 0) {
    double weekday_total = 0;
    for (const double c : history.contacts[w]) weekday_total += c;
    level = weekday_total / history.days[w] / pooled_day_total;
  }

  const double multiplier = condition_multiplier(conditions, params);
  std::vector<HourForecast> hours;
  hours.reserve(24);
  for (std::size_t h = 0; h < 24; ++h) {
    const double prior = pooled[h] * level;
    const double days = history.days[w] + params.smoothing_days;  // 0: unseen weekday, no prior
    const double mean =
        days > 0 ? (history.contacts[w][h] + params.smoothing_days * prior) / days : prior;
    const double expected = mean * multiplier;
    auto agents = agents_needed(expected, params.mean_handle_s, params.target_service_level,
                                params.target_answer_s);
    if (!agents) return agents.error();
    hours.push_back({static_cast<int>(h), expected, *agents});
  }
  return hours;
}

}  // namespace wm::tickets
