// The hotline's endpoints: the one-box look-up, classification of calls (and calls that
// become tickets without a kind or a machine id), and the self-service card answer.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "gateway/api_test_util.h"
#include "gateway/ticket_fixture.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::body;
using testing::expect_error;
using testing::TicketFixture;

struct Hotline : TicketFixture {
  Hotline() {
    agent = token("agent", "op-1");
    fault("s-001", "wm-0001", clock.now_ms(), 1, "E02", true);  // a leak ticket
    service.run_once();
  }
  HttpResponse lookup(const std::string& q, const std::string& who = {}) {
    return call("GET", "/api/v1/hotline/lookup", who.empty() ? agent : who, "", {{"q", q}});
  }
  std::string agent;
};

TEST(ApiHotlineTest, OneBoxFindsAMachineBySloppyIdWithItsOpenTickets) {
  Hotline g;
  auto r = g.lookup("WM0001");
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = body(r);
  ASSERT_EQ(out["devices"].size(), 1u);
  const auto& d = out["devices"][0];
  EXPECT_EQ(d["id"], "wm-0001");
  EXPECT_TRUE(d.contains("health"));
  EXPECT_TRUE(d.contains("online"));
  ASSERT_EQ(d["open_tickets"].size(), 1u);
  EXPECT_EQ(d["open_tickets"][0]["kind"], "leak");
  EXPECT_EQ(d["open_tickets"][0]["responsible"]["org"], "op-1");
  EXPECT_TRUE(d["open_tickets"][0].contains("ack_due"));
  EXPECT_EQ(out["tickets"].size(), 1u);
  EXPECT_TRUE(out["cards"].empty());
}

TEST(ApiHotlineTest, OneBoxMatchesAWholeMachineIdInAnySpellingAndNamesInAnyCase) {
  Hotline g;
  auto ids = [&](const std::string& q) {
    const json found = body(g.lookup(q));
    std::vector<std::string> out;
    for (const auto& d : found["devices"]) out.push_back(d["id"]);
    return out;
  };
  EXPECT_EQ(ids("Wm_0001"), std::vector<std::string>{"wm-0001"});
  EXPECT_EQ(ids("wm-0-0-0-2"), std::vector<std::string>{"wm-0002"});
  EXPECT_TRUE(ids("wm000").empty());    // a prefix of wm0001 is not a machine
  EXPECT_TRUE(ids("wm00011").empty());  // nor is a longer id
  EXPECT_EQ(ids("MIDDLE School").size(), 2u);
  // Ids that are themselves spelled with capitals and other separators.
  auto r = g.call("POST", "/api/v1/inventory", g.token("admin", "op-1"),
                  R"({"devices":[{"id":"WM_0009","site":"s-002","protocol":"wm-json-v1"},)"
                  R"({"id":"Wm-00-09","site":"s-002","protocol":"wm-json-v1"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids("wm0009"), (std::vector<std::string>{"WM_0009", "Wm-00-09"}));
  EXPECT_EQ(ids("WM_0009"), std::vector<std::string>{"WM_0009"});  // exactly: that one only
}

TEST(ApiHotlineTest, OneBoxFindsASiteByPartOfItsNameAndACardByToken) {
  Hotline g;
  auto site = body(g.lookup("middle school"));
  EXPECT_EQ(site["devices"].size(), 2u);  // wm-0001 and wm-0002 at No. 3 Middle School
  EXPECT_EQ(body(g.lookup("s-002"))["devices"].size(), 3u);
  g.card_desk
      .recharge("c-77", 500, "p-77", tickets::Actor{tickets::Role::kAgent, "op-1"},
                g.clock.now_ms())
      .value();
  g.dispense("s-001", "wm-0002", g.clock.now_ms(), 1, "t-1", "c-77", 50, 500, 100);
  g.writer.flush();
  auto card = body(g.lookup("c-77"));
  ASSERT_EQ(card["cards"].size(), 1u);
  EXPECT_EQ(card["cards"][0]["balance_fen"], 490);  // 100 of 500 ml: 40 fen back
  const auto& recent = card["cards"][0]["recent"];
  int dispenses = 0;
  for (const auto& item : recent) {
    if (item["type"] != "dispense") continue;
    ++dispenses;
    EXPECT_EQ(item["dispensed_ml"], 100);
    EXPECT_EQ(item["refundable_fen"], 10);  // 50 charged, 40 refunded
  }
  EXPECT_EQ(dispenses, 1);
  // A property manager's look-up stays inside its sites.
  auto pm8 = g.token("property", "pm-8");
  EXPECT_TRUE(body(g.lookup("wm-0001", pm8))["devices"].empty());
  EXPECT_EQ(g.lookup("", pm8).status, 400);
}

TEST(ApiHotlineTest, ANameOfSeveralSitesListsTheirMachinesInIdOrderUpToFifty) {
  Hotline g;
  auto ids = [&](const std::string& q) {
    const json found = body(g.lookup(q));
    std::vector<std::string> out;
    for (const auto& d : found["devices"]) out.push_back(d["id"]);
    return std::make_pair(out, found["more_devices"].get<bool>());
  };
  // "o" is in "No. 3 Middle School" and in "Harbour Plaza": both sites' machines, merged.
  const std::vector<std::string> both = {"hx-0001", "tb-0001", "wm-0001", "wm-0002", "wm-0003"};
  EXPECT_EQ(ids("o"), std::make_pair(both, false));
  std::string devices;
  for (int i = 1; i <= 50; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "zz-%04d", i);
    devices += std::string(devices.empty() ? "" : ",") + R"({"id":")" + id +
               R"(","site":"s-001","protocol":"wm-json-v1"})";
  }
  auto r = g.call("POST", "/api/v1/inventory", g.token("admin", "op-1"),
                  R"({"devices":[)" + devices + "]}");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto [found, more] = ids("o");
  ASSERT_EQ(found.size(), 50u);
  EXPECT_TRUE(more);
  EXPECT_EQ(std::vector<std::string>(found.begin(), found.begin() + 5), both);
  EXPECT_EQ(found[5], "zz-0001");
  EXPECT_EQ(found.back(), "zz-0045");
  const std::vector<std::string> plaza = {"hx-0001", "tb-0001", "wm-0003"};
  EXPECT_EQ(ids("harbour plaza"), std::make_pair(plaza, false));  // one site: not the new ones
}

