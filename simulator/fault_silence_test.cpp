// Machines that go silent (device_offline, site_power_outage), the service door (tamper
// against technicians' visits), and what the faults look like on the wire.
#include <gtest/gtest.h>

#include <map>
#include <variant>

#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"
#include "protocols/wm_json.h"
#include "simulator/fault_test_fleet.h"
#include "simulator/wire_encoder.h"

namespace wm::sim {
namespace {

using namespace testutil;  // NOLINT(google-build-using-namespace): test fixtures only
using protocols::Maintenance;
using protocols::MaintenanceAction;
using protocols::Status;
using protocols::Telemetry;

// Statuses of machine `i` after the one that says it is online at the start.
std::vector<Status> later_statuses(const FaultRun& run, std::size_t i) {
  auto statuses = bodies_of<Status>(run.messages(), i);
  EXPECT_FALSE(statuses.empty());
  if (!statuses.empty()) statuses.erase(statuses.begin());
  return statuses;
}

// Machine `i` sent nothing in (from, to) and reads again within two intervals after.
void expect_silent(const FaultRun& run, std::size_t i, std::int64_t from, std::int64_t to) {
  for (const MachineMessage& m : run.messages()) {
    if (m.machine != i || std::holds_alternative<Status>(m.body)) continue;
    EXPECT_FALSE(ts_of(m) > from && ts_of(m) < to) << "machine " << i << " at " << ts_of(m);
  }
  EXPECT_FALSE(run.readings(i, to, to + 2 * 60'000 + kMsPerMinute).empty()) << i;
}

TEST(FaultSilenceTest, AnOfflineMachineFallsSilentAndSaysSoWhereItsProtocolCan) {
  const FaultRun run(FaultKind::kDeviceOffline);
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.truth_of(i);
    ASSERT_TRUE(t.cleared_ms);
    EXPECT_GE(*t.cleared_ms - t.onset_ms, 30 * kMsPerMinute);
    EXPECT_TRUE(t.codes.empty());
    expect_silent(run, i, t.onset_ms, *t.cleared_ms);
  }
  // wm-json-v1: the retained status goes offline on the machine's behalf, online when back.
  const FaultTruth& json = run.truth_of(0);
  EXPECT_EQ(later_statuses(run, 0),
            (std::vector{Status{json.onset_ms, false}, Status{*json.cleared_ms, true}}));
  // HX has no status; a hub only connects its machine again.
  EXPECT_TRUE(later_statuses(run, 1).empty());
  EXPECT_EQ(later_statuses(run, 2), (std::vector{Status{*run.truth_of(2).cleared_ms, true}}));
}

TEST(FaultSilenceTest, ASitePowerOutageSilencesEveryMachineOfTheSite) {
  const FaultRun run(FaultKind::kSitePowerOutage);
  ASSERT_EQ(run.truth.truths.size(), 1u);
  const FaultTruth& t = run.truth.truths.front();
  EXPECT_EQ(t.machine, "");  // the site's fault, not one machine's
  EXPECT_EQ(t.site, "s-001");
  ASSERT_TRUE(t.cleared_ms);
  for (std::size_t i = 0; i < 3; ++i) expect_silent(run, i, t.onset_ms, *t.cleared_ms);
  const auto json = later_statuses(run, 0);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0], (Status{t.onset_ms, false}));
  EXPECT_TRUE(json[1].online);
  EXPECT_GE(json[1].ts_ms, *t.cleared_ms);
  EXPECT_LE(json[1].ts_ms, *t.cleared_ms + kMsPerMinute);  // boots within a minute
}

TEST(FaultSilenceTest, TamperOpensTheDoorWithoutAVisit) {
  const FaultRun run(FaultKind::kTamper);
  for (std::size_t i = 0; i < 3; ++i) {
    const FaultTruth& t = run.truth_of(i);
    ASSERT_TRUE(t.cleared_ms);
    EXPECT_TRUE(t.codes.empty());
    const auto open = run.readings(i, t.onset_ms, *t.cleared_ms);
    EXPECT_GE(open.size(), 4u);
    for (const Telemetry& r : open) EXPECT_EQ(r.door, true);
    for (const Telemetry& r : run.readings(i, *t.cleared_ms, INT64_MAX)) EXPECT_EQ(r.door, false);
  }
  EXPECT_TRUE(events_of<Maintenance>(run.messages(), 0).empty());
}

TEST(FaultSilenceTest, RoutineVisitsOpenTheDoorOnlyBetweenServiceStartAndEnd) {
  FaultOptions options;
  options.routine_maintenance = true;
  FaultRun run(options, 12);
  run.play(20 * kMsPerDay);
  const auto steps = events_of<Maintenance>(run.messages(), 0);
  std::vector<std::pair<std::int64_t, std::int64_t>> visits;
  int cleanings = 0;
  // A flag and a time rather than an optional: GCC 12 at -O2 warns about the optional.
  bool in_visit = false;
  std::int64_t started = 0;
  for (const auto& [ts, m] : steps) {
    if (m.action == MaintenanceAction::kServiceStart) {
      EXPECT_FALSE(in_visit) << "visits do not nest";
      in_visit = true;
      started = ts;
    } else if (m.action == MaintenanceAction::kServiceEnd) {
      ASSERT_TRUE(in_visit);
      visits.emplace_back(started, ts);
      in_visit = false;
    } else {
      EXPECT_EQ(m.action, MaintenanceAction::kCleaning);
      EXPECT_TRUE(in_visit) << "cleaning inside a visit";
      ++cleanings;
    }
  }
  EXPECT_GE(visits.size(), 4u);
  EXPECT_GE(cleanings, 2);
  int open = 0;
  for (const Telemetry& r : bodies_of<Telemetry>(run.messages(), 0)) {
    if (!r.door.value_or(false)) continue;
    ++open;
    const bool inside = std::any_of(visits.begin(), visits.end(), [&](const auto& v) {
      return r.ts_ms > v.first && r.ts_ms < v.second;
    });
    EXPECT_TRUE(inside) << "door open outside a visit at " << r.ts_ms;
  }
  EXPECT_GT(open, 20);
  // No visits where the protocol cannot say so: there an open door would be tamper.
  for (std::size_t i = 1; i < 3; ++i) {
    for (const Telemetry& r : bodies_of<Telemetry>(run.messages(), i)) EXPECT_EQ(r.door, false);
  }
  for (const FaultTruth& t : run.truth.truths) EXPECT_EQ(t.kind, FaultKind::kCleaningDue);
}

TEST(FaultSilenceTest, SlicingDoesNotChangeTheStreamOrTheTruth) {
  FaultOptions options;
  options.per_machine_day = 4;
  options.routine_maintenance = true;
  FaultRun whole(options, 31);
  whole.play(3 * kMsPerDay);
  FaultRun sliced(options, 31);
  FleetSimulation& sim = sliced.simulation();
  sim.publish_statuses(true, kMondayNoonBeijing, sliced.sink);
  const std::int64_t end = kMondayNoonBeijing + 3 * kMsPerDay;
  for (std::int64_t t = kMondayNoonBeijing; t <= end; t += 7'919) sim.advance_to(t, sliced.sink, 3);
  while (sim.advance_to(end, sliced.sink, 3) > 0) {
  }
  sim.finish_faults(end);
  ASSERT_EQ(whole.messages().size(), sliced.messages().size());
  for (std::size_t i = 0; i < whole.messages().size(); ++i) {
    EXPECT_EQ(whole.messages()[i].machine, sliced.messages()[i].machine) << i;
    EXPECT_EQ(whole.messages()[i].body, sliced.messages()[i].body) << i;
  }
  EXPECT_EQ(whole.truth.truths, sliced.truth.truths);
  EXPECT_GT(whole.truth.truths.size(), 5u);
}

class RecordingWire : public WireSink {
 public:
  void send(WireMessage message) override { messages.push_back(std::move(message)); }
  std::vector<WireMessage> messages;
};

TEST(FaultSilenceTest, EveryKindEncodesInEveryProtocolAndLeaksShowOnTheWire) {
  for (FaultKind kind : all_fault_kinds()) {
    if (kind == FaultKind::kCleaningDue || slow_only(kind)) continue;  // slow: degradation tests
    const FaultRun run(kind);
    RecordingWire wire;
    WireEncoder encoder(run.fleet(), HubOptions{}, wire);
    for (const MachineMessage& m : run.messages()) encoder.deliver(m);
    encoder.flush_all_hubs();
    EXPECT_EQ(encoder.counters().encode_errors, 0u) << to_string(kind);
    if (kind != FaultKind::kLeak) continue;
    std::map<std::string, int> seen;
    for (const WireMessage& m : wire.messages) {
      if (m.topic.ends_with("/event")) {
        const auto e = protocols::decode_event(m.payload);
        ASSERT_TRUE(e.ok());
        if (const auto* f = std::get_if<protocols::Fault>(&e->body)) {
          EXPECT_EQ(f->code, protocols::FaultCode::kE02);
          ++seen[f->active ? "json raised" : "json cleared"];
        }
      } else if (m.topic.starts_with("hx/")) {
        const auto up = protocols::decode_hx_uplink(m.payload);
        ASSERT_TRUE(up.ok()) << up.error().to_string();
        if (const auto* e = std::get_if<protocols::Event>(&*up)) {
          if (const auto* f = std::get_if<protocols::Fault>(&e->body)) {
            EXPECT_EQ(f->code, protocols::FaultCode::kE02);
            ++seen[f->active ? "hx raised" : "hx cleared"];
          }
        } else if (const auto* t = std::get_if<Telemetry>(&*up)) {
          if (t->leak == true) ++seen["hx wet"];
        }
      } else if (m.topic == protocols::kTbTelemetryTopic) {
        const auto samples = protocols::decode_tb_telemetry(m.payload);
        ASSERT_TRUE(samples.ok());
        for (const auto& s : *samples) {
          ASSERT_TRUE(s.telemetry.ok());
          if (s.telemetry->leak == true) ++seen["tb wet"];
        }
      }
    }
    EXPECT_EQ(seen["json raised"], 1);
    EXPECT_EQ(seen["json cleared"], 1);
    EXPECT_EQ(seen["hx raised"], 1);
    EXPECT_EQ(seen["hx cleared"], 1);
    EXPECT_GT(seen["hx wet"], 20);
    EXPECT_GT(seen["tb wet"], 20);
  }
}

}  // namespace
}  // namespace wm::sim
