// decode(encode(x)) == x over seeded random messages that a frame can carry exactly:
// whole seconds, values on the wire's grid (0.01 L/min, 0.1 degC, 1 mA), inside the
// protocol's ranges, every optional telemetry member present.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "protocols/hx_binary.h"

namespace wm::protocols {
namespace {

constexpr int kMessagesPerTest = 5000;

class FrameableMessages {
 public:
  explicit FrameableMessages(std::uint64_t seed) : random_(seed) {}

  std::int64_t integer(std::int64_t min, std::int64_t max) {
    switch (std::uniform_int_distribution<int>(0, 5)(random_)) {
      case 0:
        return min;
      case 1:
        return max;
      default:
        return std::uniform_int_distribution<std::int64_t>(min, max)(random_);
    }
  }
  std::uint32_t u32() { return static_cast<std::uint32_t>(integer(0, 0xFFFFFFFF)); }
  std::int64_t ts_ms() { return integer(0, 0xFFFFFFFF) * 1000; }
  bool coin() { return integer(0, 1) == 1; }

  // printable ASCII, 1 to 16 characters
  std::string text() {
    std::string out(static_cast<std::size_t>(integer(1, 16)), ' ');
    for (char& c : out) c = static_cast<char>(integer(0x20, 0x7E));
    return out;
  }

  Telemetry telemetry() {
    Telemetry t;
    t.ts_ms = ts_ms();
    t.seq = u32();
    t.tds_in = static_cast<double>(integer(0, 5000));
    t.tds_out = static_cast<double>(integer(0, 5000));
    t.flow_lpm = static_cast<double>(integer(0, 3000)) / 100.0;
    t.pressure_kpa = static_cast<double>(integer(0, 1000));
    t.temp_c = static_cast<double>(integer(-100, 1100)) / 10.0;
    t.tank_pct = static_cast<double>(integer(0, 100));
    t.uv_ok = coin();
    t.leak = coin();
    t.door = coin();
    t.filter_l = integer(0, 0xFFFFFFFF);
    t.pump_a = static_cast<double>(integer(0, 20000)) / 1000.0;
    return t;
  }

  Event event() {
    if (coin()) {
      return Event{
          ts_ms(), u32(),
          Dispense{text(), text(), integer(0, 0xFFFFFFFF), integer(1, 0xFFFF), integer(0, 0xFFFF)}};
    }
    return Event{ts_ms(), u32(),
                 Fault{*fault_code_from_number(static_cast<int>(integer(1, 8))), coin()}};
  }

 private:
  std::mt19937_64 random_;
};

template <class Message>
Message uplink_as(const std::string& frame) {
  const Result<HxUplink> decoded = decode_hx_uplink(frame);
  if (!decoded.ok()) {
    ADD_FAILURE() << decoded.error().to_string();
    return Message{};
  }
  return std::get<Message>(*decoded);
}

TEST(HxRoundTrip, Telemetry) {
  FrameableMessages generate(20241123);
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Telemetry t = generate.telemetry();
    const Result<std::string> frame = encode_hx_telemetry(t);
    ASSERT_TRUE(frame.ok()) << i << ": " << frame.error().to_string();
    ASSERT_EQ(uplink_as<Telemetry>(*frame), t) << i;
  }
}

TEST(HxRoundTrip, Events) {
  FrameableMessages generate(5);
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Event e = generate.event();
    const Result<std::string> frame = encode_hx_event(e);
    ASSERT_TRUE(frame.ok()) << i << ": " << frame.error().to_string();
    ASSERT_EQ(uplink_as<Event>(*frame), e) << i;
  }
}

TEST(HxRoundTrip, HeartbeatsAndCommands) {
  FrameableMessages generate(9);
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Heartbeat h{generate.ts_ms(), generate.u32()};
    ASSERT_EQ(uplink_as<Heartbeat>(*encode_hx_heartbeat(h)), h) << i;
    const Command c{generate.ts_ms(), static_cast<CommandKind>(generate.integer(0, 2)), "", ""};
    const Result<Command> decoded = decode_hx_command(*encode_hx_command(c));
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    ASSERT_EQ(*decoded, c) << i;
  }
}

}  // namespace
}  // namespace wm::protocols
