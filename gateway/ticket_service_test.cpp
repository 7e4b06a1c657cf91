// The ticket desk inside the gateway: from MQTT messages taken by the intake to stored
// tickets, machine commands and notifications, with the clock moved by the test.
#include "gateway/ticket_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "gateway/ticket_fixture.h"
#include "protocols/hx_binary.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::TicketFixture;
using tickets::TicketState;

constexpr std::int64_t kMinute = 60'000;

// Event times start at the fixture clock's time.
std::int64_t t0(const TicketFixture& g) { return g.clock.now_ms(); }

TEST(TicketServiceTest, AFaultEventOpensOneAssignedTicketWithItsSla) {
  TicketFixture g;
  g.fault("s-001", "wm-0001", t0(g), 1, "E02", true);
  g.service.run_once();
  auto tickets = g.tickets_of("wm-0001");
  ASSERT_EQ(tickets.size(), 1u);
  const auto& t = tickets[0];
  EXPECT_EQ(t.kind, devices::FaultKind::kLeak);
  EXPECT_EQ(t.severity, devices::Severity::kP1);
  EXPECT_EQ(t.state, TicketState::kAssigned);
  EXPECT_EQ(t.responsible.org, "op-1");
  EXPECT_EQ(t.assigned_by, "default:school/leak");
  EXPECT_EQ(t.detected_at_ms, t0(g));
  EXPECT_EQ(t.ack_due_ms - t.opened_at_ms, 15 * kMinute);
  EXPECT_EQ(t.resolve_due_ms - t.opened_at_ms, 240 * kMinute);
  ASSERT_FALSE(g.notifications.empty());
  EXPECT_EQ(g.notifications[0].org, "op-1");
  EXPECT_EQ(g.notifications[0].event, tickets::NotificationEvent::kOpened);
  EXPECT_TRUE(g.commands.empty());  // a leak does not lock the machine
}

TEST(TicketServiceTest, RepeatedSignalsOfOneFaultGiveOneTicket) {
  TicketFixture g;
  g.fault("s-001", "wm-0001", t0(g), 1, "E04", true);
  g.fault("s-001", "wm-0001", t0(g) + 1000, 2, "E04", true);
  g.service.run_once();
  g.fault("s-001", "wm-0001", t0(g) + 2000, 3, "E04", true);
  g.service.run_once();
  EXPECT_EQ(g.tickets_of("wm-0001").size(), 1u);
}

TEST(TicketServiceTest, UnsafeWaterLocksTheMachineInItsOwnProtocolAndUnlocksWhenHealthy) {
  tickets::DeskConfig desk;
  desk.healthy_hold_ms = 10 * kMinute;
  TicketFixture g(desk);
  g.fault("s-001", "wm-0001", t0(g), 1, "E03", true);
  g.service.run_once();
  ASSERT_EQ(g.commands.size(), 1u);
  EXPECT_EQ(g.commands[0].topic, "wm/v1/s-001/wm-0001/cmd");
  auto cmd = json::parse(g.commands[0].payload);
  EXPECT_EQ(cmd["cmd"], "lock");
  auto t = g.tickets_of("wm-0001").at(0);
  EXPECT_TRUE(t.machine_locked);
  EXPECT_EQ(cmd["ticket"], t.id);

  // Cleared: healthy from its event time; resolves once the hold time has passed.
  g.fault("s-001", "wm-0001", t0(g) + kMinute, 2, "E03", false);
  g.service.run_once();
  EXPECT_EQ(g.tickets_of("wm-0001").at(0).state, TicketState::kAssigned);
  g.clock.advance_ms(12 * kMinute);
  g.service.run_once();
  t = g.tickets_of("wm-0001").at(0);
  EXPECT_EQ(t.state, TicketState::kResolved);
  EXPECT_FALSE(t.machine_locked);
  ASSERT_EQ(g.commands.size(), 2u);
  EXPECT_EQ(json::parse(g.commands[1].payload)["cmd"], "unlock");
  bool said_so = false;
  for (const auto& h : t.history) said_so = said_so || h.action == "auto_resolve";
  EXPECT_TRUE(said_so);
}

