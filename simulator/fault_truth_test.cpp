#include "simulator/fault_truth.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using protocols::FaultCode;

constexpr std::int64_t kNoonUtc = 1709553600000;  // 2024-03-04T12:00:00Z

FaultTruth leak() {
  return FaultTruth{"wm-00012",        "s-003",  FaultKind::kLeak,
                    kNoonUtc,          kNoonUtc, kNoonUtc + 90 * kMsPerMinute,
                    {FaultCode::kE02}, {}};
}

bool is_rfc3339_utc(const nlohmann::json& value) {
  static const std::regex kForm(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  return value.is_string() && std::regex_match(value.get<std::string>(), kForm);
}

TEST(FaultTruthTest, LineCarriesEveryFieldAsTheFileFormatSays) {
  const std::string line = truth_json_line(leak());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto doc = nlohmann::ordered_json::parse(line);
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"machine", "site", "kind", "onset", "failure",
                                            "cleared", "codes"}));
  EXPECT_EQ(doc["machine"], "wm-00012");
  EXPECT_EQ(doc["site"], "s-003");
  EXPECT_EQ(doc["kind"], "leak");
  EXPECT_TRUE(is_rfc3339_utc(doc["onset"]));
  EXPECT_TRUE(is_rfc3339_utc(doc["failure"]));
  EXPECT_TRUE(is_rfc3339_utc(doc["cleared"]));
  EXPECT_EQ(doc["onset"], "2024-03-04T12:00:00.000Z");
  EXPECT_EQ(doc["cleared"], "2024-03-04T13:30:00.000Z");
  EXPECT_EQ(doc["codes"], nlohmann::ordered_json::array({"E02"}));
}

TEST(FaultTruthTest, SiteWideAndStillActiveFaultsUseNull) {
  FaultTruth outage{"", "s-001", FaultKind::kSitePowerOutage, kNoonUtc, kNoonUtc, std::nullopt,
                    {}, {}};
  const auto doc = nlohmann::json::parse(truth_json_line(outage));
  EXPECT_TRUE(doc["machine"].is_null());
  EXPECT_TRUE(doc["cleared"].is_null());
  EXPECT_EQ(doc["kind"], "site_power_outage");
  EXPECT_TRUE(doc["codes"].is_array());
  EXPECT_TRUE(doc["codes"].empty());
}

TEST(FaultTruthTest, EveryKindRoundTrips) {
  for (FaultKind kind : all_fault_kinds()) {
    FaultTruth truth = leak();
    truth.kind = kind;
    truth.failure_ms = truth.onset_ms + 123'456;
    const auto back = parse_truth_line(truth_json_line(truth));
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(*back, truth) << to_string(kind);
    EXPECT_EQ(fault_kind_from_string(to_string(kind)), kind);
  }
  FaultTruth open{"", "s-9", FaultKind::kSitePowerOutage, 0, 0, std::nullopt, {}, {}};
  const auto back = parse_truth_line(truth_json_line(open));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, open);
}

TEST(FaultTruthTest, ADispenseFailureListsTheSalesItShorted) {
  FaultTruth shorted = leak();
  shorted.kind = FaultKind::kDispenseFailure;
  shorted.codes = {FaultCode::kE08};
  shorted.txns = {"t-wm-00012-1709553660000", "t-wm-00012-1709553720000"};
  const std::string line = truth_json_line(shorted);
  const auto doc = nlohmann::json::parse(line);
  EXPECT_EQ(doc["txns"],
            nlohmann::json::array({"t-wm-00012-1709553660000", "t-wm-00012-1709553720000"}));
  const auto back = parse_truth_line(line);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, shorted);
  // Other kinds keep the line as it was; a line without txns reads as none.
  EXPECT_FALSE(nlohmann::json::parse(truth_json_line(leak())).contains("txns"));
  auto without = doc;
  without.erase("txns");
  ASSERT_TRUE(parse_truth_line(without.dump()).ok());
  EXPECT_TRUE(parse_truth_line(without.dump())->txns.empty());
  auto bad = doc;
  bad["txns"] = {1, 2};
  EXPECT_EQ(parse_truth_line(bad.dump()).error().field, "txns");
  bad["txns"] = "t-1";
  EXPECT_EQ(parse_truth_line(bad.dump()).error().code, "wrong_type");
}

TEST(FaultTruthTest, ParseNamesWhatIsWrong) {
  EXPECT_EQ(parse_truth_line("{not json").error().code, "malformed_json");
  EXPECT_EQ(parse_truth_line("[1]").error().code, "malformed_json");
  auto doc = nlohmann::json::parse(truth_json_line(leak()));
  auto without = doc;
  without.erase("failure");
  EXPECT_EQ(parse_truth_line(without.dump()).error().field, "failure");
  auto bad_kind = doc;
  bad_kind["kind"] = "gremlins";
  EXPECT_EQ(parse_truth_line(bad_kind.dump()).error().code, "out_of_range");
  auto bad_time = doc;
  bad_time["onset"] = "yesterday";
  EXPECT_EQ(parse_truth_line(bad_time.dump()).error().field, "onset");
  auto bad_code = doc;
  bad_code["codes"] = {"E09"};
  EXPECT_EQ(parse_truth_line(bad_code.dump()).error().field, "codes");
  auto bad_machine = doc;
  bad_machine["machine"] = 7;
  EXPECT_EQ(parse_truth_line(bad_machine.dump()).error().code, "wrong_type");
}

TEST(FaultTruthTest, WriterPutsOneFlushedLinePerRecord) {
  std::ostringstream out;
  TruthWriter writer(out);
  writer.record(leak());
  EXPECT_EQ(out.str(), truth_json_line(leak()) + "\n");
  FaultTruth second = leak();
  second.kind = FaultKind::kTamper;
  second.codes.clear();
  writer.record(second);
  EXPECT_EQ(writer.lines(), 2u);
  EXPECT_TRUE(writer.ok());
  std::istringstream lines(out.str());
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    ASSERT_TRUE(parse_truth_line(line).ok()) << line;
    ++parsed;
  }
  EXPECT_EQ(parsed, 2);
}

TEST(FaultTruthTest, WriterReportsAFailingStream) {
  std::ofstream closed;  // never opened: every write fails
  TruthWriter writer(closed);
  writer.record(leak());
  EXPECT_FALSE(writer.ok());
  EXPECT_EQ(writer.lines(), 0u);
}

}  // namespace
}  // namespace wm::sim
