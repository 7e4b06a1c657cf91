#include "simulator/score_report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace wm::sim {
namespace {

constexpr std::int64_t kT = 1709553600000;  // 2024-03-04T12:00:00Z

Scorecard sample() {
  Scorecard card;
  card.from_ms = kT;
  card.until_ms = kT + 2 * kMsPerDay;
  card.machines = 100;
  card.machine_days = 200;
  card.slack_ms = 30 * kMsPerMinute;
  card.people_tickets = 3;
  KindScore leak;
  leak.kind = "leak";
  leak.truths = 4;
  leak.matched = 3;
  leak.tickets = 4;
  leak.true_tickets = 3;
  leak.false_tickets = 1;
  leak.precision = 0.75;
  leak.recall = 0.75;
  leak.median_lead_h = -0.1;
  leak.median_lead_opened_h = -0.125;
  leak.false_per_1000_machine_days = 5;
  KindScore clog;
  clog.kind = "filter_clogging";
  clog.tickets = 2;
  clog.false_tickets = 2;
  clog.precision = 0.0;
  clog.false_per_1000_machine_days = 10;
  card.kinds = {clog, leak};
  card.total = leak;
  card.total.kind = "all";
  card.refunds.short_sales = 8;
  card.refunds.refunds = 9;
  card.refunds.true_refunds = 8;
  card.refunds.refunded_once = 7;
  card.refunds.doubles = 1;
  card.refunds.precision = 8.0 / 9;
  card.refunds.recall = 7.0 / 8;
  return card;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ScoreReportTest, TheTableHasAFixedWidthRowPerKindAndATotal) {
  const auto lines = lines_of(scorecard_table(sample()));
  ASSERT_GE(lines.size(), 9u);
  EXPECT_NE(lines[0].find("2024-03-04T12:00:00.000Z"), std::string::npos);
  EXPECT_NE(lines[0].find("200.0 machine-days"), std::string::npos);
  const std::string& head = lines[2];
  EXPECT_EQ(head.rfind("kind", 0), 0u);
  for (std::size_t i = 3; i <= 5; ++i) EXPECT_EQ(lines[i].size(), head.size()) << lines[i];
  EXPECT_EQ(lines[3].rfind("filter_clogging", 0), 0u);
  EXPECT_NE(lines[3].find(" - "), std::string::npos);  // no recall without truth lines
  EXPECT_EQ(lines[4].rfind("leak", 0), 0u);
  EXPECT_NE(lines[4].find("0.750"), std::string::npos);
  EXPECT_NE(lines[4].find("-0.10"), std::string::npos);
  EXPECT_EQ(lines[5].rfind("all", 0), 0u);
  const std::string refunds = lines[lines.size() - 1];
  EXPECT_NE(refunds.find("0.889"), std::string::npos);
  EXPECT_NE(refunds.find("0.875"), std::string::npos);
}

TEST(ScoreReportTest, JsonCarriesTheSameFiguresAndNullsForNone) {
  const auto j = scorecard_json(sample());
  EXPECT_EQ(j["machines"], 100);
  EXPECT_EQ(j["slack_minutes"], 30);
  EXPECT_EQ(j["period"]["from"], "2024-03-04T12:00:00.000Z");
  EXPECT_DOUBLE_EQ(j["period"]["days"].get<double>(), 2.0);
  ASSERT_EQ(j["kinds"].size(), 2u);
  EXPECT_EQ(j["kinds"][1]["kind"], "leak");
  EXPECT_EQ(j["kinds"][1]["true_positives"], 3);
  EXPECT_DOUBLE_EQ(j["kinds"][1]["median_lead_h"].get<double>(), -0.1);
  EXPECT_TRUE(j["kinds"][0]["recall"].is_null());
  EXPECT_TRUE(j["kinds"][0]["median_lead_h"].is_null());
  EXPECT_EQ(j["total"]["kind"], "all");
  EXPECT_EQ(j["refunds"]["doubles"], 1);
  EXPECT_DOUBLE_EQ(j["refunds"]["recall"].get<double>(), 7.0 / 8);
}

}  // namespace
}  // namespace wm::sim