TEST(TicketServiceTest, AnHxMachineIsLockedWithABinaryFrameOnItsDownTopic) {
  TicketFixture g;
  protocols::Event e;
  e.ts_ms = t0(g) / 1000 * 1000;
  e.seq = 1;
  e.body = protocols::Fault{protocols::FaultCode::kE03, true};
  const auto frame = protocols::encode_hx_event(e);
  ASSERT_TRUE(frame.ok());
  g.intake.on_message("hx/hx-0001/up", frame.value());
  g.service.run_once();
  ASSERT_EQ(g.commands.size(), 1u);
  EXPECT_EQ(g.commands[0].topic, "hx/hx-0001/down");
  auto command = protocols::decode_hx_command(g.commands[0].payload);
  ASSERT_TRUE(command.ok()) << command.error().to_string();
  EXPECT_EQ(command->cmd, protocols::CommandKind::kLock);
}

TEST(TicketServiceTest, AMissedAckEscalatesOnceWithANotificationToTheSupervisor) {
  TicketFixture g;
  g.fault("s-001", "wm-0001", t0(g), 1, "E02", true);
  g.service.run_once();
  g.clock.advance_ms(16 * kMinute);
  g.service.run_once();
  g.service.run_once();
  auto t = g.tickets_of("wm-0001").at(0);
  EXPECT_EQ(t.escalation_level, 1);
  int escalations = 0;
  for (const auto& n : g.notifications) {
    if (n.event == tickets::NotificationEvent::kEscalated) {
      ++escalations;
      EXPECT_EQ(n.audience, "supervisor");
      EXPECT_EQ(n.org, "op-1");
    }
  }
  EXPECT_EQ(escalations, 1);
}

TEST(TicketServiceTest, MostMachinesOfASiteGoingDarkIsOneOutageTicketForTheProperty) {
  TicketFixture g;
  // s-002 holds wm-0003 (wm-json), hx-0001 and tb-0001: two of three drop at once.
  const auto ts = t0(g);
  g.intake.on_message("wm/v1/s-002/wm-0003/status",
                      R"({"ts":)" + std::to_string(ts) + R"(,"online":true})");
  g.intake.on_message("v1/gateway/connect", R"({"device":"tb-0001"})");
  g.intake.on_message("wm/v1/s-002/wm-0003/status",
                      R"({"ts":)" + std::to_string(ts + 1000) + R"(,"online":false})");
  g.intake.on_message("v1/gateway/disconnect", R"({"device":"tb-0001"})");
  g.service.run_once();
  tickets::TicketFilter outage;
  outage.kind = devices::FaultKind::kSitePowerOutage;
  auto found = g.ticket_store.list(outage);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].device_id, "s-002");
  EXPECT_EQ(found[0].site_id, "s-002");
  EXPECT_EQ(found[0].responsible.party, devices::Party::kProperty);
  EXPECT_EQ(found[0].responsible.org, "pm-8");
  // The machines' own offline tickets are not opened, even after their window.
  g.clock.advance_ms(5 * kMinute);
  g.service.run_once();
  tickets::TicketFilter offline;
  offline.kind = devices::FaultKind::kDeviceOffline;
  EXPECT_TRUE(g.ticket_store.list(offline).empty());
}

// The gateway restarted: a second TicketService on the same store and twins, restored the
// way app.cpp does it, takes the intake's messages from now on.
std::unique_ptr<TicketService> restart(TicketFixture& g, tickets::DeskConfig desk) {
  auto service = std::make_unique<TicketService>(
      g.fleet, g.ticket_store, g.metrics, g.clock, desk, testing::fast_detector_config(),
      [&g](const OutgoingMessage& m) {
        std::lock_guard lock(g.mu);
        g.commands.push_back(m);
      },
      [&g](const tickets::Notification& n) {
        std::lock_guard lock(g.mu);
        g.notifications.push_back(n);
      });
  service->restore_from_twins();
  service->restore_open_tickets();
  g.intake.set_observer(service.get());
  return service;
}

std::optional<tickets::Ticket> ticket_of(TicketFixture& g, const std::string& device,
                                         devices::FaultKind kind) {
  tickets::TicketFilter f;
  f.device_id = device;
  f.kind = kind;
  auto found = g.ticket_store.list(f);
  if (found.empty()) return std::nullopt;
  return found.back();
}