TEST(ApiHotlineTest, ACallWithoutKindOrMachineIdIsClassifiedAndJoinsTheOpenTicket) {
  Hotline g;
  auto c =
      g.call("POST", "/api/v1/hotline/classify", g.agent, R"({"text":"刷卡扣钱了但是没出水"})");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(body(c)["kind"], "dispense_failure");
  EXPECT_GT(body(c)["confidence"].get<double>(), 0.5);

  auto joined = g.call("POST", "/api/v1/tickets", g.agent,
                       R"({"text":"machine WM-0001 is leaking, water all over the floor",
                           "channel":"phone"})");
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(body(joined)["joined"], true);
  EXPECT_EQ(body(joined)["kind"], "leak");
  EXPECT_EQ(body(joined)["classified"]["kind"], "leak");

  auto danger = g.call("POST", "/api/v1/tickets", g.agent,
                       R"({"device_id":"wm-0002","channel":"phone",
                           "text":"my child drank from the machine and got sick, the water smells bad"})");
  ASSERT_EQ(danger.status, 201) << danger.body;
  EXPECT_EQ(body(danger)["danger"], true);
  EXPECT_EQ(body(danger)["severity"], "P1");
}

TEST(ApiHotlineTest, SelfServiceAnswersOneCardInASpokenSentence) {
  Hotline g;
  g.card_desk
      .recharge("c-88", 1250, "p-88", tickets::Actor{tickets::Role::kAgent, "op-1"},
                g.clock.now_ms())
      .value();
  g.dispense("s-001", "wm-0001", g.clock.now_ms(), 2, "t-8", "c-88", 50, 500, 0);
  g.writer.flush();
  auto ivr = g.token("selfservice", "op-1");
  auto r = g.call("GET", "/api/v1/self-service/cards/c-88", ivr);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = body(r);
  EXPECT_EQ(out["balance_fen"], 1250);  // charged 50, refunded 50 (no water)
  EXPECT_EQ(out["dispenses"].size(), 1u);
  EXPECT_EQ(out["refunds"].size(), 1u);
  EXPECT_EQ(out["machine"]["id"], "wm-0001");
  const std::string say = out["say"];
  EXPECT_NE(say.find("余额12.50元"), std::string::npos) << say;
  EXPECT_NE(say.find("退款已退回卡内"), std::string::npos) << say;
  EXPECT_EQ(g.call("GET", "/api/v1/self-service/cards/c-404", ivr).status, 404);
  EXPECT_EQ(g.call("GET", "/api/v1/self-service/cards/c-88", g.agent).status, 403);
  EXPECT_EQ(g.call("GET", "/api/v1/cards/c-88", ivr).status, 403);
}

}  // namespace
}  // namespace wm::gateway
