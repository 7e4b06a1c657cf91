// hx-binary frames built by hand (hx_frame_for_test.h): the frame checks, the field
// ranges at their bounds, and the encoder's refusals.
#include "protocols/hx_binary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "protocols/hx_frame_for_test.h"

namespace wm::protocols {
namespace {

using testing::make_frame;
using testing::Payload;

// A telemetry payload with every field given; defaults are a sane machine.
struct TelemetryFields {
  std::uint32_t ts = 1732330000;
  std::uint32_t seq = 7;
  unsigned tds_in = 300, tds_out = 10, flow = 0, pressure = 250;
  int temp = 250;
  unsigned tank = 50, flags = 0;
  std::uint32_t filter = 0;
  unsigned pump = 0, reserved = 0;

  std::string frame() const {
    Payload p;
    p.u32(ts).u32(seq).u16(tds_in).u16(tds_out).u16(flow).u16(pressure);
    p.u16(static_cast<unsigned>(static_cast<std::uint16_t>(static_cast<std::int16_t>(temp))));
    p.u8(tank).u8(flags).u32(filter).u16(pump).u16(reserved);
    return make_frame(0x01, p.bytes());
  }
};

std::string dispense_frame(std::string_view txn, std::string_view card, unsigned requested = 500,
                           std::size_t txn_size = 16) {
  Payload p;
  p.u32(1732330000).u32(8).text(txn, txn_size).text(card).u32(100).u16(requested).u16(500).u32(0);
  return make_frame(0x02, p.bytes());
}

std::string error_code(std::string_view frame) {
  const Result<HxUplink> decoded = decode_hx_uplink(frame);
  return decoded.ok() ? "ok" : decoded.error().code;
}

std::string error_field(std::string_view frame) {
  const Result<HxUplink> decoded = decode_hx_uplink(frame);
  return decoded.ok() ? "ok" : decoded.error().field;
}

TEST(HxCrc, IsCrc16Modbus) {
  EXPECT_EQ(hx_crc16("123456789"), 0x4B37);  // the catalogued check value
  EXPECT_EQ(testing::reference_crc("123456789"), 0x4B37);
  EXPECT_EQ(hx_crc16(""), 0xFFFF);
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  EXPECT_EQ(hx_crc16(all_bytes), testing::reference_crc(all_bytes));
}

TEST(HxFrame, EveryTruncationIsBadLength) {
  const std::string frame = TelemetryFields{}.frame();
  ASSERT_EQ(error_code(frame), "ok");
  for (std::size_t size = 0; size < frame.size(); ++size) {
    EXPECT_EQ(error_code(frame.substr(0, size)), "bad_length") << size;
  }
  EXPECT_EQ(error_code(frame + '\0'), "bad_length");  // a byte after the CRC
}

TEST(HxFrame, EveryFlippedBitIsCaught) {
  const std::string frame = TelemetryFields{}.frame();
  for (std::size_t i = 0; i < frame.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = frame;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      const std::string code = error_code(bad);
      EXPECT_NE(code, "ok") << "byte " << i << " bit " << bit;
      if (i >= 6) {
        EXPECT_EQ(code, "bad_crc") << "byte " << i << " bit " << bit;
      }
    }
  }
}

TEST(HxFrame, HeaderChecksComeInOrder) {
  std::string frame = TelemetryFields{}.frame();
  frame[0] = 'x';
  EXPECT_EQ(error_code(frame), "bad_magic");
  EXPECT_EQ(error_code(std::string("\xAA\x55\x02\x01\x00\x00\x00\x00", 8)), "bad_version");
  // Payload length over 1024, whatever follows.
  Payload big;
  big.text("", 1025);
  EXPECT_EQ(error_code(make_frame(0x01, big.bytes())), "bad_length");
  EXPECT_EQ(error_code(make_frame(0x03, Payload().u32(1).u32(2).u8(0).bytes())), "bad_length");
  EXPECT_EQ(error_code(make_frame(0x00, "")), "unknown_command");
  EXPECT_EQ(error_code(make_frame(0x81, Payload().u32(1).u32(0).bytes())), "unknown_command");
}

TEST(HxTelemetry, DecodesUnitsAndFlags) {
  TelemetryFields f;
  f.flow = 3000;  // 30.00 L/min, the maximum
  f.temp = -100;  // -10.0 degC, the minimum
  f.tank = 100;
  f.flags = 0xFA;  // leak and door... and unknown bits 3-7, which are ignored
  f.filter = 0xFFFFFFFF;
  f.pump = 20000;       // 20 A
  f.reserved = 0xBEEF;  // ignored
  f.ts = 0xFFFFFFFF;
  const Result<HxUplink> decoded = decode_hx_uplink(f.frame());
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  const auto& t = std::get<Telemetry>(*decoded);
  EXPECT_EQ(t.ts_ms, 4294967295000);
  EXPECT_EQ(t.flow_lpm, 30);
  EXPECT_EQ(t.temp_c, -10);
  EXPECT_EQ(t.tank_pct, 100);
  EXPECT_EQ(t.uv_ok, false);
  EXPECT_EQ(t.leak, true);
  EXPECT_EQ(t.door, false);
  EXPECT_EQ(t.filter_l, 4294967295);
  EXPECT_EQ(t.pump_a, 20);
  EXPECT_TRUE(t.has_seq);
}

TEST(HxTelemetry, RangesAreThoseOfWmJson) {
  const auto field_of = [](auto edit) {
    TelemetryFields f;
    edit(f);
    return error_field(f.frame());
  };
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.tds_in = 5000; }), "ok");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.tds_in = 5001; }), "tds_in");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.tds_out = 65535; }), "tds_out");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.flow = 3001; }), "flow_lpm");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.pressure = 1000; }), "ok");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.pressure = 1001; }), "pressure_kpa");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.temp = 1100; }), "ok");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.temp = 1101; }), "temp_c");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.temp = -101; }), "temp_c");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.tank = 101; }), "tank_pct");
  EXPECT_EQ(field_of([](TelemetryFields& f) { f.pump = 20001; }), "pump_a");
  TelemetryFields f;
  f.flow = 3001;
  EXPECT_EQ(decode_hx_uplink(f.frame()).error().to_string(),
            "out_of_range (flow_lpm): flow_lpm must be a number from 0 to 30, got 30.01");
}

