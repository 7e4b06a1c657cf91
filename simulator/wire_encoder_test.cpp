#include "simulator/wire_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"
#include "protocols/wm_json.h"
#include "simulator/fleet_simulation.h"
#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

constexpr std::int64_t kMondayNoonBeijing = 1709481600000 + 12 * kMsPerHour;

class RecordingWire : public WireSink {
 public:
  void send(WireMessage message) override { messages.push_back(std::move(message)); }
  std::vector<WireMessage> messages;
};

// Two sites of `per_site` machines each, all speaking `protocol`.
Fleet fleet_of(WireProtocol protocol, std::size_t per_site) {
  Fleet fleet;
  for (std::size_t s = 0; s < 2; ++s) {
    FleetSite site;
    site.id = "s-00" + std::to_string(s + 1);
    site.kind = SiteKind::kMall;
    site.first_card = 1 + s * per_site * kCardsPerMachine;
    site.card_count = per_site * kCardsPerMachine;
    fleet.sites.push_back(site);
    for (std::size_t i = 0; i < per_site; ++i) {
      FleetMachine m;
      m.id = "wm-" + std::to_string(s + 1) + std::to_string(i);
      m.site = s;
      m.protocol = protocol;
      fleet.machines.push_back(m);
    }
  }
  return fleet;
}

