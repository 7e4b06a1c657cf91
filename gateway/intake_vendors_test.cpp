// The intake of hx-binary frames and tb-gateway hub messages, built with the protocols
// library's encoders (themselves checked against PROTOCOLS.md in protocols/).
#include <gtest/gtest.h>

#include "gateway/gateway_fixture.h"
#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"

namespace wm::gateway {
namespace {

using protocols::Telemetry;
using testing::GatewayFixture;

constexpr std::int64_t kTs = 1'795'400'000'000;

Telemetry sample(std::int64_t ts_ms, std::uint32_t seq, double tds_out) {
  Telemetry t;
  t.ts_ms = ts_ms;
  t.seq = seq;
  t.tds_in = 210;
  t.tds_out = tds_out;
  t.pressure_kpa = 300;
  t.temp_c = 20.5;
  t.filter_l = 100;
  return t;
}

std::string hx_telemetry(std::int64_t ts_ms, std::uint32_t seq, double tds_out) {
  return protocols::encode_hx_telemetry(sample(ts_ms, seq, tds_out)).value();
}

TEST(IntakeHxTest, TelemetryFramesReachTheTwin) {
  GatewayFixture g;
  g.intake.on_message("hx/hx-0001/up", hx_telemetry(kTs, 5, 14));
  g.fleet.read([](const auto&, const auto& twins) {
    const auto& t = twins.at("hx-0001").telemetry();
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->seq, 5u);
    EXPECT_DOUBLE_EQ(t->tds_out, 14);
  });
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kTelemetry), 1u);
}

TEST(IntakeHxTest, DispenseFramesAreDurableAndCountedOnce) {
  GatewayFixture g;
  protocols::Event e{kTs, 9, protocols::Dispense{"t-77", "c-5", 80, 800, 800}};
  const std::string frame = protocols::encode_hx_event(e).value();
  g.intake.on_message("hx/hx-0001/up", frame);
  g.intake.on_message("hx/hx-0001/up", frame);
  EXPECT_EQ(g.store.count_events("hx-0001"), 1);
  EXPECT_EQ(g.metrics.duplicate_count(), 1u);
}

TEST(IntakeHxTest, HeartbeatsProveTheMachineAlive) {
  GatewayFixture g;
  g.intake.on_message("hx/hx-0001/up",
                      protocols::encode_hx_heartbeat(protocols::Heartbeat{kTs, 3}).value());
  EXPECT_EQ(g.fleet.twin_row("hx-0001")->last_seen_ms, kTs);
  EXPECT_EQ(g.fleet.twin_row("hx-0001")->online, true);
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kHeartbeat), 1u);
}

TEST(IntakeHxTest, BadFramesAndWrongMachinesAreQuarantined) {
  GatewayFixture g;
  std::string bad_crc = hx_telemetry(kTs, 1, 10);
  bad_crc.back() = static_cast<char>(bad_crc.back() ^ 0x5A);
  g.intake.on_message("hx/hx-0001/up", bad_crc);
  g.intake.on_message("hx/hx-0001/up", hx_telemetry(kTs, 1, 10).substr(0, 20));
  g.intake.on_message("hx/hx-9999/up", hx_telemetry(kTs, 1, 10));
  g.intake.on_message("hx/wm-0001/up", hx_telemetry(kTs, 1, 10));  // a wm-json-v1 machine
  g.intake.on_message("hx/bad id/up", hx_telemetry(kTs, 1, 10));
  g.writer.flush();
  std::multiset<std::string> reasons;
  for (const auto& r : g.store.list_quarantine(QuarantineQuery{})) reasons.insert(r.reason);
  EXPECT_EQ(reasons, (std::multiset<std::string>{"bad_crc", "bad_length", "unknown_device",
                                                 "protocol_mismatch", "bad_id"}));
  EXPECT_FALSE(g.fleet.twin_row("hx-0001")->telemetry_json.has_value());
}

TEST(IntakeTbTest, AHubMessageIsTakenSampleBySampleAndMachineByMachine) {
  GatewayFixture g;
  Telemetry older = sample(kTs, 0, 11);
  older.has_seq = false;
  Telemetry newer = sample(kTs + 60'000, 0, 12);
  newer.has_seq = false;
  std::vector<protocols::TbDeviceSamples> devices = {
      {"tb-0001", {newer, older}},        // out of order inside the message: newest wins
      {"wm-7777", {sample(kTs, 1, 10)}},  // unknown to the inventory
      {"wm-0001", {sample(kTs, 1, 10)}},  // known, but not behind a hub
  };
  g.intake.on_message("v1/gateway/telemetry", protocols::encode_tb_telemetry(devices));
  g.fleet.read([](const auto&, const auto& twins) {
    EXPECT_DOUBLE_EQ(twins.at("tb-0001").telemetry()->tds_out, 12);
  });
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kTelemetry), 2u);
  g.writer.flush();
  std::multiset<std::string> reasons;
  for (const auto& r : g.store.list_quarantine(QuarantineQuery{})) reasons.insert(r.reason);
  EXPECT_EQ(reasons, (std::multiset<std::string>{"unknown_device", "protocol_mismatch"}));
}

TEST(IntakeTbTest, ABadSampleIsRejectedAloneWithItsReason) {
  GatewayFixture g;
  const std::string payload =
      R"({"tb-0001":[{"ts":1795400000000,"values":{"tds_in":200,"tds_out":9000,"flow_lpm":0,)"
      R"("pressure_kpa":300,"temp_c":20,"filter_l":5}},{"ts":1795400060000,"values":{"tds_in":200,)"
      R"("tds_out":9,"flow_lpm":0,"pressure_kpa":300,"temp_c":20,"filter_l":5}}]})";
  g.intake.on_message("v1/gateway/telemetry", payload);
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kTelemetry), 1u);
  g.writer.flush();
  auto rows = g.store.list_quarantine(QuarantineQuery{});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].reason, "out_of_range");
  EXPECT_EQ(rows[0].device_id, "tb-0001");
  g.intake.on_message("v1/gateway/telemetry", "[1,2,3]");
  g.writer.flush();
  EXPECT_EQ(g.store.list_quarantine(QuarantineQuery{}).size(), 2u);
}

TEST(IntakeTbTest, ConnectAndDisconnectSetOnline) {
  GatewayFixture g;
  g.intake.on_message("v1/gateway/connect", protocols::encode_tb_device("tb-0001"));
  EXPECT_EQ(g.fleet.twin_row("tb-0001")->online, true);
  g.clock.advance_ms(1000);
  g.intake.on_message("v1/gateway/disconnect", protocols::encode_tb_device("tb-0001"));
  EXPECT_EQ(g.fleet.twin_row("tb-0001")->online, false);
  g.intake.on_message("v1/gateway/connect", protocols::encode_tb_device("hx-0001"));
  g.writer.flush();
  auto rows = g.store.list_quarantine(QuarantineQuery{});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].reason, "protocol_mismatch");
}

TEST(IntakeTest, TopicsOfNoProtocolAreQuarantined) {
  GatewayFixture g;
  g.intake.on_message("v1/gateway/attributes", "{}");
  g.intake.on_message("somewhere/else", "x");
  g.writer.flush();
  EXPECT_EQ(g.store.list_quarantine(QuarantineQuery{}).size(), 2u);
  EXPECT_EQ(g.metrics.quarantined_count("bad_topic"), 2u);
}

}  // namespace
}  // namespace wm::gateway
