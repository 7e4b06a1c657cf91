#include "simulator/sim_time.h"

#include <cstdio>

namespace wm::sim {
namespace {

// Reads exactly `width` digits at `pos`; advances pos.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

struct CivilDate {
  int year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's civil_from_days.
CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<int> parse_utc_offset_min(std::string_view text) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  std::size_t pos = 1;
  const auto hours = read_digits(text, pos, 2);
  if (!hours || !expect(text, pos, ':')) return std::nullopt;
  const auto minutes = read_digits(text, pos, 2);
  if (!minutes || *minutes >= 60) return std::nullopt;
  const int total = *hours * 60 + *minutes;
  if (total > 14 * 60) return std::nullopt;
  return text[0] == '-' ? -total : total;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text) {
  std::size_t pos = 0;
  const auto year = read_digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 ||
      static_cast<unsigned>(*day) > days_in_month(*year, static_cast<unsigned>(*month))) {
    return std::nullopt;
  }
  std::int64_t ms =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) *
      kMsPerDay;
  if (pos == text.size()) return ms;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  const auto hour = read_digits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = read_digits(text, pos, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    const auto s = read_digits(text, pos, 2);
    if (!s) return std::nullopt;
    second = *s;
  }
  if (*hour > 23 || *minute > 59 || second > 60) return std::nullopt;
  ms += *hour * kMsPerHour + *minute * kMsPerMinute + second * kMsPerSecond;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ms += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  if (pos == text.size()) return ms;  // no zone designator: UTC
  if (text[pos] == 'Z' || text[pos] == 'z')
    return pos + 1 == text.size() ? std::optional(ms) : std::nullopt;
  const auto offset = parse_utc_offset_min(text.substr(pos));
  if (!offset) return std::nullopt;
  return ms - *offset * kMsPerMinute;
}

std::string format_iso8601_ms(std::int64_t ts_ms) {
  const std::int64_t days = floor_div(ts_ms, kMsPerDay);
  const std::int64_t in_day = ts_ms - days * kMsPerDay;
  const CivilDate date = civil_from_days(days);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", date.year, date.month,
                date.day, static_cast<int>(in_day / kMsPerHour),
                static_cast<int>(in_day / kMsPerMinute % 60),
                static_cast<int>(in_day / kMsPerSecond % 60), static_cast<int>(in_day % 1000));
  return buffer;
}

LocalTime local_time(std::int64_t ts_ms, int utc_offset_min) {
  const std::int64_t local_ms = ts_ms + utc_offset_min * kMsPerMinute;
  const std::int64_t days = floor_div(local_ms, kMsPerDay);
  const std::int64_t in_day = local_ms - days * kMsPerDay;
  // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
  const auto weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);
  return LocalTime{weekday, static_cast<double>(in_day) / static_cast<double>(kMsPerHour)};
}

}  // namespace wm::sim
