// The ticket desk end to end, as issue 3's checker does it: fault events and status
// messages written from PROTOCOLS.md go through a real broker; tickets are read and acted
// on through REST; the lock command is caught on the machine's cmd topic.
#include <mutex>

#include "tests/gateway_process_fixture.h"

namespace wm::tests {
namespace {

class TicketDeskIntegrationTest : public GatewayIntegrationTest {
 protected:
  TicketDeskIntegrationTest() {
    extra_flags_ = {"--offline-after", "30", "--outage-window", "10", "--healthy-hold", "2"};
  }

  std::string fault(std::int64_t ts, std::uint32_t seq, const std::string& code, bool active) {
    return json{{"ts", ts}, {"seq", seq}, {"type", "fault"}, {"code", code}, {"active", active}}
        .dump();
  }

  json tickets(const std::string& query, const std::string& token) {
    auto r = get("/api/v1/tickets" + query, token);
    return r.status == 200 ? json::parse(r.body)["items"] : json::array();
  }

  std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

TEST_F(TicketDeskIntegrationTest, UnsafeWaterOpensAP1TicketAndLocksTheMachine) {
  // A machine of ours listening on its command topic.
  mqtt::async_client machine(broker_->uri(), "it-machine-wm-0001");
  std::mutex mu;
  std::vector<std::string> commands;
  machine.set_message_callback([&](mqtt::const_message_ptr m) {
    std::lock_guard lock(mu);
    commands.push_back(m->to_string());
  });
  machine.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  machine.subscribe("wm/v1/s-001/wm-0001/cmd", 1)->wait();

  const auto ts = now_ms();
  publish("wm/v1/s-001/wm-0001/event", fault(ts, 1, "E03", true));
  json items;
  ASSERT_TRUE(wait_until([&] {
    items = tickets("?device=wm-0001", admin_);
    return items.size() == 1;
  })) << read_text(dir_ + "/gateway.log");
  const auto& t = items[0];
  EXPECT_EQ(t["kind"], "water_quality");
  EXPECT_EQ(t["severity"], "P1");
  EXPECT_EQ(t["responsible"]["party"], "operator");
  EXPECT_EQ(t["responsible"]["org"], "op-1");
  EXPECT_EQ(t["assigned_by"], "default:school/water_quality");
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return !commands.empty();
  }));
  {
    std::lock_guard lock(mu);
    auto cmd = json::parse(commands[0]);
    EXPECT_EQ(cmd["cmd"], "lock");
    EXPECT_EQ(cmd["ticket"], t["id"]);
  }
  EXPECT_TRUE(twin("wm-0001")["locked"].get<bool>());

  // Cleared: after the hold time the ticket resolves itself and the machine is unlocked.
  publish("wm/v1/s-001/wm-0001/event", fault(ts + 1000, 2, "E03", false));
  ASSERT_TRUE(wait_until(
      [&] {
        auto r = get("/api/v1/tickets/" + t["id"].get<std::string>(), admin_);
        return r.status == 200 && json::parse(r.body)["state"] == "resolved";
      },
      std::chrono::seconds(20)))
      << read_text(dir_ + "/gateway.log");
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return commands.size() == 2;
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(json::parse(commands[1])["cmd"], "unlock");
  machine.disconnect()->wait();
}

TEST_F(TicketDeskIntegrationTest, ASiteGoingDarkIsOneOutageTicketForItsPropertyManager) {
  // s-001 holds wm-0001 (wm-json) and tb-0001 (behind a hub): both drop, the first by its
  // will, the second as its hub reports.
  const auto ts = now_ms();
  publish("wm/v1/s-001/wm-0001/status", json{{"ts", ts}, {"online", true}}.dump());
  publish("v1/gateway/connect", R"({"device":"tb-0001"})");
  publish("wm/v1/s-001/wm-0001/status", json{{"ts", ts + 500}, {"online", false}}.dump());
  publish("v1/gateway/disconnect", R"({"device":"tb-0001"})");
  auto pm7 = add_token("property", "pm-7");
  json items;
  ASSERT_TRUE(wait_until([&] {
    items = tickets("?kind=site_power_outage", pm7);
    return items.size() == 1;
  })) << read_text(dir_ + "/gateway.log");
  EXPECT_EQ(items[0]["site_id"], "s-001");
  EXPECT_EQ(items[0]["severity"], "P1");
  EXPECT_EQ(items[0]["responsible"]["party"], "property");
  EXPECT_EQ(items[0]["responsible"]["org"], "pm-7");
  // Past the outage window, while s-002 keeps the fleet's time moving: still no
  // per-machine offline tickets at s-001.
  std::uint32_t seq = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(12);
  while (std::chrono::steady_clock::now() < until) {
    publish("wm/v1/s-002/wm-0002/telemetry", telemetry(now_ms(), ++seq, 10), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(tickets("?kind=device_offline", admin_).size(), 0u);
  // The other property manager does not see it, and cannot act on it.
  auto pm8 = add_token("property", "pm-8");
  EXPECT_EQ(tickets("?kind=site_power_outage", pm8).size(), 0u);
  const std::string id = items[0]["id"];
  EXPECT_EQ(post("/api/v1/tickets/" + id + "/ack", pm8, "{}").status, 404);
  auto ack = post("/api/v1/tickets/" + id + "/ack", pm7, "{}");
  EXPECT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(json::parse(ack.body)["state"], "acknowledged");
}

}  // namespace
}  // namespace wm::tests
