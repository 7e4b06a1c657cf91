// Test support for the fault tests: a small fleet of one busy mall site whose machines
// speak all three protocols, played with faults from Monday noon in Beijing, and ways to
// pick one machine's messages out of the run.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "protocols/messages.h"
#include "simulator/fault_injector.h"
#include "simulator/fault_truth.h"
#include "simulator/fleet.h"
#include "simulator/fleet_simulation.h"
#include "simulator/sim_time.h"

namespace wm::sim::testutil {

inline constexpr std::int64_t kMondayNoonBeijing = 1709481600000 + 12 * kMsPerHour;

// Machine 0 speaks wm-json-v1, 1 hx-binary, 2 tb-gateway; all on site "s-001", a mall.
inline Fleet three_protocol_site() {
  Fleet fleet;
  FleetSite site;
  site.id = "s-001";
  site.kind = SiteKind::kMall;
  site.utc_offset_min = 480;
  site.first_card = 1;
  site.card_count = 3 * kCardsPerMachine;
  fleet.sites.push_back(site);
  const WireProtocol protocols[] = {WireProtocol::kWmJson, WireProtocol::kHxBinary,
                                    WireProtocol::kTbGateway};
  for (std::size_t i = 0; i < 3; ++i) {
    FleetMachine m;
    m.id = "wm-0" + std::to_string(i + 1);
    m.model = "RO-400";
    m.protocol = protocols[i];
    fleet.machines.push_back(m);
  }
  return fleet;
}

class RecordingSink : public MessageSink {
 public:
  void deliver(MachineMessage message) override { messages.push_back(std::move(message)); }
  std::vector<MachineMessage> messages;
};

class RecordingTruth : public TruthSink {
 public:
  void record(const FaultTruth& truth) override { truths.push_back(truth); }
  std::vector<FaultTruth> truths;
};

inline std::int64_t ts_of(const MachineMessage& m) {
  return std::visit([](const auto& body) { return body.ts_ms; }, m.body);
}

template <class T>
std::vector<T> bodies_of(const std::vector<MachineMessage>& messages, std::size_t machine) {
  std::vector<T> out;
  for (const MachineMessage& m : messages) {
    if (m.machine != machine) continue;
    if (const T* body = std::get_if<T>(&m.body)) out.push_back(*body);
  }
  return out;
}

// Events of `machine` whose body is a T.
template <class T>
std::vector<std::pair<std::int64_t, T>> events_of(const std::vector<MachineMessage>& messages,
                                                  std::size_t machine) {
  std::vector<std::pair<std::int64_t, T>> out;
  for (const protocols::Event& e : bodies_of<protocols::Event>(messages, machine)) {
    if (const T* body = std::get_if<T>(&e.body)) out.emplace_back(e.ts_ms, *body);
  }
  return out;
}

inline std::vector<protocols::Telemetry> readings_between(
    const std::vector<MachineMessage>& messages, std::size_t machine, std::int64_t from_ms,
    std::int64_t to_ms) {
  std::vector<protocols::Telemetry> out;
  for (const auto& t : bodies_of<protocols::Telemetry>(messages, machine)) {
    if (t.ts_ms >= from_ms && t.ts_ms < to_ms) out.push_back(t);
  }
  return out;
}

inline constexpr std::int64_t kOnset = kMondayNoonBeijing + 10 * kMsPerMinute;

// The three-protocol site from Monday noon. FaultRun(kind) injects `kind` at kOnset on
// every machine that can show it (once for a site outage) and plays 16 hours.
class FaultRun {
 public:
  explicit FaultRun(FaultKind kind, std::uint64_t seed = 5) : FaultRun(FaultOptions{}, seed) {
    for (std::size_t i = 0; i < fleet_.machines.size(); ++i) {
      const bool injected = sim_.faults().inject(kind, i, kOnset);
      EXPECT_EQ(injected, can_show(kind, fleet_.machines[i].protocol));
      if (kind == FaultKind::kSitePowerOutage) break;
    }
    play(16 * kMsPerHour);
  }
  FaultRun(const FaultOptions& options, std::uint64_t seed)
      : fleet_(three_protocol_site()),
        sim_(fleet_, SimulationOptions{seed, kMondayNoonBeijing, 60'000}, options, &truth) {}

  // Statuses online, every message of `duration_ms`, the truth of what is still active.
  void play(std::int64_t duration_ms) {
    sim_.publish_statuses(true, kMondayNoonBeijing, sink);
    sim_.advance_to(kMondayNoonBeijing + duration_ms, sink);
    sim_.finish_faults(kMondayNoonBeijing + duration_ms);
  }

  const Fleet& fleet() const { return fleet_; }
  FleetSimulation& simulation() { return sim_; }
  // The record of machine `i`'s fault; fails the test when there is none.
  const FaultTruth& truth_of(std::size_t i) const {
    for (const FaultTruth& t : truth.truths) {
      if (t.machine == fleet_.machines[i].id) return t;
    }
    ADD_FAILURE() << "no truth for " << fleet_.machines[i].id;
    static const FaultTruth none;
    return none;
  }
  const MachineProfile& profile(std::size_t i) const { return sim_.machine(i).profile(); }
  const std::vector<MachineMessage>& messages() const { return sink.messages; }
  std::vector<protocols::Telemetry> readings(std::size_t i, std::int64_t from,
                                             std::int64_t to) const {
    return readings_between(sink.messages, i, from, to);
  }

  RecordingSink sink;
  RecordingTruth truth;

 private:
  Fleet fleet_;
  FleetSimulation sim_;
};

}  // namespace wm::sim::testutil