TEST(TicketServiceTest, ATicketOpenedByASustainedReadingResolvesAfterARestart) {
  tickets::DeskConfig desk;
  desk.healthy_hold_ms = 10 * kMinute;
  TicketFixture g(desk);
  const std::string topic = "wm/v1/s-001/wm-0001/telemetry";
  std::uint32_t seq = 1;
  for (std::int64_t ts = t0(g); ts <= t0(g) + 2 * kMinute; ts += kMinute / 2) {
    g.intake.on_message(topic, testing::telemetry_json(ts, seq++, 80));
  }
  g.service.run_once();
  auto opened = ticket_of(g, "wm-0001", devices::FaultKind::kWaterQuality);
  ASSERT_TRUE(opened);
  ASSERT_TRUE(opened->machine_locked);
  const std::int64_t start = t0(g);

  // Down for five minutes; no fault code is active, so only the restored ticket can clear.
  g.clock.advance_ms(5 * kMinute);
  auto restarted = restart(g, desk);
  for (std::int64_t ts = start + 6 * kMinute; ts <= start + 7 * kMinute; ts += kMinute / 2) {
    g.intake.on_message(topic, testing::telemetry_json(ts, seq++, 12));
  }
  restarted->run_once();
  auto healthy = ticket_of(g, "wm-0001", devices::FaultKind::kWaterQuality);
  EXPECT_TRUE(healthy->open());
  EXPECT_EQ(healthy->healthy_since_ms, start + 7 * kMinute);

  g.clock.advance_ms(20 * kMinute);
  restarted->run_once();
  auto resolved = ticket_of(g, "wm-0001", devices::FaultKind::kWaterQuality);
  EXPECT_EQ(resolved->state, TicketState::kResolved);
  EXPECT_FALSE(resolved->machine_locked);
  ASSERT_EQ(g.commands.size(), 2u);
  EXPECT_EQ(json::parse(g.commands[1].payload)["cmd"], "unlock");
  g.intake.set_observer(&g.service);
}

TEST(TicketServiceTest, AMachineThatDiedDuringADowntimeIsOfflineOneTimeoutAfterTheRestart) {
  TicketFixture g;
  const std::int64_t start = t0(g);
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", testing::telemetry_json(start, 1));
  g.intake.on_message("wm/v1/s-002/wm-0003/telemetry", testing::telemetry_json(start, 1));
  g.service.run_once();

  // Down for an hour; only wm-0003 speaks after it.
  g.clock.advance_ms(60 * kMinute);
  auto restarted = restart(g, {});
  const std::string alive = "wm/v1/s-002/wm-0003/telemetry";
  g.intake.on_message(alive, testing::telemetry_json(start + 60 * kMinute, 2));
  restarted->run_once();
  EXPECT_FALSE(ticket_of(g, "wm-0001", devices::FaultKind::kDeviceOffline));  // one timeout first

  g.clock.advance_ms(kMinute);
  g.intake.on_message(alive, testing::telemetry_json(start + 61 * kMinute, 3));
  restarted->run_once();
  auto offline = ticket_of(g, "wm-0001", devices::FaultKind::kDeviceOffline);
  ASSERT_TRUE(offline);
  EXPECT_EQ(offline->detected_at_ms, start + kMinute);  // as of its last message + the timeout
  EXPECT_FALSE(ticket_of(g, "wm-0003", devices::FaultKind::kDeviceOffline));
  g.intake.set_observer(&g.service);
}

TEST(TicketServiceTest, MetricsCountFindingsAndCommands) {
  TicketFixture g;
  g.fault("s-001", "wm-0001", t0(g), 1, "E03", true);
  g.service.run_once();
  const auto text = g.metrics.render();
  EXPECT_NE(text.find(R"(wm_ticket_findings_total{kind="water_quality",state="raised"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(wm_machine_commands_total{command="lock"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(wm_ticket_changes_total{change="opened"} 1)"), std::string::npos);
}

}  // namespace
}  // namespace wm::gateway
