#include "gateway/intake.h"

#include <gtest/gtest.h>

#include "gateway/gateway_fixture.h"

namespace wm::gateway {
namespace {

using testing::dispense_json;
using testing::GatewayFixture;
using testing::telemetry_json;

constexpr std::int64_t kTs = 1'795'400'000'000;

TEST(IntakeTest, ValidTelemetryUpdatesTheTwinAndIsStored) {
  GatewayFixture g;
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", telemetry_json(kTs, 1, 12.5));
  auto row = g.fleet.twin_row("wm-0001");
  ASSERT_TRUE(row && row->telemetry_json);
  EXPECT_EQ(row->last_seen_ms, kTs);
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kTelemetry), 1u);
  g.writer.flush();
  auto twins = g.store.load_twins();
  ASSERT_EQ(twins.size(), 1u);
  EXPECT_EQ(twins[0].device_id, "wm-0001");
}

TEST(IntakeTest, AnOlderSampleDoesNotReplaceANewerOne) {
  GatewayFixture g;
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", telemetry_json(kTs + 60'000, 2, 30));
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", telemetry_json(kTs, 1, 10));
  g.fleet.read([](const auto&, const auto& twins) {
    EXPECT_DOUBLE_EQ(twins.at("wm-0001").telemetry()->tds_out, 30);
  });
}

TEST(IntakeTest, TheSameDispenseTwiceIsStoredOnceAndCountedAsDuplicate) {
  GatewayFixture g;
  const auto payload = dispense_json(kTs, 5, "t-42");
  g.intake.on_message("wm/v1/s-001/wm-0001/event", payload);
  g.intake.on_message("wm/v1/s-001/wm-0001/event", payload);
  EXPECT_EQ(g.store.count_events("wm-0001"), 1);  // durable on return: no flush needed
  EXPECT_EQ(g.metrics.duplicate_count(), 1u);
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kEvent), 1u);
}

TEST(IntakeTest, StatusAndWillSetOnline) {
  GatewayFixture g;
  g.intake.on_message("wm/v1/s-001/wm-0002/status", R"({"ts":1795400000000,"online":true})");
  EXPECT_EQ(g.fleet.twin_row("wm-0002")->online, true);
  g.intake.on_message("wm/v1/s-001/wm-0002/status", R"({"ts":1795400100000,"online":false})");
  EXPECT_EQ(g.fleet.twin_row("wm-0002")->online, false);
}

struct BadCase {
  const char* topic;
  std::string payload;
  const char* reason;
};

TEST(IntakeTest, EveryRejectGoesToTheQuarantineWithItsReason) {
  GatewayFixture g;
  const std::vector<BadCase> cases = {
      {"wm/v1/s-001/wm-9999/telemetry", telemetry_json(kTs, 1), "unknown_device"},
      {"wm/v1/s-002/wm-0001/telemetry", telemetry_json(kTs, 1), "site_mismatch"},
      {"wm/v1/s-002/hx-0001/telemetry", telemetry_json(kTs, 1), "protocol_mismatch"},
      {"wm/v1/s-001/wm-0001/telemetry", "{not json", "malformed_json"},
      {"wm/v1/s-001/wm-0001/telemetry", R"({"ts":1,"seq":1})", "missing_field"},
      {"wm/v1/s-001/wm-0001/telemetry", telemetry_json(kTs, 1, 9000), "out_of_range"},
      {"wm/v1/s-001/wm-0001/event", R"({"ts":1,"seq":1,"type":"explode"})", "out_of_range"},
      {"wm/v1/s-001/wm-0001/status", R"({"ts":"now","online":true})", "wrong_type"},
      {"wm/v1/s-001/wm-0001", "{}", "bad_topic"},
      {"wm/v1/s 001/wm-0001/telemetry", telemetry_json(kTs, 1), "bad_id"},
  };
  for (const auto& c : cases) g.intake.on_message(c.topic, c.payload);
  // A valid message beside the bad ones is taken.
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", telemetry_json(kTs, 7));
  g.writer.flush();

  auto rows = g.store.list_quarantine(QuarantineQuery{});
  ASSERT_EQ(rows.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& row = rows[cases.size() - 1 - i];  // newest first
    EXPECT_EQ(row.reason, cases[i].reason) << cases[i].topic << " " << cases[i].payload;
    EXPECT_EQ(row.topic, cases[i].topic);
    EXPECT_EQ(row.payload, cases[i].payload);
    EXPECT_FALSE(row.detail.empty());
  }
  EXPECT_EQ(g.metrics.quarantined_count("unknown_device"), 1u);
  EXPECT_EQ(g.metrics.decoded_count(MessageKind::kTelemetry), 1u);
  EXPECT_EQ(g.fleet.twin_row("wm-0001")->last_seen_ms, kTs);
}

