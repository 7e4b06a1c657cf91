// The ticket endpoints: scope (404 outside the caller's sites), role rules (403), state
// rules (409), joining, disputes and arbitration, service statistics.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/api_test_util.h"
#include "gateway/ticket_fixture.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::body;
using testing::expect_error;
using testing::TicketFixture;

constexpr std::int64_t kMinute = 60'000;

// One leak ticket at s-001 (school, op-1 / pm-7) and one at s-002 (mall, op-1 / pm-8).
struct Tickets : TicketFixture {
  Tickets() {
    fault("s-001", "wm-0001", clock.now_ms(), 1, "E02", true);
    fault("s-002", "wm-0003", clock.now_ms(), 1, "E02", true);
    service.run_once();
    school = tickets_of("wm-0001").at(0).id;
    mall = tickets_of("wm-0003").at(0).id;
  }
  HttpResponse act(const std::string& id, const std::string& action, const std::string& token,
                   const std::string& json_body = "{}") {
    return call("POST", "/api/v1/tickets/" + id + "/" + action, token, json_body);
  }
  std::string school, mall;
};

TEST(ApiTicketsTest, AListShowsTheApiFieldsAndFilters) {
  Tickets g;
  auto admin = g.token("admin", "op-1");
  auto r = g.call("GET", "/api/v1/tickets", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = body(r)["items"];
  ASSERT_EQ(items.size(), 2u);
  const auto& t = items[0];
  for (const char* field :
       {"id", "device_id", "site_id", "site_kind", "kind", "severity", "source", "channel", "state",
        "responsible", "assigned_by", "detected_at", "opened_at", "predicted_failure_at", "ack_due",
        "resolve_due", "escalation_level", "transfers"}) {
    EXPECT_TRUE(t.contains(field)) << field;
  }
  EXPECT_EQ(t["responsible"]["party"], "operator");
  EXPECT_EQ(t["responsible"]["org"], "op-1");
  EXPECT_EQ(t["source"], "detected");
  EXPECT_EQ(body(r)["next"], nullptr);

  auto by_site = g.call("GET", "/api/v1/tickets", admin, "", {{"site", "s-002"}});
  ASSERT_EQ(body(by_site)["items"].size(), 1u);
  EXPECT_EQ(body(by_site)["items"][0]["id"], g.mall);
  auto page = g.call("GET", "/api/v1/tickets", admin, "", {{"limit", "1"}});
  ASSERT_EQ(body(page)["items"].size(), 1u);
  auto next = body(page)["next"].get<std::string>();
  auto rest = g.call("GET", "/api/v1/tickets", admin, "", {{"limit", "1"}, {"cursor", next}});
  ASSERT_EQ(body(rest)["items"].size(), 1u);
  EXPECT_NE(body(rest)["items"][0]["id"], body(page)["items"][0]["id"]);
  expect_error(g.call("GET", "/api/v1/tickets", admin, "", {{"kind", "gremlins"}}), 400,
               "bad_request");
}

TEST(ApiTicketsTest, APropertyManagerSeesOnlyItsOwnSites) {
  Tickets g;
  auto pm7 = g.token("property", "pm-7");
  auto items = body(g.call("GET", "/api/v1/tickets", pm7))["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["site_id"], "s-001");
  expect_error(g.call("GET", "/api/v1/tickets/" + g.mall, pm7), 404, "not_found");
  expect_error(g.act(g.mall, "ack", pm7), 404, "not_found");
  // Visible but not its ticket (the operator answers for leaks): 403.
  expect_error(g.act(g.school, "ack", pm7), 403, "forbidden");
  auto one = g.call("GET", "/api/v1/tickets/" + g.school, pm7);
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(body(one)["history"].empty());
}

TEST(ApiTicketsTest, TheLifeCycleAnswers409ForMovesItsStateDoesNotAllow) {
  Tickets g;
  auto op = g.token("operator", "op-1");
  expect_error(g.act(g.school, "close", op), 409, "conflict");
  auto ack = g.act(g.school, "ack", op, R"({"note":"on my way"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(body(ack)["state"], "acknowledged");
  EXPECT_NE(body(ack)["acknowledged_at"], nullptr);
  EXPECT_EQ(g.act(g.school, "start", op).status, 200);
  EXPECT_EQ(body(g.act(g.school, "resolve", op))["state"], "resolved");
  auto agent = g.token("agent", "op-1");
  EXPECT_EQ(g.act(g.school, "rate", agent, R"({"score":4})").status, 200);
  expect_error(g.act(g.school, "rate", agent, R"({"score":9})"), 400, "bad_request");
  EXPECT_EQ(body(g.act(g.school, "close", op))["state"], "closed");
  expect_error(g.act(g.school, "fly", op), 404, "not_found");
}

TEST(ApiTicketsTest, ADisputeIsOnceAndTheArbiterReassigns) {
  Tickets g;
  g.fault("s-001", "wm-0002", g.clock.now_ms(), 1, "E07", true);  // card reader: operator
  g.service.run_once();
  auto id = g.tickets_of("wm-0002").at(0).id;
  auto op = g.token("operator", "op-1");
  expect_error(g.act(id, "dispute", op, "{}"), 400, "bad_request");  // needs a reason
  ASSERT_EQ(g.act(id, "dispute", op, R"({"reason":"vandalised by visitors"})").status, 200);
  expect_error(g.act(id, "dispute", op, R"({"reason":"again"})"), 409, "conflict");
  auto pm7 = g.token("property", "pm-7");
  expect_error(g.act(id, "arbitrate", pm7, R"({"decision":"reassign"})"), 403, "forbidden");
  // s-001's contract names op-1 as the arbiter.
  auto r = g.act(id, "arbitrate", op, R"({"decision":"reassign","note":"CCTV shows vandalism"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["responsible"]["party"], "property");
  EXPECT_EQ(body(r)["responsible"]["org"], "pm-7");
  EXPECT_EQ(body(r)["transfers"], 1);
  EXPECT_EQ(body(r)["dispute"], "reassigned");
  // Now the property manager acts on it.
  EXPECT_EQ(g.act(id, "ack", pm7).status, 200);
}

TEST(ApiTicketsTest, APersonsReportJoinsTheOpenTicketOfThatMachineAndKind) {
  Tickets g;
  auto agent = g.token("agent", "op-1");
  auto joined = g.call("POST", "/api/v1/tickets", agent,
                       R"({"device_id":"wm-0001","text":"water on the floor","channel":"phone",
                           "kind":"leak"})");
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(body(joined)["joined"], true);
  EXPECT_EQ(body(joined)["id"], g.school);

  auto opened = g.call("POST", "/api/v1/tickets", agent,
                       R"({"device_id":"wm-0002","text":"my card was lost","channel":"app",
                           "kind":"card_service"})");
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(body(opened)["joined"], false);
  EXPECT_EQ(body(opened)["source"], "app");
  EXPECT_EQ(body(opened)["channel"], "app");
  EXPECT_EQ(body(opened)["severity"], "P4");

  expect_error(g.call("POST", "/api/v1/tickets", agent, R"({"text":"x","kind":"leak"})"), 400,
               "bad_request");
  expect_error(g.call("POST", "/api/v1/tickets", agent,
                      R"({"device_id":"wm-9999","text":"x","kind":"leak"})"),
               404, "not_found");
  expect_error(g.call("POST", "/api/v1/tickets", agent, "not json"), 400, "bad_request");
  auto pm8 = g.token("property", "pm-8");
  expect_error(
      g.call("POST", "/api/v1/tickets", pm8, R"({"device_id":"wm-0001","text":"x","kind":"leak"})"),
      404, "not_found");
  auto self = g.token("selfservice", "op-1");
  expect_error(g.call("GET", "/api/v1/tickets", self), 403, "forbidden");
}

TEST(ApiTicketsTest, TheTwinShowsItsOpenTicketsAndTheLock) {
  Tickets g;
  g.fault("s-001", "wm-0001", g.clock.now_ms() + 1000, 2, "E03", true);
  g.service.run_once();
  auto admin = g.token("admin", "op-1");
  auto twin = body(g.call("GET", "/api/v1/devices/wm-0001", admin));
  EXPECT_EQ(twin["locked"], true);
  EXPECT_EQ(twin["open_tickets"].size(), 2u);
  auto list = body(g.call("GET", "/api/v1/devices", admin));
  for (const auto& d : list["items"]) EXPECT_EQ(d["locked"], d["id"] == "wm-0001") << d["id"];
}

TEST(ApiTicketsTest, FleetHealthCountsMachinesAndListsThoseAtRisk) {
  Tickets g;  // leaks (P1) on wm-0001 (s-001) and wm-0003 (s-002)
  auto admin = g.token("admin", "op-1");
  auto twin = body(g.call("GET", "/api/v1/devices/wm-0001", admin));
  EXPECT_EQ(twin["health"], 40);  // 100 - 60 for one open P1
  EXPECT_TRUE(twin["predictions"].is_array());
  EXPECT_EQ(body(g.call("GET", "/api/v1/devices/wm-0002", admin))["health"], 100);

  auto r = g.call("GET", "/api/v1/fleet/health", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto h = body(r);
  EXPECT_EQ(h["machines"], 5);
  EXPECT_EQ(h["by_site_kind"]["school"]["machines"], 2);
  EXPECT_EQ(h["by_site_kind"]["mall"]["machines"], 3);
  EXPECT_EQ(h["at_risk_total"], 2);
  ASSERT_EQ(h["at_risk"].size(), 2u);
  EXPECT_EQ(h["at_risk"][0]["health"], 40);
  int counted = 0;
  for (const auto& bucket : h["health"]) counted += bucket["machines"].get<int>();
  EXPECT_EQ(counted, 5);
  auto pm7 = g.token("property", "pm-7");
  auto scoped = body(g.call("GET", "/api/v1/fleet/health", pm7));
  EXPECT_EQ(scoped["machines"], 2);
  EXPECT_EQ(scoped["at_risk_total"], 1);
}

TEST(ApiTicketsTest, ServiceStatisticsGroupByKindAndScope) {
  Tickets g;
  auto op = g.token("operator", "op-1");
  g.clock.advance_ms(5 * kMinute);
  ASSERT_EQ(g.act(g.school, "ack", op).status, 200);
  auto r = g.call("GET", "/api/v1/stats/service", op, "", {{"group_by", "site_kind"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = body(r);
  EXPECT_EQ(s["group_by"], "site_kind");
  EXPECT_EQ(s["total"]["tickets"], 2);
  ASSERT_EQ(s["groups"].size(), 2u);
  EXPECT_EQ(s["groups"][1]["group"], "school");
  EXPECT_EQ(s["groups"][1]["first_response_s"]["count"], 1);
  auto pm8 = g.token("property", "pm-8");
  EXPECT_EQ(body(g.call("GET", "/api/v1/stats/service", pm8))["total"]["tickets"], 1);
  expect_error(g.call("GET", "/api/v1/stats/service", op, "", {{"group_by", "colour"}}), 400,
               "bad_request");
}

}  // namespace
}  // namespace wm::gateway
