#include "simulator/usage_curve.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace wm::sim {
namespace {

using HourlyRates = std::array<double, 24>;

// Dispenses per hour for each local hour [h, h+1), typical machine.
// clang-format off
constexpr HourlyRates kSchoolWeekday = {
    0.05, 0.05, 0.05, 0.05, 0.05, 0.1,  0.5,  6.0,    // 00-07 arrival from 07:00
    8.0,  7.0,  12.0, 9.0,  16.0, 9.0,  7.0,  8.0,    // 08-15 break 10:00, lunch 12:00
    12.0, 9.0,  3.0,  2.0,  1.5,  0.8,  0.2,  0.05};  // 16-23 classes end, evening study
constexpr HourlyRates kSchoolWeekend = {
    0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2,    // a few boarders and staff
    0.6,  0.6,  0.7,  0.6,  0.8,  0.6,  0.5,  0.5,
    0.5,  0.4,  0.2,  0.2,  0.1,  0.05, 0.02, 0.02};
constexpr HourlyRates kCommunityWeekday = {
    0.1,  0.1,  0.1,  0.1,  0.1,  0.1,  1.5,  5.0,    // before work
    4.0,  2.5,  2.0,  3.0,  4.0,  2.5,  2.0,  2.0,    // home cooking at lunch
    3.0,  5.0,  7.0,  6.5,  4.0,  2.5,  1.0,  0.3};   // after work
constexpr HourlyRates kCommunityWeekend = {
    0.1,  0.1,  0.1,  0.1,  0.1,  0.1,  0.5,  1.5,
    4.0,  5.0,  5.0,  5.0,  5.5,  4.0,  3.5,  3.5,
    4.5,  6.0,  7.0,  6.0,  4.5,  3.0,  1.2,  0.4};
constexpr HourlyRates kMallWeekday = {
    0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02,   // closed
    0.1,  0.3,  2.0,  3.5,  6.0,  5.0,  3.0,  3.0,    // opens 10:00, lunch
    3.5,  4.5,  6.0,  5.5,  4.0,  2.5,  0.3,  0.02};  // after work, closes 22:00
constexpr HourlyRates kMallWeekend = {
    0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02,
    0.1,  0.4,  4.0,  6.0,  9.0,  9.0,  8.0,  8.0,
    8.0,  8.0,  9.0,  8.0,  6.0,  4.0,  0.5,  0.02};
// clang-format on

const HourlyRates& table(SiteKind kind, bool weekend) {
  switch (kind) {
    case SiteKind::kSchool:
      return weekend ? kSchoolWeekend : kSchoolWeekday;
    case SiteKind::kCommunity:
      return weekend ? kCommunityWeekend : kCommunityWeekday;
    case SiteKind::kMall:
      break;
  }
  return weekend ? kMallWeekend : kMallWeekday;
}

}  // namespace

std::string_view to_string(SiteKind kind) {
  switch (kind) {
    case SiteKind::kSchool:
      return "school";
    case SiteKind::kCommunity:
      return "community";
    case SiteKind::kMall:
      break;
  }
  return "mall";
}

std::optional<SiteKind> site_kind_from_string(std::string_view name) {
  if (name == "school") return SiteKind::kSchool;
  if (name == "community") return SiteKind::kCommunity;
  if (name == "mall") return SiteKind::kMall;
  return std::nullopt;
}

double dispenses_per_hour(SiteKind kind, const LocalTime& at) {
  // Each table value is the rate at the midpoint of its hour; between midpoints the
  // rate moves linearly. Around midnight the neighbour is the same day type's other
  // end, which keeps the curve continuous within a day type.
  const HourlyRates& rates = table(kind, at.weekend());
  const double x = std::clamp(at.hour, 0.0, 24.0) - 0.5;
  const double floor_x = std::floor(x);
  const double frac = x - floor_x;
  const auto lower = static_cast<int>((static_cast<int>(floor_x) + 24) % 24);
  const int upper = (lower + 1) % 24;
  return rates[static_cast<std::size_t>(lower)] * (1.0 - frac) +
         rates[static_cast<std::size_t>(upper)] * frac;
}

double peak_dispenses_per_hour(SiteKind kind) {
  const HourlyRates& weekday = table(kind, false);
  const HourlyRates& weekend = table(kind, true);
  return std::max(*std::max_element(weekday.begin(), weekday.end()),
                  *std::max_element(weekend.begin(), weekend.end()));
}

double dispenses_per_day(SiteKind kind, bool weekend) {
  // The linear interpolation between midpoints preserves the plain sum.
  const HourlyRates& rates = table(kind, weekend);
  double total = 0.0;
  for (double r : rates) total += r;
  return total;
}

}  // namespace wm::sim