// Plays `fleet` for an hour from Monday noon: online, every message, offline.
std::vector<WireMessage> play_hour(const Fleet& fleet, const HubOptions& hubs = HubOptions{}) {
  RecordingWire wire;
  WireEncoder encoder(fleet, hubs, wire);
  FleetSimulation sim(fleet, SimulationOptions{3, kMondayNoonBeijing, 60'000});
  sim.publish_statuses(true, kMondayNoonBeijing, encoder);
  sim.advance_to(kMondayNoonBeijing + kMsPerHour, encoder);
  encoder.flush_hubs_through(kMondayNoonBeijing + kMsPerHour);
  encoder.flush_all_hubs();
  sim.publish_statuses(false, kMondayNoonBeijing + kMsPerHour, encoder);
  return std::move(wire.messages);
}

TEST(WireEncoderTest, WmJsonMachinesUseTheirWmTopics) {
  const auto messages = play_hour(fleet_of(WireProtocol::kWmJson, 2));
  std::map<std::string, int> per_topic;
  for (const WireMessage& m : messages) {
    ++per_topic[m.topic];
    if (m.topic.ends_with("/telemetry")) {
      EXPECT_EQ(m.delivery, Delivery::kTelemetry);
      EXPECT_TRUE(protocols::decode_telemetry(m.payload).ok()) << m.payload;
    } else if (m.topic.ends_with("/event")) {
      EXPECT_EQ(m.delivery, Delivery::kReliable);
      EXPECT_TRUE(protocols::decode_event(m.payload).ok()) << m.payload;
    } else {
      EXPECT_EQ(m.delivery, Delivery::kRetained);
      EXPECT_TRUE(protocols::decode_status(m.payload).ok()) << m.topic;
    }
  }
  EXPECT_EQ(per_topic["wm/v1/s-001/wm-10/telemetry"], 60);
  EXPECT_EQ(per_topic["wm/v1/s-002/wm-21/status"], 2);  // online, offline
  EXPECT_GT(per_topic["wm/v1/s-002/wm-21/event"], 0);   // a mall at noon
}

TEST(WireEncoderTest, HxMachinesSendFramesTheGatewayDecodes) {
  const auto messages = play_hour(fleet_of(WireProtocol::kHxBinary, 2));
  std::map<std::string, std::uint32_t> next_seq;
  std::map<std::string, std::map<std::string, int>> kinds;
  for (const WireMessage& m : messages) {
    ASSERT_TRUE(m.topic.starts_with("hx/wm-") && m.topic.ends_with("/up")) << m.topic;
    EXPECT_EQ(m.delivery, Delivery::kReliable);
    const auto uplink = protocols::decode_hx_uplink(m.payload);
    ASSERT_TRUE(uplink.ok()) << uplink.error().to_string();
    std::uint32_t seq = 0;
    if (const auto* t = std::get_if<protocols::Telemetry>(&*uplink)) {
      seq = t->seq;
      EXPECT_EQ(t->ts_ms % 1000, 0);  // whole seconds on the wire
      ++kinds[m.topic]["telemetry"];
    } else if (const auto* e = std::get_if<protocols::Event>(&*uplink)) {
      seq = e->seq;
      const auto& dispense = std::get<protocols::Dispense>(e->body);
      EXPECT_LE(dispense.txn.size(), protocols::kHxTextBytes);
      EXPECT_GT(dispense.charged_fen, 0);
      ++kinds[m.topic]["dispense"];
    } else {
      seq = std::get<protocols::Heartbeat>(*uplink).seq;
      ++kinds[m.topic]["heartbeat"];
    }
    EXPECT_EQ(seq, next_seq[m.topic]++) << m.topic;
  }
  ASSERT_EQ(kinds.size(), 4u);  // no status frames: only the four machines' up topics
  for (auto& [topic, count] : kinds) {
    EXPECT_EQ(count["telemetry"], 60) << topic;
    EXPECT_GE(count["heartbeat"], 59) << topic;
    EXPECT_GT(count["dispense"], 0) << topic;
  }
}

TEST(WireEncoderTest, HubsConnectBatchSeveralMachinesAndSamplesThenDisconnect) {
  const Fleet fleet = fleet_of(WireProtocol::kTbGateway, 5);
  const auto messages = play_hour(fleet);  // batches of 120 s with one reading a minute
  ASSERT_GE(messages.size(), 20u);
  std::set<std::string> connected, disconnected;
  std::map<std::string, std::int64_t> last_ts;
  std::map<std::string, std::uint32_t> next_seq;
  std::size_t samples = 0, batches = 0;
  bool seen_seq = false, seen_no_seq = false;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const WireMessage& m = messages[i];
    EXPECT_EQ(m.delivery, Delivery::kReliable);
    if (m.topic == protocols::kTbConnectTopic) {
      EXPECT_TRUE(connected.insert(*protocols::decode_tb_device(m.payload)).second);
      EXPECT_LT(i, 10u) << "connects come first";
      continue;
    }
    if (m.topic == protocols::kTbDisconnectTopic) {
      const std::string device = *protocols::decode_tb_device(m.payload);
      EXPECT_TRUE(disconnected.insert(device).second);
      continue;
    }
    ASSERT_EQ(m.topic, protocols::kTbTelemetryTopic) << "hubs have no event topic";
    const auto decoded = protocols::decode_tb_telemetry(m.payload);
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    std::map<std::string, int> per_machine;
    for (const protocols::TbSample& sample : *decoded) {
      ASSERT_TRUE(sample.telemetry.ok()) << sample.telemetry.error().to_string();
      EXPECT_TRUE(connected.count(sample.device_id));
      EXPECT_FALSE(disconnected.count(sample.device_id));
      EXPECT_GT(sample.telemetry->ts_ms, last_ts[sample.device_id]);
      last_ts[sample.device_id] = sample.telemetry->ts_ms;
      (sample.telemetry->has_seq ? seen_seq : seen_no_seq) = true;
      if (sample.telemetry->has_seq) {  // no gaps: unsent sales take no seq
        EXPECT_EQ(sample.telemetry->seq, next_seq[sample.device_id]++) << sample.device_id;
      }
      ++per_machine[sample.device_id];
      ++samples;
    }
    ++batches;
    if (batches > 1 && i + 12 < messages.size()) {  // not the hubs' last, partial batches
      EXPECT_GE(per_machine.size(), 4u) << m.payload;
      for (const auto& [device, n] : per_machine) EXPECT_GE(n, 1) << device;
    }
  }
  EXPECT_EQ(connected.size(), 10u);
  EXPECT_EQ(disconnected, connected);
  EXPECT_EQ(samples, 10u * 60u);
  EXPECT_EQ(batches, 2u * 30u);  // an hour of 120 s windows at each of the two hubs
  EXPECT_TRUE(seen_seq);         // hub of site 0
  EXPECT_TRUE(seen_no_seq);      // hub of site 1
}

TEST(WireEncoderTest, HubBatchesHoldSeveralSamplesPerMachine) {
  const auto messages = play_hour(fleet_of(WireProtocol::kTbGateway, 3));
  std::size_t several = 0;
  for (const WireMessage& m : messages) {
    if (m.topic != protocols::kTbTelemetryTopic) continue;
    const auto decoded = protocols::decode_tb_telemetry(m.payload);
    ASSERT_TRUE(decoded.ok());
    std::map<std::string, int> per_machine;
    for (const auto& sample : *decoded) {
      ++per_machine[sample.device_id];
    }
    for (const auto& [device, n] : per_machine) several += n >= 2 ? 1 : 0;
  }
  EXPECT_GT(several, 100u);  // 2 readings per 120 s batch, for most machines and batches
}

TEST(WireEncoderTest, HubSendsEarlyWhenTheBatchIsFull) {
  HubOptions hubs;
  hubs.max_samples = 7;
  for (const WireMessage& m : play_hour(fleet_of(WireProtocol::kTbGateway, 5), hubs)) {
    if (m.topic != protocols::kTbTelemetryTopic) continue;
    const auto decoded = protocols::decode_tb_telemetry(m.payload);
    ASSERT_TRUE(decoded.ok());
    EXPECT_LE(decoded->size(), 7u);
  }
}

TEST(WireEncoderTest, SlicingDoesNotChangeWhatHubsSend) {
  Fleet fleet = fleet_of(WireProtocol::kTbGateway, 4);
  fleet.machines[1].protocol = WireProtocol::kHxBinary;  // a hub site need not be pure here
  const auto whole = play_hour(fleet);
  RecordingWire wire;
  WireEncoder encoder(fleet, HubOptions{}, wire);
  FleetSimulation sim(fleet, SimulationOptions{3, kMondayNoonBeijing, 60'000});
  sim.publish_statuses(true, kMondayNoonBeijing, encoder);
  const std::int64_t end = kMondayNoonBeijing + kMsPerHour;
  for (std::int64_t t = kMondayNoonBeijing; t <= end; t += 4'999) {
    while (sim.advance_to(t, encoder, 2) > 0) {
      encoder.flush_hubs_through(std::min(t, sim.next_due_ms() - 1));
    }
    encoder.flush_hubs_through(std::min(t, sim.next_due_ms() - 1));
  }
  sim.advance_to(end, encoder);
  encoder.flush_hubs_through(end);
  encoder.flush_all_hubs();
  sim.publish_statuses(false, end, encoder);
  std::vector<std::string> a, b;
  for (const auto& m : whole) a.push_back(m.topic + " " + m.payload);
  for (const auto& m : wire.messages) b.push_back(m.topic + " " + m.payload);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}

TEST(WireEncoderTest, HubMachinesSalesAreCountedNotSent) {
  const Fleet fleet = fleet_of(WireProtocol::kTbGateway, 2);
  RecordingWire wire;
  WireEncoder encoder(fleet, HubOptions{}, wire);
  FleetSimulation sim(fleet, SimulationOptions{3, kMondayNoonBeijing, 60'000});
  sim.advance_to(kMondayNoonBeijing + kMsPerHour, encoder);
  EXPECT_GT(encoder.counters().dispenses_unsent, 10u);
  EXPECT_EQ(encoder.counters().events, 0u);
  EXPECT_EQ(encoder.hub_count(), 2u);
  EXPECT_EQ(encoder.counters().encode_errors, 0u);
}

}  // namespace
}  // namespace wm::sim
