// Business-time arithmetic in the site's local time: shift to local milliseconds, walk
// the daily windows, shift back. Whole windows are skipped in one step, so a deadline
// five business days out costs the same as one an hour out.
#include "tickets/sla_clock.h"

#include <algorithm>
#include <cstdlib>

namespace wm::tickets {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMinutes = std::int64_t{24} * 60;
constexpr std::int64_t kDayMs = kDayMinutes * kMinuteMs;
constexpr std::int64_t kHourMinutes = 60;

// Floor division: local days before 1970 (or west of UTC near the epoch) round down.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Window {
  std::int64_t start_min;
  std::int64_t end_min;
};

Window window_of(const BusinessHours& hours) {
  if (hours.start_min < 0 || hours.end_min > kDayMinutes || hours.start_min >= hours.end_min) {
    return Window{0, kDayMinutes};
  }
  return Window{hours.start_min, hours.end_min};
}

}  // namespace

BusinessHours BusinessHours::of(const devices::Site& site) {
  return BusinessHours{site.utc_offset_min, site.business_start_min, site.business_end_min};
}

std::int64_t BusinessHours::window_minutes() const {
  const Window w = window_of(*this);
  return w.end_min - w.start_min;
}

bool BusinessHours::is_open_at(std::int64_t at_ms) const {
  const Window w = window_of(*this);
  const std::int64_t local = at_ms + std::int64_t{utc_offset_min} * kMinuteMs;
  const std::int64_t into_day = local - floor_div(local, kDayMs) * kDayMs;
  return into_day >= w.start_min * kMinuteMs && into_day < w.end_min * kMinuteMs;
}

SlaPolicy SlaPolicy::design_defaults() {
  SlaPolicy policy;
  // P1 ack 15 min / resolve 4 h around the clock.
  policy.targets[0] = {{15, SlaUnit::kMinutes}, {4 * kHourMinutes, SlaUnit::kMinutes}, false};
  // P2 ack 30 min / resolve 8 business hours.
  policy.targets[1] = {
      {30, SlaUnit::kMinutes}, {8 * kHourMinutes, SlaUnit::kBusinessMinutes}, false};
  // P3 ack 4 business hours / resolve before the predicted failure or within 3 days.
  policy.targets[2] = {
      {4 * kHourMinutes, SlaUnit::kBusinessMinutes}, {3 * kDayMinutes, SlaUnit::kMinutes}, true};
  // P4 ack 1 business day / resolve 5 business days.
  policy.targets[3] = {{1, SlaUnit::kBusinessDays}, {5, SlaUnit::kBusinessDays}, false};
  return policy;
}

const SlaTarget& SlaPolicy::target(devices::Severity severity) const {
  const auto index = static_cast<std::size_t>(severity) - 1;
  if (index >= targets.size()) std::abort();  // a cast of garbage: a bug, not input
  return targets[index];
}

SlaClock::SlaClock(SlaPolicy policy) : policy_(policy) {}

SlaDeadlines SlaClock::deadlines(devices::Severity severity, const BusinessHours& hours,
                                 std::int64_t opened_at_ms,
                                 std::optional<std::int64_t> predicted_failure_at_ms) const {
  const SlaTarget& target = policy_.target(severity);
  SlaDeadlines out;
  out.ack_due_ms = add(hours, opened_at_ms, target.ack);
  out.resolve_due_ms = add(hours, opened_at_ms, target.resolve);
  if (target.resolve_before_predicted_failure && predicted_failure_at_ms) {
    out.resolve_due_ms =
        std::max(opened_at_ms, std::min(out.resolve_due_ms, *predicted_failure_at_ms));
  }
  return out;
}

std::int64_t SlaClock::add(const BusinessHours& hours, std::int64_t start_ms, SlaSpan span) {
  switch (span.unit) {
    case SlaUnit::kMinutes:
      return start_ms + span.amount * kMinuteMs;
    case SlaUnit::kBusinessMinutes:
      return add_business_minutes(hours, start_ms, span.amount);
    case SlaUnit::kBusinessDays:
      return add_business_minutes(hours, start_ms, span.amount * hours.window_minutes());
  }
  std::abort();
}

std::int64_t SlaClock::add_business_minutes(const BusinessHours& hours, std::int64_t start_ms,
                                            std::int64_t minutes) {
  const Window w = window_of(hours);
  const std::int64_t offset_ms = std::int64_t{hours.utc_offset_min} * kMinuteMs;
  const std::int64_t open_ms = w.start_min * kMinuteMs;
  const std::int64_t close_ms = w.end_min * kMinuteMs;
  const std::int64_t window_ms = close_ms - open_ms;

  std::int64_t local = start_ms + offset_ms;
  std::int64_t day = floor_div(local, kDayMs);
  std::int64_t into_day = local - day * kDayMs;
  if (into_day < open_ms) {
    into_day = open_ms;  // before opening: count from today's opening
  } else if (into_day >= close_ms) {
    ++day;  // at or after closing: count from tomorrow's opening
    into_day = open_ms;
  }

  std::int64_t left_ms = std::max<std::int64_t>(0, minutes) * kMinuteMs;
  const std::int64_t rest_of_today = close_ms - into_day;
  if (left_ms <= rest_of_today) return day * kDayMs + into_day + left_ms - offset_ms;
  left_ms -= rest_of_today;
  // Whole windows first; a remainder of exactly one window ends at that day's closing.
  const std::int64_t full_days = (left_ms - 1) / window_ms;
  day += 1 + full_days;
  left_ms -= full_days * window_ms;
  return day * kDayMs + open_ms + left_ms - offset_ms;
}

}  // namespace wm::tickets
