// End to end through real processes: a Mosquitto on a free loopback port, wm-gateway as
// a child process, messages written by hand from PROTOCOLS.md published with Paho, and
// the answers read back over HTTP as a client would.
#include "tests/gateway_process_fixture.h"

namespace wm::tests {
namespace {

using nlohmann::json;

TEST_F(GatewayIntegrationTest, TelemetryReachesTheTwinThroughRest) {
  publish("wm/v1/s-001/wm-0001/status", R"({"ts":1795400000000,"online":true})");
  publish("wm/v1/s-001/wm-0001/telemetry", telemetry(kTs + 5000, 17, 11.75), 0);
  ASSERT_TRUE(wait_until([&] { return twin("wm-0001")["telemetry"].value("seq", -1) == 17; }));
  auto t = twin("wm-0001");
  EXPECT_EQ(t["online"], true);
  EXPECT_EQ(t["site_kind"], "school");
  EXPECT_EQ(t["telemetry"]["tds_out"], 11.75);
  EXPECT_EQ(t["telemetry"]["pressure_kpa"], 310);
  EXPECT_EQ(t["last_seen"], "2026-11-23T02:13:25.000Z");
}

TEST_F(GatewayIntegrationTest, TheSameDispenseTwiceIsStoredOnce) {
  const std::string dispense =
      R"({"ts":1795400001000,"seq":18,"type":"dispense","txn":"t-9001","card":"c-000042",)"
      R"("charged_fen":50,"requested_ml":500,"dispensed_ml":500})";
  publish("wm/v1/s-001/wm-0001/event", dispense);
  publish("wm/v1/s-001/wm-0001/event", dispense);
  ASSERT_TRUE(wait_until([&] { return metric("wm_messages_duplicate_total") == 1; }));
  EXPECT_EQ(stored_events("wm-0001"), 1);
}

TEST_F(GatewayIntegrationTest, BadMessagesAreQuarantinedWhileTheirNeighboursAreTaken) {
  publish("wm/v1/s-001/wm-0001/telemetry", R"({"ts":1795400000000,"seq":1,"tds_in":)");
  publish("wm/v1/s-001/wm-4242/telemetry", telemetry(kTs, 1, 10));
  publish("wm/v1/s-001/wm-0001/telemetry", telemetry(kTs, 2, 6000));  // tds_out out of range
  publish("wm/v1/s-001/wm-0001/telemetry", telemetry(kTs + 1000, 3, 9.5));
  ASSERT_TRUE(wait_until([&] { return twin("wm-0001")["telemetry"].value("seq", -1) == 3; }));
  json items;
  ASSERT_TRUE(wait_until([&] {
    auto r = get("/api/v1/quarantine", admin_);
    if (r.status != 200) return false;
    items = json::parse(r.body)["items"];
    return items.size() == 3;
  }));
  std::multiset<std::string> reasons;
  for (const auto& i : items) reasons.insert(i["reason"].get<std::string>());
  EXPECT_EQ(reasons,
            (std::multiset<std::string>{"malformed_json", "unknown_device", "out_of_range"}));
  auto unknown = json::parse(get("/api/v1/quarantine?reason=unknown_device", admin_).body);
  ASSERT_EQ(unknown["items"].size(), 1u);
  EXPECT_EQ(unknown["items"][0]["device_id"], "wm-4242");
  EXPECT_EQ(unknown["items"][0]["topic"], "wm/v1/s-001/wm-4242/telemetry");
}

TEST_F(GatewayIntegrationTest, TokensAndScopeBehaveAsApiMdSays) {
  auto pm8 = add_token("property", "pm-8");
  EXPECT_EQ(get("/api/v1/devices/wm-0002", pm8).status, 200);
  EXPECT_EQ(get("/api/v1/devices/wm-0001", pm8).status, 404);  // another property's site
  EXPECT_EQ(get("/api/v1/devices", "wm_bogus").status, 401);
  EXPECT_EQ(http_request(http_port_, "GET", "/api/v1/devices").status, 401);
  EXPECT_EQ(get("/api/v1/quarantine", pm8).status, 403);
  auto list = json::parse(get("/api/v1/devices", pm8).body);
  ASSERT_EQ(list["items"].size(), 2u);  // s-002 of pm-8 only, in id order
  EXPECT_EQ(list["items"][0]["id"], "hx-0001");
  EXPECT_EQ(list["items"][1]["id"], "wm-0002");
}

TEST_F(GatewayIntegrationTest, ABrokerRestartIsSurvived) {
  publish("wm/v1/s-002/wm-0002/telemetry", telemetry(kTs, 1, 8));
  ASSERT_TRUE(wait_until([&] { return twin("wm-0002")["telemetry"].value("seq", -1) == 1; }));
  publisher_->disconnect()->wait();
  broker_->stop();
  ASSERT_TRUE(wait_until([&] { return metric("wm_mqtt_connected") == 0; }));
  broker_->start();
  ASSERT_TRUE(
      wait_until([&] { return metric("wm_mqtt_connected") == 1; }, std::chrono::seconds(30)))
      << read_text(dir_ + "/gateway.log");
  publisher_->connect()->wait();
  publish("wm/v1/s-002/wm-0002/telemetry", telemetry(kTs + 60'000, 2, 9));
  EXPECT_TRUE(wait_until([&] { return twin("wm-0002")["telemetry"].value("seq", -1) == 2; }));
  EXPECT_GE(metric("wm_mqtt_reconnects_total"), 1);
}

TEST_F(GatewayIntegrationTest, EventsSentWhileTheGatewayIsDownArriveAfterItsRestart) {
  ASSERT_EQ(gateway_->stop(SIGTERM), 0);
  // The broker keeps the gateway's persistent session and queues QoS 1 messages for it.
  const std::string dispense =
      R"({"ts":1795400002000,"seq":30,"type":"dispense","txn":"t-while-down","card":"c-7",)"
      R"("charged_fen":120,"requested_ml":1200,"dispensed_ml":1200})";
  publish("wm/v1/s-002/wm-0002/event", dispense);
  start_gateway();
  EXPECT_TRUE(wait_until([&] { return stored_events("wm-0002") == 1; }));
}

TEST_F(GatewayIntegrationTest, VendorFramesAndHubMessagesReachTheTwins) {
  std::string t;          // 0x01 telemetry, 28 bytes
  put(t, 1795400100, 4);  // ts (s)
  put(t, 42, 4);          // seq
  put(t, 230, 2);         // tds_in
  put(t, 12, 2);          // tds_out
  put(t, 150, 2);         // flow 1.50 L/min
  put(t, 280, 2);         // pressure
  put(t, 0xFFEC, 2);      // temp -2.0 C (i16)
  put(t, 77, 1);          // tank %
  put(t, 0b101, 1);       // uv_ok, door
  put(t, 5123, 4);        // filter litres
  put(t, 1750, 2);        // pump mA
  put(t, 0, 2);           // reserved
  publish("hx/hx-0001/up", hx_frame(0x01, t));
  std::string corrupt = hx_frame(0x01, t);
  corrupt[10] ^= 0x01;
  publish("hx/hx-0001/up", corrupt);
  publish("v1/gateway/connect", R"({"device":"tb-0001"})");
  publish("v1/gateway/telemetry",
          R"({"tb-0001":[{"ts":1795400000000,"values":{"tds_in":200,"tds_out":8,"flow_lpm":0,)"
          R"("pressure_kpa":300,"temp_c":20,"filter_l":5}}],"tb-9999":[{"ts":1795400000000,)"
          R"("values":{"tds_in":200,"tds_out":8,"flow_lpm":0,"pressure_kpa":300,"temp_c":20,)"
          R"("filter_l":5}}]})");
  ASSERT_TRUE(wait_until([&] { return twin("hx-0001")["telemetry"].value("seq", -1) == 42; }));
  auto hx = twin("hx-0001")["telemetry"];
  EXPECT_EQ(hx["flow_lpm"], 1.5);
  EXPECT_EQ(hx["temp_c"], -2.0);
  EXPECT_EQ(hx["pump_a"], 1.75);
  EXPECT_EQ(hx["uv_ok"], true);
  EXPECT_EQ(hx["leak"], false);
  EXPECT_EQ(hx["door"], true);
  EXPECT_EQ(hx["filter_l"], 5123);
  ASSERT_TRUE(wait_until([&] { return twin("tb-0001")["telemetry"].value("tds_out", -1.0) == 8; }));
  EXPECT_EQ(twin("tb-0001")["online"], true);
  std::multiset<std::string> reasons;
  HttpResult last;
  ASSERT_TRUE(wait_until([&] {
    auto r = get("/api/v1/quarantine", admin_);
    last = r;
    reasons.clear();
    const json page = json::parse(r.body);
    for (const auto& i : page["items"]) reasons.insert(i["reason"].get<std::string>());
    return reasons.size() >= 2;
  })) << last.status
      << " " << last.body;
  EXPECT_EQ(reasons, (std::multiset<std::string>{"bad_crc", "unknown_device"}));
}

TEST_F(GatewayIntegrationTest, AGatewayKilledMidStreamLosesAndDoublesNoDispense) {
  // Dispenses go out at QoS 1 while the gateway is killed with SIGKILL and started again.
  // Every txn must be stored exactly once: acknowledged ones were durable before the ack,
  // unacknowledged ones are redelivered by the broker to the persistent session.
  constexpr int kCount = 400;
  std::thread sender([this] {
    for (int i = 0; i < kCount; ++i) {
      json d = {{"ts", kTs + i},       {"seq", 1000 + i},
                {"type", "dispense"},  {"txn", "t-kill-" + std::to_string(i)},
                {"card", "c-1"},       {"charged_fen", 30},
                {"requested_ml", 300}, {"dispensed_ml", 300}};
      publish("wm/v1/s-001/wm-0001/event", d.dump());
    }
  });
  ASSERT_TRUE(wait_until([&] { return stored_events("wm-0001") >= kCount / 4; }));
  gateway_->stop(SIGKILL);
  start_gateway();
  sender.join();
  EXPECT_TRUE(
      wait_until([&] { return stored_events("wm-0001") == kCount; }, std::chrono::seconds(30)))
      << stored_events("wm-0001");
}

}  // namespace
}  // namespace wm::tests
