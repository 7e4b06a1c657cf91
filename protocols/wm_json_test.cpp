// wm-json-v1 decoders: payloads that are not JSON objects, and the telemetry schema.
#include "protocols/wm_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "protocols/json_edit_for_test.h"

namespace wm::protocols {
namespace {

using ::testing::HasSubstr;
using testing::with_member;
using testing::without_member;

constexpr std::string_view kTelemetry =
    R"({"ts":1732330000123,"seq":7,"tds_in":312.5,"tds_out":8.25,"flow_lpm":1.75,)"
    R"("pressure_kpa":245,"temp_c":21.4,"tank_pct":76.5,"uv_ok":true,"filter_l":1234,)"
    R"("pump_a":1.32,"leak":false,"door":true})";

// True when nlohmann can serialize `text`, i.e. it is valid UTF-8.
bool is_valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

TEST(DecodeTelemetry, ReadsEveryField) {
  const Result<Telemetry> t = decode_telemetry(kTelemetry);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->ts_ms, 1732330000123);
  EXPECT_EQ(t->seq, 7u);
  EXPECT_EQ(t->tds_in, 312.5);
  EXPECT_EQ(t->tds_out, 8.25);
  EXPECT_EQ(t->flow_lpm, 1.75);
  EXPECT_EQ(t->pressure_kpa, 245.0);
  EXPECT_EQ(t->temp_c, 21.4);
  EXPECT_EQ(t->tank_pct, 76.5);
  EXPECT_EQ(t->uv_ok, true);
  EXPECT_EQ(t->filter_l, 1234);
  EXPECT_EQ(t->pump_a, 1.32);
  EXPECT_EQ(t->leak, false);
  EXPECT_EQ(t->door, true);
}

TEST(DecodeTelemetry, OptionalFieldsMayBeAbsent) {
  std::string payload(kTelemetry);
  for (const char* name : {"tank_pct", "uv_ok", "pump_a", "leak", "door"}) {
    payload = without_member(payload, name);
  }
  const Result<Telemetry> t = decode_telemetry(payload);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_FALSE(t->tank_pct.has_value());
  EXPECT_FALSE(t->uv_ok.has_value());
  EXPECT_FALSE(t->pump_a.has_value());
  EXPECT_FALSE(t->leak.has_value());
  EXPECT_FALSE(t->door.has_value());
  EXPECT_EQ(t->filter_l, 1234);
}

TEST(DecodeTelemetry, IgnoresUnknownFieldsWhateverTheirShape) {
  std::string payload = with_member(kTelemetry, "fw", R"("2.3.1")");
  payload = with_member(payload, "rssi", "-61.5");
  payload = with_member(payload, "extra", R"({"tds_in":"nested","ts":-1,"deep":[[{}]]})");
  payload = with_member(payload, "list", R"([{"seq":"x"},null,true,1e5])");
  payload = with_member(payload, "TDS_IN", "-1");  // names are case-sensitive
  const Result<Telemetry> t = decode_telemetry(payload);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, *decode_telemetry(kTelemetry));
}

TEST(DecodeTelemetry, IgnoresDeeplyNestedUnknownField) {
  const std::size_t depth = 100000;
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_TRUE(decode_telemetry(with_member(kTelemetry, "deep", nested)).ok());
}

TEST(DecodeTelemetry, LastOfDuplicateMembersWins) {
  std::string payload(kTelemetry);
  payload.insert(1, R"("tds_in":9999,)");  // out of range, but overridden later
  Result<Telemetry> t = decode_telemetry(payload);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->tds_in, 312.5);

  payload = std::string(kTelemetry);
  payload.insert(payload.size() - 1, R"(,"tds_in":9999)");
  t = decode_telemetry(payload);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().field, "tds_in");
}

TEST(DecodeTelemetry, AcceptsWhitespaceAroundTheObject) {
  const Result<Telemetry> t = decode_telemetry(" \r\n\t" + std::string(kTelemetry) + "\n");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, *decode_telemetry(kTelemetry));
}

TEST(DecodeTelemetry, NumberFieldsAcceptIntegersAndFloats) {
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "temp_c", "-3"))->temp_c, -3.0);
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "temp_c", "2.5e1"))->temp_c, 25.0);
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "tds_in", "1E2"))->tds_in, 100.0);
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "tds_in", "0.0"))->tds_in, 0.0);
}

