#include "gateway/backtest.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace wm::gateway {
namespace {

std::string rows(int n) {
  std::string csv = "timestamp,value\n";
  for (int i = 0; i < n; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, "2014-04-%02d %02d:%02d:00,%d.%d\n", 1 + i / 288,
                  (i % 288) / 12, (i % 12) * 5, 20 + i % 3, i % 10);
    csv += line;
  }
  return csv;
}

TEST(BacktestTest, EveryRowComesBackWithItsTimestampAndValueAsWritten) {
  const std::string input =
      "timestamp,value\n2014-04-01 00:00:00,20.50\r\n\n2014-04-01 00:05:00, 1e1\n"
      "2014-04-01T00:10:00.250,-3\n";
  auto out = backtest_csv(input);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->rows, 3U);
  EXPECT_EQ(out->csv,
            "timestamp,value,anomaly_score\n"
            "2014-04-01 00:00:00,20.50,0.0000\n"
            "2014-04-01 00:05:00, 1e1,0.0000\n"
            "2014-04-01T00:10:00.250,-3,0.0000\n");
}

TEST(BacktestTest, ScoresAreInRangeAndASpikeStandsOut) {
  std::string input = rows(600);
  input += "2014-04-03 02:05:00,95.0\n";
  auto out = backtest_csv(input);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->rows, 601U);
  std::istringstream lines(out->csv);
  std::string line, last;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    const double score = std::stod(line.substr(line.rfind(',') + 1));
    ASSERT_GE(score, 0.0);
    ASSERT_LE(score, 1.0);
    last = line;
  }
  EXPECT_EQ(last, "2014-04-03 02:05:00,95.0,1.0000");
}

TEST(BacktestTest, ABadRowIsNamedByItsLineAndNothingIsPrinted) {
  auto bad_value =
      backtest_csv("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_EQ(bad_value.error().field, "line 3");
  EXPECT_NE(bad_value.error().message.find("\"abc\""), std::string::npos);

  auto bad_time = backtest_csv("timestamp,value\n2014-02-30 00:00:00,1\n");
  ASSERT_FALSE(bad_time.ok());
  EXPECT_EQ(bad_time.error().field, "line 2");

  auto extra = backtest_csv("timestamp,value\n2014-04-01 00:00:00,1,2\n");
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.error().message.find("2 fields"), std::string::npos);

  EXPECT_FALSE(backtest_csv("timestamp,value\n2014-04-01 00:00:00,nan\n").ok());
  EXPECT_FALSE(backtest_csv("timestamp,value\n2014-04-01 00:00:00\n").ok());
}

TEST(BacktestTest, HeaderIsRequired) {
  auto empty = backtest_csv("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "empty_input");
  auto headless = backtest_csv("2014-04-01 00:00:00,1\n");
  ASSERT_FALSE(headless.ok());
  EXPECT_EQ(headless.error().code, "missing_header");
  auto only_header = backtest_csv("timestamp,value\n");
  ASSERT_TRUE(only_header.ok());
  EXPECT_EQ(only_header->csv, "timestamp,value,anomaly_score\n");
}

TEST(BacktestTest, TheCommandReportsAMissingFile) {
  std::ostringstream out, err;
  EXPECT_EQ(run_backtest("/nonexistent/series.csv", out, err), 1);
  EXPECT_TRUE(out.str().empty());
  EXPECT_NE(err.str().find("cannot read /nonexistent/series.csv"), std::string::npos);
}

}  // namespace
}  // namespace wm::gateway
