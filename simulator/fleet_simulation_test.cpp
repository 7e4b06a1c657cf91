#include "simulator/fleet_simulation.h"

#include <gtest/gtest.h>

#include <map>
#include <variant>
#include <vector>

#include "protocols/wm_json.h"
#include "simulator/flood_plan.h"
#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

constexpr std::int64_t kMondayMidnightBeijing = 1709481600000;  // 2024-03-04T00:00+08:00

using protocols::Event;
using protocols::Heartbeat;
using protocols::Telemetry;

class RecordingSink : public MessageSink {
 public:
  void deliver(MachineMessage message) override { messages.push_back(std::move(message)); }
  std::vector<MachineMessage> messages;
};

template <class T>
bool is(const MachineMessage& m) {
  return std::holds_alternative<T>(m.body);
}

Fleet fleet_of(SiteKind kind, std::size_t machines) {
  Fleet fleet;
  FleetSite site;
  site.id = "s-001";
  site.kind = kind;
  site.utc_offset_min = 480;
  site.first_card = 1;
  site.card_count = machines * kCardsPerMachine;
  fleet.sites.push_back(site);
  for (std::size_t i = 0; i < machines; ++i) {
    FleetMachine m;
    m.id = "wm-" + std::to_string(i + 1);
    m.model = "RO-400";
    fleet.machines.push_back(m);
  }
  return fleet;
}

std::int64_t ts_of(const MachineMessage& m) {
  return std::visit([](const auto& body) { return body.ts_ms; }, m.body);
}

