// decode(encode(x)) == x over seeded random messages inside the protocol's ranges.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "protocols/wm_json.h"

namespace wm::protocols {
namespace {

constexpr int kMessagesPerTest = 2000;

// Random values of the protocol's types. The seed is fixed, so every run checks the same
// messages; a failure names the message.
class MessageGenerator {
 public:
  explicit MessageGenerator(std::uint64_t seed) : random_(seed) {}

  std::int64_t integer(std::int64_t min, std::int64_t max) {
    // A third of the values sit on the bounds, where mistakes live.
    switch (std::uniform_int_distribution<int>(0, 5)(random_)) {
      case 0:
        return min;
      case 1:
        return max;
      default:
        return std::uniform_int_distribution<std::int64_t>(min, max)(random_);
    }
  }

  double number(double min, double max) {
    switch (std::uniform_int_distribution<int>(0, 7)(random_)) {
      case 0:
        return min;
      case 1:
        return max;
      case 2:  // smallest values, subnormal included, must survive the text round trip
        return min < 0 ? -std::numeric_limits<double>::denorm_min()
                       : std::numeric_limits<double>::denorm_min();
      case 3:  // whole numbers are written as 12.0 and must come back as doubles
        return static_cast<double>(
            integer(static_cast<std::int64_t>(min), static_cast<std::int64_t>(max)));
      default:
        return std::uniform_real_distribution<double>(min, max)(random_);
    }
  }

  bool coin() { return std::uniform_int_distribution<int>(0, 1)(random_) == 1; }

  template <class T>
  std::optional<T> maybe(T value) {
    return coin() ? std::optional<T>(value) : std::nullopt;
  }

  // `min_chars` to `max_chars` characters, with ones JSON must escape and multi-byte ones.
  std::string text(std::size_t min_chars, std::size_t max_chars) {
    static const std::vector<std::string> kAlphabet = {"a",
                                                       "Z",
                                                       "0",
                                                       "-",
                                                       "_",
                                                       " ",
                                                       "\"",
                                                       "\\",
                                                       "/",
                                                       "\n",
                                                       "\t",
                                                       std::string("\x01"),
                                                       std::string("\x7f"),
                                                       "é",
                                                       "水",
                                                       "😀",
                                                       "\u2028"};
    const std::size_t length = static_cast<std::size_t>(
        integer(static_cast<std::int64_t>(min_chars), static_cast<std::int64_t>(max_chars)));
    std::string out;
    for (std::size_t i = 0; i < length; ++i) {
      out +=
          kAlphabet[std::uniform_int_distribution<std::size_t>(0, kAlphabet.size() - 1)(random_)];
    }
    return out;
  }

  Telemetry telemetry() {
    Telemetry t;
    t.ts_ms = integer(0, std::numeric_limits<std::int64_t>::max());
    t.seq = static_cast<std::uint32_t>(integer(0, std::numeric_limits<std::uint32_t>::max()));
    t.tds_in = number(0, 5000);
    t.tds_out = number(0, 5000);
    t.flow_lpm = number(0, 30);
    t.pressure_kpa = number(0, 1000);
    t.temp_c = number(-10, 110);
    t.tank_pct = maybe(number(0, 100));
    t.uv_ok = maybe(coin());
    t.filter_l = integer(0, std::numeric_limits<std::int64_t>::max());
    t.pump_a = maybe(number(0, 20));
    t.leak = maybe(coin());
    t.door = maybe(coin());
    return t;
  }

  Event event() {
    Event e;
    e.ts_ms = integer(0, std::numeric_limits<std::int64_t>::max());
    e.seq = static_cast<std::uint32_t>(integer(0, std::numeric_limits<std::uint32_t>::max()));
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    switch (integer(0, 2)) {
      case 0:
        e.body =
            Dispense{text(1, 64), text(1, 64), integer(0, max), integer(1, max), integer(0, max)};
        break;
      case 1:
        e.body = Fault{*fault_code_from_number(static_cast<int>(integer(1, 8))), coin()};
        break;
      default:
        e.body = Maintenance{static_cast<MaintenanceAction>(integer(0, 5)), text(0, 20)};
        break;
    }
    return e;
  }