TEST(IntakeTest, OurOwnCommandsAreNotQuarantined) {
  GatewayFixture g;
  g.intake.on_message("wm/v1/s-001/wm-0001/cmd", R"({"ts":1,"cmd":"lock"})");
  g.writer.flush();
  EXPECT_TRUE(g.store.list_quarantine(QuarantineQuery{}).empty());
}

}  // namespace
}  // namespace wm::gateway

namespace wm::gateway {
namespace {

TEST(IntakeFaultTest, FaultEventsRaiseAndClearTheTwinsActiveFaults) {
  testing::GatewayFixture g;
  g.intake.on_message("wm/v1/s-001/wm-0001/event",
                      R"({"ts":1795400000000,"seq":1,"type":"fault","code":"E02","active":true})");
  g.intake.on_message("wm/v1/s-001/wm-0001/event",
                      R"({"ts":1795400000500,"seq":2,"type":"fault","code":"E05","active":true})");
  g.fleet.read([](const auto&, const auto& twins) {
    EXPECT_EQ(twins.at("wm-0001").active_faults().size(), 2u);
  });
  g.intake.on_message("wm/v1/s-001/wm-0001/event",
                      R"({"ts":1795400001000,"seq":3,"type":"fault","code":"E02","active":false})");
  g.fleet.read([](const auto&, const auto& twins) {
    EXPECT_EQ(twins.at("wm-0001").active_faults(),
              std::vector<protocols::FaultCode>{protocols::FaultCode::kE05});
  });
  // Persisted with the twin, and restored by a gateway that starts again.
  g.writer.flush();
  FleetState restarted(testing::test_inventory());
  restarted.restore(g.store.load_twins());
  restarted.read([](const auto&, const auto& twins) {
    EXPECT_EQ(twins.at("wm-0001").active_faults(),
              std::vector<protocols::FaultCode>{protocols::FaultCode::kE05});
  });
}

}  // namespace
}  // namespace wm::gateway

namespace wm::gateway {
namespace {

TEST(IntakeRestartTest, TwinsAreRebuiltFromStoredMessagesNewerThanTheirRows) {
  testing::GatewayFixture g;
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry", testing::telemetry_json(kTs, 1, 10));
  g.writer.flush();  // twin row written with seq 1
  g.intake.on_message("wm/v1/s-001/wm-0001/telemetry",
                      testing::telemetry_json(kTs + 60'000, 2, 20));
  g.intake.on_message("wm/v1/s-001/wm-0001/event",
                      R"({"ts":1795400070000,"seq":3,"type":"fault","code":"E05","active":true})");
  // A crash now: the telemetry row and the event are stored, the twin row is not yet.
  FleetState restarted(testing::test_inventory());
  restarted.restore(g.store.load_twins());
  restarted.read(
      [](const auto&, const auto& twins) { EXPECT_EQ(twins.at("wm-0001").telemetry()->seq, 1u); });
  // (flush only the telemetry batch, as the writer does within flush_interval)
  g.writer.flush();
  restarted.replay(g.store.recent_telemetry(1000), g.store.recent_fault_events(1000));
  restarted.read([](const auto&, const auto& twins) {
    EXPECT_EQ(twins.at("wm-0001").telemetry()->seq, 2u);
    EXPECT_EQ(twins.at("wm-0001").active_faults(),
              std::vector<protocols::FaultCode>{protocols::FaultCode::kE05});
  });
}

}  // namespace
}  // namespace wm::gateway