TEST(FleetSimulationTest, MessagesDecodeAndComeInOrderWithConsecutiveSeq) {
  FleetSimulation sim(fleet_of(SiteKind::kCommunity, 5),
                      SimulationOptions{1, kMondayMidnightBeijing + 7 * kMsPerHour, 60'000});
  RecordingSink sink;
  sim.advance_to(kMondayMidnightBeijing + 13 * kMsPerHour, sink);
  ASSERT_FALSE(sink.messages.empty());
  std::map<std::size_t, std::uint32_t> next_seq;
  std::int64_t last_ts = 0;
  std::size_t events = 0;
  for (const MachineMessage& m : sink.messages) {
    std::uint32_t seq = 0;
    if (is<Telemetry>(m)) {
      // What the machine says must be what wm-json-v1 can carry.
      const std::string payload = protocols::encode_telemetry(std::get<Telemetry>(m.body));
      auto t = protocols::decode_telemetry(payload);
      ASSERT_TRUE(t.ok()) << t.error().to_string() << " in " << payload;
      seq = t->seq;
    } else {
      ASSERT_TRUE(is<Event>(m));
      const std::string payload = protocols::encode_event(std::get<Event>(m.body));
      auto e = protocols::decode_event(payload);
      ASSERT_TRUE(e.ok()) << e.error().to_string() << " in " << payload;
      ASSERT_TRUE(std::holds_alternative<protocols::Dispense>(e->body));
      seq = e->seq;
      ++events;
    }
    EXPECT_EQ(seq, next_seq[m.machine]++) << "machine " << m.machine;
    const std::int64_t ts = ts_of(m);
    EXPECT_GE(ts, last_ts);
    last_ts = ts;
  }
  EXPECT_GT(events, 50u);  // six busy hours at five machines
}

TEST(FleetSimulationTest, EveryMachineReportsOncePerInterval) {
  FleetSimulation sim(fleet_of(SiteKind::kMall, 4),
                      SimulationOptions{2, kMondayMidnightBeijing, 30'000});
  RecordingSink sink;
  sim.advance_to(kMondayMidnightBeijing + kMsPerHour - 1, sink);
  std::map<std::size_t, int> telemetry;
  for (const auto& m : sink.messages) {
    if (is<Telemetry>(m)) ++telemetry[m.machine];
  }
  ASSERT_EQ(telemetry.size(), 4u);
  for (const auto& [machine, count] : telemetry) EXPECT_EQ(count, 120) << machine;
}

TEST(FleetSimulationTest, SlicingDoesNotChangeTheStream) {
  const Fleet fleet = fleet_of(SiteKind::kSchool, 3);
  const SimulationOptions options{7, kMondayMidnightBeijing + 11 * kMsPerHour, 60'000};
  const std::int64_t end = options.start_ms + 2 * kMsPerHour;
  FleetSimulation whole(fleet, options);
  RecordingSink all_at_once;
  whole.advance_to(end, all_at_once);
  FleetSimulation sliced(fleet, options);
  RecordingSink in_slices;
  for (std::int64_t t = options.start_ms; t <= end; t += 7'919) sliced.advance_to(t, in_slices, 3);
  while (sliced.advance_to(end, in_slices, 3) > 0) {
  }
  ASSERT_EQ(all_at_once.messages.size(), in_slices.messages.size());
  for (std::size_t i = 0; i < in_slices.messages.size(); ++i) {
    EXPECT_EQ(all_at_once.messages[i].machine, in_slices.messages[i].machine) << i;
    EXPECT_EQ(all_at_once.messages[i].body, in_slices.messages[i].body) << i;
  }
}

// Dispenses per local day of the week over one simulated week.
std::vector<int> dispenses_by_weekday(SiteKind kind, std::uint64_t seed) {
  FleetSimulation sim(fleet_of(kind, 10), SimulationOptions{seed, kMondayMidnightBeijing, 600'000});
  RecordingSink sink;
  sim.advance_to(kMondayMidnightBeijing + 7 * kMsPerDay - 1, sink);
  std::vector<int> per_day(7, 0);
  for (const auto& m : sink.messages) {
    if (is<Event>(m)) ++per_day[local_time(ts_of(m), 480).weekday];
  }
  return per_day;
}

TEST(FleetSimulationTest, SchoolsSellOnWeekdaysAndRestOnWeekends) {
  const auto days = dispenses_by_weekday(SiteKind::kSchool, 3);
  const double weekday = (days[0] + days[1] + days[2] + days[3] + days[4]) / 5.0;
  const double weekend = (days[5] + days[6]) / 2.0;
  // About 110 a machine on a school day, about 7 on a weekend day.
  EXPECT_GT(weekday, 10 * 80);
  EXPECT_LT(weekday, 10 * 140);
  EXPECT_GT(weekday, 8 * weekend);
}

TEST(FleetSimulationTest, MallsAreBusierOnWeekends) {
  const auto days = dispenses_by_weekday(SiteKind::kMall, 4);
  const double weekday = (days[0] + days[1] + days[2] + days[3] + days[4]) / 5.0;
  const double weekend = (days[5] + days[6]) / 2.0;
  EXPECT_GT(weekend, 1.3 * weekday);
}

TEST(FleetSimulationTest, NightsAreQuieterThanNoon) {
  FleetSimulation sim(fleet_of(SiteKind::kCommunity, 10),
                      SimulationOptions{5, kMondayMidnightBeijing, 600'000});
  RecordingSink sink;
  sim.advance_to(kMondayMidnightBeijing + 7 * kMsPerDay - 1, sink);
  int night = 0, noon = 0;
  for (const auto& m : sink.messages) {
    if (!is<Event>(m)) continue;
    const double hour = local_time(ts_of(m), 480).hour;
    if (hour >= 2 && hour < 4) ++night;
    if (hour >= 11 && hour < 13) ++noon;
  }
  EXPECT_GT(noon, 10 * std::max(night, 1));
}

TEST(FleetSimulationTest, StatusesAreOnePerMachine) {
  FleetSimulation sim(fleet_of(SiteKind::kMall, 3), SimulationOptions{});
  RecordingSink sink;
  sim.publish_statuses(false, 1234, sink);
  ASSERT_EQ(sink.messages.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sink.messages[i].machine, i);
    ASSERT_TRUE(is<protocols::Status>(sink.messages[i]));
    EXPECT_EQ(std::get<protocols::Status>(sink.messages[i].body), (protocols::Status{1234, false}));
  }
}

TEST(FleetSimulationTest, HxMachinesBeatHalfWayBetweenReadingsAndShareTheSeqCounter) {
  Fleet fleet = fleet_of(SiteKind::kMall, 3);
  fleet.machines[1].protocol = WireProtocol::kHxBinary;
  const std::int64_t start = kMondayMidnightBeijing + 12 * kMsPerHour;
  FleetSimulation sim(fleet, SimulationOptions{9, start, 60'000});
  RecordingSink sink;
  sim.advance_to(start + kMsPerHour - 1, sink);
  std::uint32_t next_seq = 0;
  std::vector<std::int64_t> readings, beats;
  for (const MachineMessage& m : sink.messages) {
    if (is<Heartbeat>(m)) {
      EXPECT_EQ(m.machine, 1u) << "only hx-binary machines beat";
    }
    if (m.machine != 1) continue;
    std::uint32_t seq = 0;
    if (is<Telemetry>(m)) {
      readings.push_back(ts_of(m));
      seq = std::get<Telemetry>(m.body).seq;
    } else if (is<Heartbeat>(m)) {
      beats.push_back(ts_of(m));
      seq = std::get<Heartbeat>(m.body).seq;
    } else {
      seq = std::get<Event>(m.body).seq;
    }
    EXPECT_EQ(seq, next_seq++);
  }
  ASSERT_EQ(readings.size(), 60u);
  ASSERT_EQ(beats.size(), readings.size() - (beats.size() < readings.size() ? 1 : 0));
  for (std::size_t i = 0; i < beats.size(); ++i) EXPECT_EQ(beats[i], readings[i] + 30'000) << i;
}

TEST(FloodPlanTest, RoundRobinWithPerMachineSeqAndRisingTime) {
  const FloodPlan plan(fleet_of(SiteKind::kSchool, 4), 10, 1, kMondayMidnightBeijing, 60'000);
  ASSERT_EQ(plan.size(), 10u);
  std::int64_t last_ts = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan.machine(i), i % 4);
    const auto t = protocols::decode_telemetry(plan.payload(i));
    ASSERT_TRUE(t.ok()) << t.error().to_string();
    EXPECT_EQ(t->seq, i / 4);
    EXPECT_EQ(t->ts_ms, kMondayMidnightBeijing + static_cast<std::int64_t>(i) * 15'000);
    EXPECT_GE(t->ts_ms, last_ts);
    last_ts = t->ts_ms;
  }
}

}  // namespace
}  // namespace wm::sim