TEST(DecodeTelemetry, ErrorsReportTheFirstBadFieldInTableOrder) {
  std::string payload = with_member(kTelemetry, "door", "1");
  payload = with_member(payload, "temp_c", "200");
  payload = without_member(payload, "tds_out");
  const Result<Telemetry> t = decode_telemetry(payload);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "missing_field");
  EXPECT_EQ(t.error().field, "tds_out");
}

TEST(DecodeTelemetry, MessagesSayWhatWasWrong) {
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "tds_out", "6000")).error().message,
            "tds_out must be a number from 0 to 5000, got 6000");
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "filter_l", "3.0")).error().message,
            "filter_l must be an integer, got 3.0");
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "seq", "4294967296")).error().message,
            "seq must be an integer from 0 to 4294967295, got 4294967296");
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "ts", "-1")).error().message,
            "ts must be an integer >= 0, got -1");
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "uv_ok", R"("yes")")).error().message,
            "uv_ok must be a boolean, got a string");
  EXPECT_EQ(decode_telemetry(without_member(kTelemetry, "temp_c")).error().message,
            "required field 'temp_c' is missing from the telemetry");
  EXPECT_EQ(decode_telemetry(with_member(kTelemetry, "pump_a", "-0.5")).error().to_string(),
            "out_of_range (pump_a): pump_a must be a number from 0 to 20, got -0.5");
}

// --- payloads that are not a JSON object -------------------------------------------

class NotAJsonObject : public ::testing::TestWithParam<std::string> {};

