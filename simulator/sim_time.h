// Event-time arithmetic for the simulator: ISO-8601 parsing and formatting, UTC
// offsets and the local calendar a site lives by. Times are Unix milliseconds UTC,
// as in the wire protocol (PROTOCOLS.md). Pure functions, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wm::sim {

inline constexpr std::int64_t kMsPerSecond = 1000;
inline constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
inline constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
inline constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

// Parses "2024-03-04T08:00:00Z", "2024-03-04T08:00:00.250+08:00" or "2024-03-04"
// (midnight UTC). A 'T' or a space separates date and time; a time without a zone
// designator is taken as UTC. Returns nullopt for anything else.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

// "2024-03-04T00:00:00.000Z".
std::string format_iso8601_ms(std::int64_t ts_ms);

// "+08:00" -> 480, "-03:30" -> -210; nullopt unless the form is [+-]HH:MM, |offset| <= 14 h.
std::optional<int> parse_utc_offset_min(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

// A moment as seen on a site's wall clock.
struct LocalTime {
  int weekday = 0;    // 0 = Monday ... 6 = Sunday
  double hour = 0.0;  // hours since local midnight, [0, 24)
  [[nodiscard]] bool weekend() const { return weekday >= 5; }
};
LocalTime local_time(std::int64_t ts_ms, int utc_offset_min);

}  // namespace wm::sim
