#include "gateway/time_format.h"

#include <gtest/gtest.h>

namespace wm::gateway {
namespace {

TEST(TimeFormatTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1'795'400'840'123), "2026-11-23T02:27:20.123Z");
}

TEST(TimeFormatTest, ParsesWhatItFormats) {
  for (std::int64_t ms : {0LL, 1'795'400'840'123LL, 951'782'400'000LL /* 2000-02-29 */}) {
    EXPECT_EQ(parse_time(format_rfc3339(ms)), ms);
  }
}

TEST(TimeFormatTest, ParsesOffsetsAndUnixMilliseconds) {
  EXPECT_EQ(parse_time("2026-11-23T08:00:00+08:00"), parse_time("2026-11-23T00:00:00Z"));
  EXPECT_EQ(parse_time("2026-11-22T19:00:00-05:00"), parse_time("2026-11-23T00:00:00Z"));
  EXPECT_EQ(parse_time("1795400840123"), 1'795'400'840'123);
  EXPECT_EQ(parse_time("2026-11-23T00:00:00.5Z"), *parse_time("2026-11-23T00:00:00Z") + 500);
}

TEST(TimeFormatTest, RejectsMalformedTimes) {
  for (const char* bad : {"", "yesterday", "2026-11-23", "2026-11-23T00:00:00",
                          "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z",
                          "2026-11-23T00:00:00Zjunk", "2026-11-23T00:00:00.Z", "-5"}) {
    EXPECT_FALSE(parse_time(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace wm::gateway