TEST_P(NotAJsonObject, IsMalformedJsonForEveryDecoder) {
  const std::string& payload = GetParam();
  for (const Error& error : {decode_telemetry(payload).error(), decode_event(payload).error(),
                             decode_status(payload).error(), decode_command(payload).error()}) {
    EXPECT_EQ(error.code, "malformed_json");
    EXPECT_EQ(error.field, "");
    EXPECT_FALSE(error.message.empty());
    EXPECT_LE(error.message.size(), 300u);
    EXPECT_TRUE(is_valid_utf8(error.message)) << error.message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Payloads, NotAJsonObject,
    ::testing::Values("", " ", "not json", "{", "}", R"({"ts":1)", R"({"ts":})", R"({"ts" 1})",
                      R"({ts:1})", R"({'ts':1})", R"({"ts":1,})", R"({"ts":01})", R"({"ts":NaN})",
                      R"({"ts":Infinity})", R"({"ts":1e400})", "{}{}", "{} x", "/* note */ {}",
                      "{} // note", "[]", "[{}]", "42", "-1.5", R"("object")", "null", "true",
                      "false",
                      std::string("{\"fw\":\"\xff\"}"),          // invalid UTF-8 byte
                      std::string("{\"fw\":\"\xc0\xaf\"}"),      // overlong encoding
                      std::string("{\"fw\":\"\xed\xa0\x80\"}"),  // encoded surrogate
                      std::string("{\"fw\":\"\xe6\xb0\"}"),      // truncated character
                      std::string("{\xff:1}"),                   // garbage outside strings
                      R"({"fw":"\ud800"})",                      // lone surrogate escape
                      R"({"fw":"\x41"})",                        // bad escape
                      std::string("{\"fw\":\"a\nb\"}"),          // raw control character
                      std::string("{\"ts\":1}\0", 9),            // NUL after the object
                      std::string("{\"ts\":1}\0{\"x\"", 13),     // and garbage after it
                      std::string(100000, '['),                  // deep and unclosed
                      std::string(100000, '{')));

TEST(NotAJsonObject, SaysWhatTheTopLevelValueWas) {
  EXPECT_EQ(decode_status("[1,2]").error().message, "payload must be a JSON object, got an array");
  EXPECT_EQ(decode_status("7").error().message, "payload must be a JSON object, got an integer");
  EXPECT_THAT(decode_status("{\"ts\":").error().message, HasSubstr("not valid JSON"));
}

TEST(NotAJsonObject, LongGarbageGivesAShortPrintableMessage) {
  const std::string payload = "{\"fw\":\"" + std::string(100000, 'a') + "\xff\"}";
  const Error error = decode_telemetry(payload).error();
  EXPECT_EQ(error.code, "malformed_json");
  EXPECT_LE(error.message.size(), 300u);
  EXPECT_TRUE(is_valid_utf8(error.message)) << error.message;
}

// --- one bad member in an otherwise valid telemetry payload --------------------------

struct MemberCase {
  std::string field;
  std::string value;  // JSON text put in as written; "" removes the member
  std::string code;   // expected error code, "" when the payload is valid
  friend void PrintTo(const MemberCase& c, std::ostream* os) {
    *os << c.field << "=" << (c.value.empty() ? "<absent>" : c.value) << " -> "
        << (c.code.empty() ? "ok" : c.code);
  }
};

std::string case_name(const ::testing::TestParamInfo<MemberCase>& info) {
  return info.param.field + "_" + std::to_string(info.index);
}

class TelemetryMember : public ::testing::TestWithParam<MemberCase> {};

TEST_P(TelemetryMember, IsCheckedAgainstTheSchema) {
  const MemberCase& c = GetParam();
  const std::string payload = c.value.empty() ? without_member(kTelemetry, c.field)
                                              : with_member(kTelemetry, c.field, c.value);
  const Result<Telemetry> t = decode_telemetry(payload);
  if (c.code.empty()) {
    EXPECT_TRUE(t.ok()) << payload << " -> " << t.error().to_string();
    return;
  }
  ASSERT_FALSE(t.ok()) << payload;
  EXPECT_EQ(t.error().code, c.code) << t.error().to_string();
  EXPECT_EQ(t.error().field, c.field) << t.error().to_string();
  EXPECT_THAT(t.error().message, HasSubstr(c.field));
}

std::vector<MemberCase> telemetry_cases() {
  std::vector<MemberCase> cases;
  const auto add = [&](std::string field, std::string value, std::string code) {
    cases.push_back({std::move(field), std::move(value), std::move(code)});
  };
  // Required members, each missing.
  for (const char* field :
       {"ts", "seq", "tds_in", "tds_out", "flow_lpm", "pressure_kpa", "temp_c", "filter_l"}) {
    add(field, "", "missing_field");
  }
  // Optional members, each missing.
  for (const char* field : {"tank_pct", "uv_ok", "pump_a", "leak", "door"}) add(field, "", "");
  // Integer members: wrong JSON types, floats included.
  for (const char* field : {"ts", "seq", "filter_l"}) {
    for (const char* value :
         {"1.5", "3.0", "1e3", "-0.0", R"("12")", "null", "true", "[1]", R"({"v":1})"}) {
      add(field, value, "wrong_type");
    }
  }
  // Number members: wrong JSON types.
  for (const char* field :
       {"tds_in", "tds_out", "flow_lpm", "pressure_kpa", "temp_c", "tank_pct", "pump_a"}) {
    for (const char* value : {R"("1")", R"("")", "null", "false", "[]", "{}"}) {
      add(field, value, "wrong_type");
    }
  }
  // Boolean members: wrong JSON types.
  for (const char* field : {"uv_ok", "leak", "door"}) {
    for (const char* value : {"1", "0", R"("true")", "null", "[]", "{}"}) {
      add(field, value, "wrong_type");
    }
    add(field, "true", "");
    add(field, "false", "");
  }
  // Integer ranges, just inside and just outside.
  for (const char* field : {"ts", "filter_l"}) {
    add(field, "0", "");
    add(field, "-1", "out_of_range");
    add(field, "9223372036854775807", "");
    add(field, "9223372036854775808", "out_of_range");
    add(field, "100000000000000000000", "out_of_range");
    add(field, "-9223372036854775809", "out_of_range");
  }
  add("seq", "0", "");
  add("seq", "-1", "out_of_range");
  add("seq", "4294967295", "");
  add("seq", "4294967296", "out_of_range");
  add("seq", "18446744073709551616", "out_of_range");
  // Number ranges, just inside and just outside.
  const auto add_range = [&](const char* field, const char* low, const char* below,
                             const char* high, const char* above) {
    add(field, low, "");
    add(field, below, "out_of_range");
    add(field, high, "");
    add(field, above, "out_of_range");
  };
  add_range("tds_in", "0", "-0.001", "5000", "5000.001");
  add_range("tds_out", "0.0", "-1", "5000.0", "5000.0000000001");
  add_range("flow_lpm", "0", "-0.01", "30", "30.01");
  add_range("pressure_kpa", "0", "-1e-9", "1000", "1000.5");
  add_range("temp_c", "-10", "-10.1", "110", "110.01");
  add_range("tank_pct", "0", "-0.1", "100", "100.1");
  add_range("pump_a", "0", "-0.5", "20", "20.5");
  add("tds_in", "100000000000000000000", "out_of_range");  // integer literal past 64 bits
  add("temp_c", "-0.0", "");
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Schema, TelemetryMember, ::testing::ValuesIn(telemetry_cases()),
                         case_name);

}  // namespace
}  // namespace wm::protocols
