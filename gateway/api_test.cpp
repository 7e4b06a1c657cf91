#include "gateway/api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/api_test_util.h"

#include "gateway/gateway_fixture.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::body;
using testing::expect_error;
using testing::GatewayFixture;
using testing::telemetry_json;

constexpr std::int64_t kTs = 1'795'400'000'000;

TEST(ApiTest, HealthAndMetricsNeedNoToken) {
  GatewayFixture g;
  auto health = g.get("/healthz", "");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(body(health)["status"], "ok");
  auto metrics = g.get("/metrics", "");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("wm_messages_received_total"), std::string::npos);
}

TEST(ApiTest, MissingOrUnknownTokenIs401) {
  GatewayFixture g;
  expect_error(g.get("/api/v1/devices", ""), 401, "unauthorized");
  expect_error(g.get("/api/v1/devices", "wm_not_a_real_token"), 401, "unauthorized");
}

TEST(ApiTest, TheTwinShowsTheLatestTelemetry) {
  GatewayFixture g;
  auto admin = g.token("admin", "op-1");
  g.intake.on_message("wm/v1/s-001/wm-0001/status", R"({"ts":1795400000000,"online":true})");
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", telemetry_json(kTs + 1000, 3, 17.25));
  auto r = g.get("/api/v1/devices/wm-0001", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto twin = body(r);
  EXPECT_EQ(twin["id"], "wm-0001");
  EXPECT_EQ(twin["site"], "s-001");
  EXPECT_EQ(twin["site_kind"], "school");
  EXPECT_EQ(twin["online"], true);
  EXPECT_EQ(twin["last_seen"], "2026-11-23T02:13:21.000Z");
  EXPECT_EQ(twin["telemetry"]["tds_out"], 17.25);
  EXPECT_EQ(twin["telemetry"]["seq"], 3);
  EXPECT_EQ(twin["telemetry"]["uv_ok"], true);
  EXPECT_FALSE(twin["telemetry"].contains("pump_a"));  // not sent, not invented
  EXPECT_FALSE(twin.contains("health"));               // no real value yet
  EXPECT_EQ(twin["faults"], json::array());
  g.intake.on_message("wm/v1/s-001/wm-0001/event",
                      R"({"ts":1795400002000,"seq":4,"type":"fault","code":"E08","active":true})");
  auto faulty = body(g.get("/api/v1/devices/wm-0001", admin));
  ASSERT_EQ(faulty["faults"].size(), 1u);
  EXPECT_EQ(faulty["faults"][0]["code"], "E08");
  EXPECT_EQ(faulty["faults"][0]["kind"], "dispense_failure");
  EXPECT_EQ(faulty["faults"][0]["since"], "2026-11-23T02:13:22.000Z");
}

TEST(ApiTest, APropertyTokenSeesOnlyItsSites) {
  GatewayFixture g;
  auto pm7 = g.token("property", "pm-7");  // manages s-001 only
  auto list = body(g.get("/api/v1/devices", pm7));
  std::vector<std::string> ids;
  for (const auto& d : list["items"]) ids.push_back(d["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"wm-0001", "wm-0002"}));
  EXPECT_EQ(g.get("/api/v1/devices/wm-0001", pm7).status, 200);
  expect_error(g.get("/api/v1/devices/wm-0003", pm7), 404, "not_found");  // exists, not theirs
  expect_error(g.get("/api/v1/devices/nope", pm7), 404, "not_found");
}

TEST(ApiTest, ListsFilterAndPage) {
  GatewayFixture g;
  auto admin = g.token("admin", "op-1");
  auto malls = body(g.get("/api/v1/devices", admin, {{"kind", "mall"}}));
  EXPECT_EQ(malls["items"].size(), 3u);
  auto page1 = body(g.get("/api/v1/devices", admin, {{"limit", "3"}}));
  ASSERT_EQ(page1["items"].size(), 3u);
  ASSERT_TRUE(page1["next"].is_string());
  auto page2 = body(g.get("/api/v1/devices", admin,
                          {{"limit", "3"}, {"cursor", page1["next"].get<std::string>()}}));
  EXPECT_EQ(page2["items"].size(), 2u);
  EXPECT_TRUE(page2["next"].is_null());
  g.intake.on_message("wm/v1/s-001/wm-0002/status", R"({"ts":1795400000000,"online":false})");
  auto offline = body(g.get("/api/v1/devices", admin, {{"status", "offline"}}));
  ASSERT_EQ(offline["items"].size(), 1u);
  EXPECT_EQ(offline["items"][0]["id"], "wm-0002");
  expect_error(g.get("/api/v1/devices", admin, {{"kind", "castle"}}), 400, "bad_request");
  expect_error(g.get("/api/v1/devices", admin, {{"limit", "0"}}), 400, "bad_request");
  expect_error(g.get("/api/v1/devices", admin, {{"limit", "ten"}}), 400, "bad_request");
}

TEST(ApiTest, QuarantineListsRejectsWithReasonsForOperators) {
  GatewayFixture g;
  auto op = g.token("operator", "op-1");
  g.intake.on_message("wm/v1/s-001/wm-7777/telemetry", telemetry_json(kTs, 1));
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", "garbage");
  g.writer.flush();
  auto all = body(g.get("/api/v1/quarantine", op));
  ASSERT_EQ(all["items"].size(), 2u);
  EXPECT_EQ(all["items"][0]["reason"], "malformed_json");
  EXPECT_EQ(all["items"][0]["payload"], "garbage");
  EXPECT_EQ(all["items"][0]["payload_base64"], "Z2FyYmFnZQ==");
  EXPECT_EQ(all["items"][1]["reason"], "unknown_device");
  EXPECT_EQ(all["items"][1]["device_id"], "wm-7777");
  auto filtered = body(g.get("/api/v1/quarantine", op, {{"reason", "unknown_device"}}));
  EXPECT_EQ(filtered["items"].size(), 1u);
  expect_error(g.get("/api/v1/quarantine", g.token("property", "pm-7")), 403, "forbidden");
  expect_error(g.get("/api/v1/quarantine", op, {{"since", "last tuesday"}}), 400, "bad_request");
}

TEST(ApiTest, SelfServiceTokensCannotReadTheFleet) {
  GatewayFixture g;
  expect_error(g.get("/api/v1/devices", g.token("selfservice", "pm-7")), 403, "forbidden");
}

TEST(ApiTest, OnlyAdminsMergeTheInventory) {
  GatewayFixture g;
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/inventory";
  r.body = R"({"devices":[{"id":"wm-0100","site":"s-002","protocol":"wm-json-v1"}]})";
  r.headers["authorization"] = "Bearer " + g.token("operator", "op-1");
  expect_error(g.api.handle(r), 403, "forbidden");
  r.headers["authorization"] = "Bearer " + g.token("admin", "op-1");
  auto ok = g.api.handle(r);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok)["devices"], 6);
  EXPECT_TRUE(g.fleet.route("wm-0100").has_value());
  r.body = R"({"devices":[{"id":"wm-0101","site":"s-404","protocol":"wm-json-v1"}]})";
  expect_error(g.api.handle(r), 400, "bad_request");
  EXPECT_FALSE(g.fleet.route("wm-0101").has_value());
}

TEST(ApiTest, UnknownPathsAre404) {
  GatewayFixture g;
  expect_error(g.get("/api/v1/nothing", g.token("admin", "op-1")), 404, "not_found");
  expect_error(g.get("/elsewhere", ""), 404, "not_found");
}

}  // namespace
}  // namespace wm::gateway