TEST(HxDispense, TextFieldsArePrintableAsciiPaddedWithNul) {
  const Result<HxUplink> full =
      decode_hx_uplink(dispense_frame("0123456789abcdef", "card token ~!"));
  ASSERT_TRUE(full.ok()) << full.error().to_string();
  const auto& d = std::get<Dispense>(std::get<Event>(*full).body);
  EXPECT_EQ(d.txn, "0123456789abcdef");
  EXPECT_EQ(d.card, "card token ~!");
  EXPECT_EQ(error_field(dispense_frame("", "c")), "txn");
  EXPECT_EQ(error_field(dispense_frame("t", "")), "card");
  EXPECT_EQ(error_field(dispense_frame("t\x01", "c")), "txn");
  EXPECT_EQ(error_field(dispense_frame("t", "c\x7f")), "card");
  EXPECT_EQ(error_field(dispense_frame("t\xc3\xa9", "c")), "txn");
  EXPECT_EQ(error_field(dispense_frame(std::string("t\0x", 3), "c")), "txn");
  EXPECT_EQ(error_field(dispense_frame("t", "c", 0)), "requested_ml");
  EXPECT_EQ(error_code(dispense_frame("t", "c", 500, 15)), "bad_length");
}

TEST(HxFault, CodeAndActiveAreChecked) {
  const auto fault = [](unsigned code, unsigned active) {
    return make_frame(0x04, Payload().u32(1).u32(2).u16(code).u8(active).u8(0xFF).bytes());
  };
  for (unsigned code = 1; code <= 8; ++code) {
    const Result<HxUplink> decoded = decode_hx_uplink(fault(code, 0));
    ASSERT_TRUE(decoded.ok()) << code;
    EXPECT_EQ(std::get<Event>(*decoded),
              (Event{1000, 2, Fault{*fault_code_from_number(static_cast<int>(code)), false}}));
  }
  EXPECT_EQ(error_field(fault(0, 1)), "code");
  EXPECT_EQ(error_field(fault(9, 1)), "code");
  EXPECT_EQ(error_field(fault(0x0101, 1)), "code");
  EXPECT_EQ(error_field(fault(1, 2)), "active");
}

