// Golden payloads of protocols/testdata/wm_json: the bytes machines and the gateway put on
// the wire. Good files pin the encoders' exact output (field order, number format);
// truncated, corrupt and out-of-range files pin how the decoders reject them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "protocols/wm_json.h"

namespace wm::protocols {
namespace {

std::string testdata_dir() {
  if (const char* source_dir = std::getenv("WM_SOURCE_DIR")) {
    return std::string(source_dir) + "/protocols/testdata/wm_json/";
  }
  return WM_PROTOCOLS_TESTDATA_DIR "/wm_json/";
}

// The file's bytes, without the one newline that ends a text file.
std::string golden(const std::string& name) {
  std::ifstream file(testdata_dir() + name, std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot open " << testdata_dir() + name;
  std::ostringstream bytes;
  bytes << file.rdbuf();
  std::string text = bytes.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

Telemetry full_telemetry() {
  Telemetry t;
  t.ts_ms = 1732330000123;
  t.seq = 4294967295;
  t.tds_in = 312.5;
  t.tds_out = 8.25;
  t.flow_lpm = 1.75;
  t.pressure_kpa = 245;
  t.temp_c = -3.5;
  t.tank_pct = 76.5;
  t.uv_ok = true;
  t.filter_l = 1234;
  t.pump_a = 1.32;
  t.leak = false;
  t.door = true;
  return t;
}

template <class Message, class Decode, class Encode>
void expect_golden(const std::string& name, const Message& expected, Decode decode, Encode encode) {
  SCOPED_TRACE(name);
  const std::string payload = golden(name);
  const auto decoded = decode(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(encode(expected), payload);
}

TEST(Golden, Telemetry) {
  expect_golden("telemetry_full.json", full_telemetry(), decode_telemetry, encode_telemetry);
  Telemetry minimal;
  minimal.tds_out = 5000;
  minimal.flow_lpm = 30;
  minimal.pressure_kpa = 1000;
  minimal.temp_c = 110;
  expect_golden("telemetry_minimal.json", minimal, decode_telemetry, encode_telemetry);
}

TEST(Golden, TelemetryOfNewerFirmwareWithUnknownFieldsAndAnyOrder) {
  const Result<Telemetry> t = decode_telemetry(golden("telemetry_newer_firmware.json"));
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, full_telemetry());
}

TEST(Golden, Events) {
  expect_golden("event_dispense.json",
                Event{1732330000500, 8, Dispense{"t-0001", "c-9f2a", 150, 5000, 4980}},
                decode_event, encode_event);
  expect_golden("event_fault.json", Event{1732330000600, 9, Fault{FaultCode::kE03, true}},
                decode_event, encode_event);
  expect_golden("event_maintenance.json",
                Event{1732330000700, 10, Maintenance{MaintenanceAction::kMembraneChange, "李伟"}},
                decode_event, encode_event);
}

TEST(Golden, StatusAndWill) {
  expect_golden("status_online.json", Status{1732330000800, true}, decode_status, encode_status);
  expect_golden("status_will.json", Status{1732330000000, false}, decode_status, encode_status);
}

TEST(Golden, Commands) {
  expect_golden("command_lock.json",
                Command{1732330000900, CommandKind::kLock, "tds_out 850 ppm over limit", "T-42"},
                decode_command, encode_command);
  expect_golden("command_diagnose.json", Command{1732330000901, CommandKind::kDiagnose, "", ""},
                decode_command, encode_command);
}

struct BadGolden {
  const char* file;
  Error (*decode)(std::string_view);
  const char* code;
  const char* field;
};

template <class Message>
Error error_of(Result<Message> result) {
  return result.ok() ? make_error("ok", "", "") : result.error();
}

TEST(Golden, BadPayloadsAreRejectedWithTheRightError) {
  const BadGolden cases[] = {
      {"empty.json", [](std::string_view p) { return error_of(decode_telemetry(p)); },
       "malformed_json", ""},
      {"telemetry_truncated.json", [](std::string_view p) { return error_of(decode_telemetry(p)); },
       "malformed_json", ""},
      {"telemetry_invalid_utf8.json",
       [](std::string_view p) { return error_of(decode_telemetry(p)); }, "malformed_json", ""},
      {"telemetry_tds_out_over_range.json",
       [](std::string_view p) { return error_of(decode_telemetry(p)); }, "out_of_range", "tds_out"},
      {"telemetry_float_seq.json", [](std::string_view p) { return error_of(decode_telemetry(p)); },
       "wrong_type", "seq"},
      {"telemetry_missing_filter_l.json",
       [](std::string_view p) { return error_of(decode_telemetry(p)); }, "missing_field",
       "filter_l"},
      {"event_dispense_txn_too_long.json",
       [](std::string_view p) { return error_of(decode_event(p)); }, "out_of_range", "txn"},
      {"event_unknown_type.json", [](std::string_view p) { return error_of(decode_event(p)); },
       "out_of_range", "type"},
      {"event_fault_unknown_code.json",
       [](std::string_view p) { return error_of(decode_event(p)); }, "out_of_range", "code"},
      {"status_not_an_object.json", [](std::string_view p) { return error_of(decode_status(p)); },
       "malformed_json", ""},
      {"command_unknown_cmd.json", [](std::string_view p) { return error_of(decode_command(p)); },
       "out_of_range", "cmd"},
  };
  for (const BadGolden& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string payload = golden(c.file);
    const Error error = c.decode(payload);
    EXPECT_EQ(error.code, c.code) << error.to_string();
    EXPECT_EQ(error.field, c.field) << error.to_string();
  }
}

}  // namespace
}  // namespace wm::protocols