  Command command() {
    return Command{integer(0, std::numeric_limits<std::int64_t>::max()),
                   static_cast<CommandKind>(integer(0, 2)), text(0, 40), text(0, 40)};
  }

 private:
  std::mt19937_64 random_;
};

TEST(RoundTrip, Telemetry) {
  MessageGenerator generate(20241123);
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Telemetry t = generate.telemetry();
    const std::string payload = encode_telemetry(t);
    const Result<Telemetry> decoded = decode_telemetry(payload);
    ASSERT_TRUE(decoded.ok()) << i << ": " << payload << " -> " << decoded.error().to_string();
    ASSERT_EQ(*decoded, t) << i << ": " << payload;
    ASSERT_EQ(encode_telemetry(*decoded), payload);
  }
}

TEST(RoundTrip, Event) {
  MessageGenerator generate(7);
  int types_seen[3] = {0, 0, 0};
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Event e = generate.event();
    ++types_seen[e.body.index()];
    const std::string payload = encode_event(e);
    const Result<Event> decoded = decode_event(payload);
    ASSERT_TRUE(decoded.ok()) << i << ": " << payload << " -> " << decoded.error().to_string();
    ASSERT_EQ(*decoded, e) << i << ": " << payload;
  }
  for (int seen : types_seen) EXPECT_GT(seen, kMessagesPerTest / 5);
}

TEST(RoundTrip, Status) {
  MessageGenerator generate(11);
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Status s{generate.integer(0, std::numeric_limits<std::int64_t>::max()), generate.coin()};
    ASSERT_EQ(*decode_status(encode_status(s)), s) << encode_status(s);
  }
}

TEST(RoundTrip, Command) {
  MessageGenerator generate(13);
  for (int i = 0; i < kMessagesPerTest; ++i) {
    const Command c = generate.command();
    const std::string payload = encode_command(c);
    const Result<Command> decoded = decode_command(payload);
    ASSERT_TRUE(decoded.ok()) << i << ": " << payload << " -> " << decoded.error().to_string();
    ASSERT_EQ(*decoded, c) << i << ": " << payload;
  }
}

TEST(Encode, IsCompactAndWritesOptionalFieldsOnlyWhenPresent) {
  Telemetry t;
  t.tds_in = 312.5;
  EXPECT_EQ(encode_telemetry(t),
            R"({"ts":0,"seq":0,"tds_in":312.5,"tds_out":0.0,"flow_lpm":0.0,"pressure_kpa":0.0,)"
            R"("temp_c":0.0,"filter_l":0})");
  EXPECT_EQ(encode_command(Command{5, CommandKind::kUnlock, "", ""}), R"({"ts":5,"cmd":"unlock"})");
  EXPECT_EQ(encode_status(Status{5, false}), R"({"ts":5,"online":false})");
}

TEST(Encode, NeverThrowsOnStringsThatAreNotUtf8) {
  Command c{1, CommandKind::kLock, "bad \xff byte", "T-1"};
  std::string payload;
  ASSERT_NO_THROW(payload = encode_command(c));
  const Result<Command> decoded = decode_command(payload);
  ASSERT_TRUE(decoded.ok()) << payload;
  EXPECT_EQ(decoded->reason, "bad \xef\xbf\xbd byte");  // U+FFFD in place of the bad byte
}

TEST(Encode, ValuesOutOfRangeAreRejectedByTheDecoder) {
  Telemetry t;
  t.tds_out = 6000;
  EXPECT_EQ(decode_telemetry(encode_telemetry(t)).error().code, "out_of_range");
  t.tds_out = std::numeric_limits<double>::quiet_NaN();  // written as null
  EXPECT_EQ(decode_telemetry(encode_telemetry(t)).error().code, "wrong_type");
  Event e{1, 1, Dispense{"", "card", 1, 1, 1}};
  EXPECT_EQ(decode_event(encode_event(e)).error().field, "txn");
}

}  // namespace
}  // namespace wm::protocols