TEST(HxCommand, ActionsAndErrors) {
  const auto command = [](unsigned action) {
    return make_frame(0x81, Payload().u32(60).u8(action).u8(0).u16(0).bytes());
  };
  EXPECT_EQ(decode_hx_command(command(2))->cmd, CommandKind::kUnlock);
  EXPECT_EQ(decode_hx_command(command(2))->ts_ms, 60000);
  EXPECT_EQ(decode_hx_command(command(0)).error().field, "action");
  EXPECT_EQ(decode_hx_command(command(4)).error().field, "action");
  EXPECT_EQ(decode_hx_command(make_frame(0x03, Payload().u32(1).u32(1).bytes())).error().code,
            "unknown_command");
}

TEST(HxEncode, RefusesWhatAFrameCannotCarry) {
  EXPECT_EQ(
      encode_hx_event(Event{1, 1, Maintenance{MaintenanceAction::kCleaning, "li"}}).error().code,
      "unsupported_message");
  EXPECT_EQ(
      encode_hx_event(Event{1, 1, Dispense{std::string(17, 't'), "c", 1, 1, 1}}).error().field,
      "txn");
  EXPECT_EQ(encode_hx_event(Event{1, 1, Dispense{"t", "水", 1, 1, 1}}).error().field, "card");
  EXPECT_EQ(encode_hx_event(Event{1, 1, Dispense{"t", "c", 1, 70000, 1}}).error().field,
            "requested_ml");
  EXPECT_EQ(encode_hx_heartbeat(Heartbeat{-1, 0}).error().field, "ts");
  EXPECT_EQ(encode_hx_heartbeat(Heartbeat{4294967296000, 0}).error().field, "ts");
  EXPECT_TRUE(encode_hx_heartbeat(Heartbeat{4294967295999, 0}).ok());
  Telemetry t;
  t.filter_l = 4294967296;
  EXPECT_EQ(encode_hx_telemetry(t).error().field, "filter_l");
  t.filter_l = 0;
  t.temp_c = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(encode_hx_telemetry(t).error().field, "temp_c");
  t.temp_c = -3276.9;
  EXPECT_EQ(encode_hx_telemetry(t).error().field, "temp_c");
  t.temp_c = 0;
  t.flow_lpm = 655.36;
  EXPECT_EQ(encode_hx_telemetry(t).error().field, "flow_lpm");
}

TEST(HxEncode, RoundsToWireUnits) {
  Telemetry t;
  t.ts_ms = 1999;  // down to 1 s
  t.flow_lpm = 1.234;
  t.temp_c = 21.26;
  t.pump_a = 0.0004;
  const Result<HxUplink> decoded = decode_hx_uplink(*encode_hx_telemetry(t));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  const auto& back = std::get<Telemetry>(*decoded);
  EXPECT_EQ(back.ts_ms, 1000);
  EXPECT_EQ(back.flow_lpm, 1.23);
  EXPECT_EQ(back.temp_c, 21.3);
  EXPECT_EQ(back.pump_a, 0);
  EXPECT_EQ(back.tank_pct, 0);  // absent optional members go out as 0 / false
  EXPECT_EQ(back.uv_ok, false);
}

}  // namespace
}  // namespace wm::protocols
