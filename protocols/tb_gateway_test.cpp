// tb-gateway: golden hub messages (protocols/testdata/tb_gateway), per-sample rejection,
// whole-message rejection, and round trips over seeded random messages.
#include "protocols/tb_gateway.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace wm::protocols {
namespace {

std::string golden(const std::string& name) {
  const char* source_dir = std::getenv("WM_SOURCE_DIR");
  const std::string path = source_dir != nullptr
                               ? std::string(source_dir) + "/protocols/testdata/tb_gateway/" + name
                               : WM_PROTOCOLS_TESTDATA_DIR "/tb_gateway/" + name;
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << file.rdbuf();
  std::string text = bytes.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

Telemetry sample(std::int64_t ts_ms, std::uint32_t seq, double tds_in, double tds_out, double flow,
                 double pressure, double temp, std::int64_t filter_l) {
  Telemetry t;
  t.ts_ms = ts_ms;
  t.seq = seq;
  t.tds_in = tds_in;
  t.tds_out = tds_out;
  t.flow_lpm = flow;
  t.pressure_kpa = pressure;
  t.temp_c = temp;
  t.filter_l = filter_l;
  return t;
}

std::vector<TbDeviceSamples> two_devices() {
  Telemetry second = sample(1732330060123, 42, 312, 8, 1.75, 240, 21, 1235);
  second.tank_pct = 76.5;
  second.uv_ok = true;
  second.pump_a = 1.32;
  second.leak = false;
  second.door = false;
  Telemetry no_seq = sample(1732330000456, 0, 100, 5, 0, 300, -2.5, 0);
  no_seq.has_seq = false;
  return {{"m-0001", {sample(1732330000123, 41, 312.5, 8.25, 0, 245, 21.5, 1234), second}},
          {"m-0002", {no_seq}}};
}

TEST(TbTelemetry, GoldenManyDevicesManySamples) {
  const std::string payload = golden("telemetry_two_devices.json");
  const Result<std::vector<TbSample>> decoded = decode_tb_telemetry(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  const std::vector<TbDeviceSamples> expected = two_devices();
  ASSERT_EQ(decoded->size(), 3u);
  const std::size_t devices[] = {0, 0, 1};
  const std::size_t indexes[] = {0, 1, 0};
  for (std::size_t i = 0; i < 3; ++i) {
    const TbSample& s = (*decoded)[i];
    ASSERT_TRUE(s.telemetry.ok()) << i << ": " << s.telemetry.error().to_string();
    EXPECT_EQ(s.device_id, expected[devices[i]].device_id);
    EXPECT_EQ(s.index, indexes[i]);
    EXPECT_EQ(*s.telemetry, expected[devices[i]].samples[indexes[i]]) << i;
  }
  EXPECT_FALSE((*decoded)[2].telemetry->has_seq);
  EXPECT_EQ(encode_tb_telemetry(expected), payload);
}

TEST(TbTelemetry, GoldenBadSamplesAreRejectedOneByOne) {
  const Result<std::vector<TbSample>> decoded =
      decode_tb_telemetry(golden("telemetry_partly_bad.json"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  const struct {
    const char* device;
    std::size_t index;
    const char* code;  // "ok" for a sample that is taken
    const char* field;
  } expected[] = {
      {"m-0001", 0, "ok", ""},
      {"m-0001", 1, "out_of_range", "tds_out"},
      {"m-0001", 2, "wrong_type", ""},
      {"m-0001", 3, "missing_field", "ts"},
      {"m-0001", 4, "missing_field", "values"},
      {"bad id!", 0, "bad_id", "device"},
      {"m-0003", 0, "wrong_type", "device"},
      {"m-0004", 0, "ok", ""},
  };
  ASSERT_EQ(decoded->size(), std::size(expected));
  for (std::size_t i = 0; i < decoded->size(); ++i) {
    SCOPED_TRACE(i);
    const TbSample& s = (*decoded)[i];
    EXPECT_EQ(s.device_id, expected[i].device);
    EXPECT_EQ(s.index, expected[i].index);
    if (std::string(expected[i].code) == "ok") {
      ASSERT_TRUE(s.telemetry.ok()) << s.telemetry.error().to_string();
    } else {
      ASSERT_FALSE(s.telemetry.ok());
      EXPECT_EQ(s.telemetry.error().code, expected[i].code) << s.telemetry.error().to_string();
      EXPECT_EQ(s.telemetry.error().field, expected[i].field) << s.telemetry.error().to_string();
    }
  }
  EXPECT_EQ((*decoded)[1].telemetry.error().message,
            "device 'm-0001' sample 1: tds_out must be a number from 0 to 5000, got 6000");
  // Unknown members, nested or not, and a ts inside values are ignored.
  const Telemetry& last = *(*decoded)[7].telemetry;
  EXPECT_EQ(last.ts_ms, 1732330000999);
  EXPECT_EQ(last.seq, 7u);
  EXPECT_TRUE(last.has_seq);
}

TEST(TbTelemetry, PayloadsThatAreNotAnObjectAreRejectedWhole) {
  for (const std::string& payload :
       {golden("telemetry_not_an_object.json"), golden("telemetry_truncated.json"), std::string(""),
        std::string("null"), std::string("5"), std::string("\"m-1\""),
        std::string("{\"m-1\":[]} {}"), std::string("{\"m-1\":[]}\0x", 12),
        std::string("{\"m-1\":[{\"ts\":1,\"values\":{}}],}")}) {
    SCOPED_TRACE(payload);
    const Result<std::vector<TbSample>> decoded = decode_tb_telemetry(payload);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, "malformed_json");
  }
}

TEST(TbTelemetry, SampleFieldsAreCheckedAsWmJsonChecksThem) {
  const auto first = [](const std::string& values, const std::string& ts = "1") {
    const auto decoded =
        decode_tb_telemetry(R"({"m-1":[{"ts":)" + ts + R"(,"values":)" + values + "}]}");
    EXPECT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->size(), 1u);
    return decoded->front().telemetry;
  };
  const std::string good =
      R"("tds_in":1,"tds_out":2,"flow_lpm":3,"pressure_kpa":4,"temp_c":5,"filter_l":6)";
  EXPECT_TRUE(first("{" + good + "}").ok());
  EXPECT_FALSE(first("{" + good + "}")->has_seq);
  EXPECT_EQ(first("{" + good + R"(,"seq":4294967295})")->seq, 4294967295u);
  EXPECT_EQ(first("{" + good + R"(,"seq":4294967296})").error().field, "seq");
  EXPECT_EQ(first("{" + good + R"(,"seq":1.0})").error().code, "wrong_type");
  EXPECT_EQ(first("{" + good + R"(,"uv_ok":1})").error().field, "uv_ok");
  EXPECT_EQ(first(R"({"tds_in":1})").error().code, "missing_field");
  EXPECT_EQ(first("[1]").error().field, "values");
  EXPECT_EQ(first("7").error().code, "wrong_type");
  EXPECT_EQ(first("{" + good + "}", "1.5").error().code, "wrong_type");
  EXPECT_EQ(first("{" + good + "}", "-1").error().code, "out_of_range");
  EXPECT_EQ(first("{" + good + "}", "\"1\"").error().field, "ts");
}

TEST(TbTelemetry, EmptyMessagesAndArraysGiveNoSamples) {
  EXPECT_TRUE(decode_tb_telemetry("{}")->empty());
  EXPECT_TRUE(decode_tb_telemetry(R"({"m-1":[],"m-2":[]})")->empty());
  const auto scalar_entry = decode_tb_telemetry(R"({"m-1":5,"m-2":null})");
  ASSERT_EQ(scalar_entry->size(), 2u);
  EXPECT_EQ((*scalar_entry)[1].telemetry.error().code, "wrong_type");
}

TEST(TbTelemetry, AMessageIsReadUpToTheSampleLimit) {
  std::string payload = R"({"m-1":[)";
  for (std::size_t i = 0; i < kTbMaxSamplesPerMessage + 5; ++i) payload += i == 0 ? "1" : ",1";
  payload += "]}";
  const Result<std::vector<TbSample>> decoded = decode_tb_telemetry(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  ASSERT_EQ(decoded->size(), kTbMaxSamplesPerMessage + 1);
  EXPECT_EQ(decoded->front().telemetry.error().code, "wrong_type");
  EXPECT_EQ(decoded->back().telemetry.error().code, "too_many_samples");
  EXPECT_EQ(decoded->back().index, kTbMaxSamplesPerMessage);
  // Exactly the limit is read whole.
  std::string at_limit = R"({"m-1":[)";
  for (std::size_t i = 0; i < kTbMaxSamplesPerMessage; ++i) at_limit += i == 0 ? "1" : ",1";
  at_limit += "]}";
  EXPECT_EQ(decode_tb_telemetry(at_limit)->size(), kTbMaxSamplesPerMessage);
  EXPECT_EQ(decode_tb_telemetry(at_limit + "x").error().code, "malformed_json");
}

TEST(TbDevice, ConnectAndDisconnect) {
  EXPECT_EQ(*decode_tb_device(golden("connect.json")), "m-0001");
  EXPECT_EQ(*decode_tb_device(golden("disconnect.json")), "m-0002");
  EXPECT_EQ(decode_tb_device(golden("connect_bad_id.json")).error().code, "bad_id");
  EXPECT_EQ(decode_tb_device("{}").error().code, "missing_field");
  EXPECT_EQ(decode_tb_device(R"({"device":1})").error().code, "wrong_type");
  EXPECT_EQ(decode_tb_device("[]").error().code, "malformed_json");
  EXPECT_EQ(encode_tb_device("m-0001"), golden("connect.json"));
}

TEST(TbRpc, GoldenLock) {
  const TbRpc lock{"m-0001", 17, CommandKind::kLock, "tds_out 850 ppm over limit"};
  EXPECT_EQ(encode_tb_rpc(lock), golden("rpc_lock.json"));
  EXPECT_EQ(*decode_tb_rpc(golden("rpc_lock.json")), lock);
  EXPECT_EQ(encode_tb_rpc(TbRpc{"m-2", 1, CommandKind::kUnlock, ""}),
            R"({"device":"m-2","data":{"id":1,"method":"unlock","params":{}}})");
  EXPECT_EQ(decode_tb_rpc(R"({"device":"m","data":{"id":1,"method":"reboot"}})").error().field,
            "method");
  EXPECT_EQ(decode_tb_rpc(R"({"device":"m","data":{"id":1.5,"method":"lock"}})").error().field,
            "id");
  EXPECT_EQ(decode_tb_rpc(R"({"device":"m"})").error().code, "missing_field");
  EXPECT_EQ(decode_tb_rpc("{").error().code, "malformed_json");
}

class RandomHubMessages {
 public:
  explicit RandomHubMessages(std::uint64_t seed) : random_(seed) {}
  std::int64_t integer(std::int64_t min, std::int64_t max) {
    return std::uniform_int_distribution<std::int64_t>(min, max)(random_);
  }
  double number(double min, double max) {
    return std::uniform_real_distribution<double>(min, max)(random_);
  }
  bool coin() { return integer(0, 1) == 1; }
  template <class T>
  std::optional<T> maybe(T value) {
    return coin() ? std::optional<T>(value) : std::nullopt;
  }
  Telemetry telemetry() {
    Telemetry t = sample(integer(0, std::numeric_limits<std::int64_t>::max()),
                         static_cast<std::uint32_t>(integer(0, 0xFFFFFFFF)), number(0, 5000),
                         number(0, 5000), number(0, 30), number(0, 1000), number(-10, 110),
                         integer(0, std::numeric_limits<std::int64_t>::max()));
    t.has_seq = coin();
    if (!t.has_seq) t.seq = 0;
    t.tank_pct = maybe(number(0, 100));
    t.uv_ok = maybe(coin());
    t.pump_a = maybe(number(0, 20));
    t.leak = maybe(coin());
    t.door = maybe(coin());
    return t;
  }
  std::vector<TbDeviceSamples> message() {
    std::vector<TbDeviceSamples> devices(static_cast<std::size_t>(integer(0, 5)));
    for (std::size_t d = 0; d < devices.size(); ++d) {
      devices[d].device_id = "m-" + std::to_string(d) + "_" + std::to_string(integer(0, 999));
      devices[d].samples.resize(static_cast<std::size_t>(integer(0, 4)));
      for (Telemetry& t : devices[d].samples) t = telemetry();
    }
    return devices;
  }

 private:
  std::mt19937_64 random_;
};

TEST(TbRoundTrip, Telemetry) {
  RandomHubMessages generate(31);
  for (int i = 0; i < 1000; ++i) {
    const std::vector<TbDeviceSamples> devices = generate.message();
    const std::string payload = encode_tb_telemetry(devices);
    const Result<std::vector<TbSample>> decoded = decode_tb_telemetry(payload);
    ASSERT_TRUE(decoded.ok()) << payload << " -> " << decoded.error().to_string();
    std::size_t n = 0;
    for (const TbDeviceSamples& device : devices) {
      for (std::size_t s = 0; s < device.samples.size(); ++s, ++n) {
        ASSERT_LT(n, decoded->size()) << payload;
        const TbSample& got = (*decoded)[n];
        ASSERT_TRUE(got.telemetry.ok()) << payload << ": " << got.telemetry.error().to_string();
        ASSERT_EQ(got.device_id, device.device_id);
        ASSERT_EQ(got.index, s);
        ASSERT_EQ(*got.telemetry, device.samples[s]) << payload;
      }
    }
    ASSERT_EQ(n, decoded->size()) << payload;
  }
}

TEST(TbRoundTrip, Rpc) {
  RandomHubMessages generate(37);
  for (int i = 0; i < 1000; ++i) {
    const TbRpc rpc{"m-" + std::to_string(generate.integer(0, 99999)),
                    generate.integer(0, std::numeric_limits<std::int64_t>::max()),
                    static_cast<CommandKind>(generate.integer(0, 2)),
                    generate.coin() ? "" : "reason \"" + std::to_string(i) + "\" 水"};
    const Result<TbRpc> decoded = decode_tb_rpc(encode_tb_rpc(rpc));
    ASSERT_TRUE(decoded.ok()) << encode_tb_rpc(rpc) << " -> " << decoded.error().to_string();
    ASSERT_EQ(*decoded, rpc) << encode_tb_rpc(rpc);
  }
}

}  // namespace
}  // namespace wm::protocols
