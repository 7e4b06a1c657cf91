// Golden frames of protocols/testdata/hx_binary, written from PROTOCOLS.md section 2 by
// make_golden.py (its own byte layout and CRC, not this code's). Good frames pin both the
// decoder and the encoder's exact bytes; truncated, corrupt and out-of-range frames pin
// how the decoder rejects them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "protocols/hx_binary.h"
#include "protocols/hx_frame_for_test.h"

namespace wm::protocols {
namespace {

std::string testdata_dir() {
  if (const char* source_dir = std::getenv("WM_SOURCE_DIR")) {
    return std::string(source_dir) + "/protocols/testdata/hx_binary/";
  }
  return WM_PROTOCOLS_TESTDATA_DIR "/hx_binary/";
}

// The bytes of a .hex file: hex pairs separated by white space; '#' starts a comment.
std::string golden(const std::string& name) {
  std::ifstream file(testdata_dir() + name, std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot open " << testdata_dir() + name;
  std::string bytes;
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream words(line.substr(0, line.find('#')));
    std::string pair;
    while (words >> pair) {
      EXPECT_EQ(pair.size(), 2u) << name << ": " << line;
      bytes += static_cast<char>(std::stoi(pair, nullptr, 16));
    }
  }
  return bytes;
}

TEST(HxGolden, GoodFramesCarryTheirCrc) {
  for (const char* name : {"telemetry.hex", "dispense.hex", "heartbeat.hex", "fault.hex",
                           "command_lock.hex", "command_diagnose.hex"}) {
    SCOPED_TRACE(name);
    const std::string frame = golden(name);
    ASSERT_GE(frame.size(), 8u);
    const std::uint16_t crc =
        testing::reference_crc(std::string_view(frame).substr(2, frame.size() - 4));
    EXPECT_EQ(static_cast<std::uint8_t>(frame[frame.size() - 2]), crc & 0xFF);
    EXPECT_EQ(static_cast<std::uint8_t>(frame[frame.size() - 1]), crc >> 8);
  }
}

template <class Message>
Message decoded_as(const std::string& name) {
  const Result<HxUplink> decoded = decode_hx_uplink(golden(name));
  EXPECT_TRUE(decoded.ok()) << name << ": " << decoded.error().to_string();
  if (!decoded.ok() || !std::holds_alternative<Message>(*decoded)) {
    ADD_FAILURE() << name << " decoded to another message type";
    return Message{};
  }
  return std::get<Message>(*decoded);
}

TEST(HxGolden, Telemetry) {
  Telemetry expected;
  expected.ts_ms = 1732330000000;
  expected.seq = 42;
  expected.tds_in = 312;
  expected.tds_out = 8;
  expected.flow_lpm = 1.75;
  expected.pressure_kpa = 245;
  expected.temp_c = -3.5;
  expected.tank_pct = 76;
  expected.uv_ok = true;
  expected.leak = false;
  expected.door = true;
  expected.filter_l = 1234;
  expected.pump_a = 1.32;
  EXPECT_EQ(decoded_as<Telemetry>("telemetry.hex"), expected);
  EXPECT_EQ(*encode_hx_telemetry(expected), golden("telemetry.hex"));
}

TEST(HxGolden, Events) {
  const Event dispense{1732330005000, 43, Dispense{"t-0001", "c-9f2a", 150, 5000, 4980}};
  EXPECT_EQ(decoded_as<Event>("dispense.hex"), dispense);
  EXPECT_EQ(*encode_hx_event(dispense), golden("dispense.hex"));
  const Event fault{1732330007000, 45, Fault{FaultCode::kE03, true}};
  EXPECT_EQ(decoded_as<Event>("fault.hex"), fault);
  EXPECT_EQ(*encode_hx_event(fault), golden("fault.hex"));
}

TEST(HxGolden, Heartbeat) {
  const Heartbeat heartbeat{1732330006000, 44};
  EXPECT_EQ(decoded_as<Heartbeat>("heartbeat.hex"), heartbeat);
  EXPECT_EQ(*encode_hx_heartbeat(heartbeat), golden("heartbeat.hex"));
}

TEST(HxGolden, Commands) {
  const Command lock{1732330010000, CommandKind::kLock, "", ""};
  EXPECT_EQ(*encode_hx_command(lock), golden("command_lock.hex"));
  EXPECT_EQ(*decode_hx_command(golden("command_lock.hex")), lock);
  const Command diagnose{1732330010000, CommandKind::kDiagnose, "", ""};
  EXPECT_EQ(*encode_hx_command(diagnose), golden("command_diagnose.hex"));
  // A command is not an uplink: the gateway never takes one from a machine.
  EXPECT_EQ(decode_hx_uplink(golden("command_lock.hex")).error().code, "unknown_command");
}

TEST(HxGolden, BadFramesAreRejectedWholeWithTheRightError) {
  const struct {
    const char* file;
    const char* code;
    const char* field;
  } cases[] = {
      {"empty.hex", "bad_length", "length"},
      {"telemetry_truncated.hex", "bad_length", "length"},
      {"telemetry_bad_crc.hex", "bad_crc", "crc"},
      {"telemetry_bad_magic.hex", "bad_magic", "magic"},
      {"telemetry_bad_version.hex", "bad_version", "version"},
      {"telemetry_length_mismatch.hex", "bad_length", "length"},
      {"telemetry_wrong_payload_size.hex", "bad_length", "length"},
      {"telemetry_tds_out_over_range.hex", "out_of_range", "tds_out"},
      {"telemetry_temp_under_range.hex", "out_of_range", "temp_c"},
      {"dispense_txn_not_ascii.hex", "out_of_range", "txn"},
      {"fault_unknown_code.hex", "out_of_range", "code"},
      {"unknown_command.hex", "unknown_command", "command"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const Result<HxUplink> decoded = decode_hx_uplink(golden(c.file));
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, c.code) << decoded.error().to_string();
    EXPECT_EQ(decoded.error().field, c.field) << decoded.error().to_string();
    EXPECT_FALSE(decoded.error().message.empty());
  }
}

}  // namespace
}  // namespace wm::protocols
