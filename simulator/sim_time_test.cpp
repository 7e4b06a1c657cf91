#include "simulator/sim_time.h"

#include <gtest/gtest.h>

namespace wm::sim {
namespace {

constexpr std::int64_t kMonday20240304Utc = 1709510400000;  // 2024-03-04T00:00:00Z

TEST(SimTimeTest, ParsesUtcAndOffsets) {
  EXPECT_EQ(parse_iso8601_ms("2024-03-04T00:00:00Z"), kMonday20240304Utc);
  EXPECT_EQ(parse_iso8601_ms("2024-03-04"), kMonday20240304Utc);
  EXPECT_EQ(parse_iso8601_ms("2024-03-04T08:00:00+08:00"), kMonday20240304Utc);
  EXPECT_EQ(parse_iso8601_ms("2024-03-04T00:00:00.250Z"), kMonday20240304Utc + 250);
  EXPECT_EQ(parse_iso8601_ms("2024-03-04T00:00Z"), kMonday20240304Utc);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00Z"), 0);
}

TEST(SimTimeTest, RejectsMalformedTimes) {
  for (const char* bad : {"", "now", "2024-13-01", "2024-02-30T00:00:00Z", "2024-03-04T25:00Z",
                          "2024-03-04T00:00:00+8", "2024-03-04T00:00:00Zjunk", "24-03-04"}) {
    EXPECT_FALSE(parse_iso8601_ms(bad).has_value()) << bad;
  }
}

TEST(SimTimeTest, FormatRoundTrips) {
  EXPECT_EQ(format_iso8601_ms(kMonday20240304Utc + 1), "2024-03-04T00:00:00.001Z");
  EXPECT_EQ(parse_iso8601_ms(format_iso8601_ms(1234567890123)), 1234567890123);
  EXPECT_EQ(format_iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(SimTimeTest, UtcOffsets) {
  EXPECT_EQ(parse_utc_offset_min("+08:00"), 480);
  EXPECT_EQ(parse_utc_offset_min("-03:30"), -210);
  EXPECT_FALSE(parse_utc_offset_min("08:00").has_value());
  EXPECT_FALSE(parse_utc_offset_min("+15:00").has_value());
  EXPECT_FALSE(parse_utc_offset_min("+08:60").has_value());
}

TEST(SimTimeTest, LocalTimeUsesTheSiteOffset) {
  // Monday 00:00 UTC is Monday 08:00 in China.
  LocalTime beijing = local_time(kMonday20240304Utc, 480);
  EXPECT_EQ(beijing.weekday, 0);
  EXPECT_DOUBLE_EQ(beijing.hour, 8.0);
  EXPECT_FALSE(beijing.weekend());
  // Sunday 23:30 local is still the weekend; 30 minutes later it is Monday.
  LocalTime sunday_night = local_time(kMonday20240304Utc - 30 * kMsPerMinute, 0);
  EXPECT_EQ(sunday_night.weekday, 6);
  EXPECT_TRUE(sunday_night.weekend());
  EXPECT_DOUBLE_EQ(sunday_night.hour, 23.5);
  // Saturday in UTC-05:00 while it is already Sunday in UTC.
  EXPECT_EQ(local_time(kMonday20240304Utc - 20 * kMsPerHour, -5 * 60).weekday, 5);
}

}  // namespace
}  // namespace wm::sim
