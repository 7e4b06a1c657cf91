// Seeded random walks through signals, scans and actions, checking after every step what
// must always hold: one open ticket per (device, kind), a history that chains state to
// state, locks only on open unsafe-water tickets, at most one transfer (one dispute).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <utility>

#include "tickets/ticket_desk.h"
#include "tickets/ticket_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using devices::FaultKind;

const std::set<std::string> kExpectedErrors = {"conflict", "forbidden", "not_found"};

void check_invariants(const InMemoryTicketStore& store) {
  std::map<std::pair<std::string, FaultKind>, int> open_count;
  for (const Ticket& t : store.list({})) {
    SCOPED_TRACE(t.id);
    if (t.open()) ++open_count[{t.device_id, t.kind}];
    ASSERT_FALSE(t.history.empty());
    EXPECT_EQ(t.history.front().action, "open");
    for (std::size_t i = 1; i < t.history.size(); ++i) {
      EXPECT_EQ(t.history[i].from_state, t.history[i - 1].to_state) << t.history[i].action;
      EXPECT_GE(t.history[i].at_ms, t.history[i - 1].at_ms);
    }
    EXPECT_EQ(t.history.back().to_state, t.state);
    EXPECT_NE(t.state, TicketState::kOpen);  // the matrix always places a ticket
    EXPECT_EQ(t.machine_locked, t.kind == FaultKind::kWaterQuality && t.open());
    if (!t.open()) {
      EXPECT_TRUE(t.resolved_at_ms.has_value());
    }
    EXPECT_EQ(t.closed_at_ms.has_value(), t.state == TicketState::kClosed);
    EXPECT_GE(t.escalation_level, 0);
    EXPECT_LE(t.escalation_level, 2);
    EXPECT_EQ(t.transfers, t.dispute == DisputeState::kReassigned ? 1 : 0);
    EXPECT_GE(t.revision, 1u);
    EXPECT_FALSE(t.evidence.empty());
  }
  for (const auto& [key, n] : open_count) EXPECT_EQ(n, 1) << key.first;
}

ActionKind next_step(const Ticket& t) {
  if (t.dispute == DisputeState::kPending) return ActionKind::kArbitrate;
  switch (t.state) {
    case TicketState::kOpen:
    case TicketState::kAssigned:
      return t.disputed() ? ActionKind::kAck : ActionKind::kDispute;
    case TicketState::kAcknowledged:
      return ActionKind::kStart;
    case TicketState::kInProgress:
      return ActionKind::kResolve;
    case TicketState::kResolved:
      return ActionKind::kClose;
    case TicketState::kClosed:
      return ActionKind::kRate;
  }
  return ActionKind::kComment;
}

class DeskRandomWalkTest : public DeskTest, public ::testing::WithParamInterface<unsigned> {};

TEST_P(DeskRandomWalkTest, InvariantsHoldAfterEveryStep) {
  TicketDesk desk = make_desk();
  std::mt19937 rng(GetParam());
  const std::string devices[] = {"wm-0001", "wm-0002"};
  const FaultKind kinds[] = {FaultKind::kWaterQuality, FaultKind::kWaterSupply,
                             FaultKind::kPumpFault};
  const Actor actors[] = {operator_, property_, arbiter_, agent_, admin_};
  auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  std::int64_t now = kT0;
  for (int step = 0; step < 600; ++step) {
    now += static_cast<std::int64_t>(pick(40)) * kMin;
    const std::string& device = devices[pick(2)];
    const FaultKind kind = kinds[pick(3)];
    // Actions mostly target an open ticket, by its responsible party, with the next step of
    // its life cycle, so that the walk gets deep; the rest is noise that must be refused.
    TicketFilter open_only;
    open_only.open_only = pick(5) != 0;
    const std::vector<Ticket> some = store_.list(open_only);
    const Ticket target = some.empty() ? Ticket{} : some[pick(some.size())];
    Result<DeskDecision> result = DeskDecision{};
    switch (pick(12)) {
      case 0:
      case 1:
        result = desk.on_fault(signal(kind, now, SignalState::kRaised, device), now);
        break;
      case 2:
        result = desk.on_fault(signal(kind, now, SignalState::kCleared, device), now);
        break;
      case 3:
        result =
            desk.on_healthy(device, kind, now - static_cast<std::int64_t>(pick(20)) * kMin, now);
        break;
      case 4:
        result = desk.escalate(now);
        break;
      case 5:
        result = desk.auto_resolve(now);
        break;
      case 6:
        result = desk.on_request(request(kind, Source::kHotline, "caller", device), now);
        break;
      default: {
        TicketAction a = TicketAction::simple(static_cast<ActionKind>(pick(8)), "note");
        if (pick(2) == 0) a.kind = next_step(target);
        a.decision = pick(2) == 0 ? Arbitration::kUphold : Arbitration::kReassign;
        a.score = static_cast<int>(pick(5)) + 1;
        Actor actor = actors[pick(5)];
        if (pick(3) != 0) {
          actor = target.responsible.org == "pm-7" ? property_ : operator_;
          if (a.kind == ActionKind::kArbitrate) actor = arbiter_;
        }
        result = desk.act(target.id.empty() ? "t-none" : target.id, a, actor, now);
      }
    }
    if (!result.ok()) {
      EXPECT_TRUE(kExpectedErrors.count(result.error().code)) << result.error().to_string();
    } else {
      EXPECT_TRUE(result->errors.empty());
      for (const MachineCommand& c : result->commands) EXPECT_FALSE(c.ticket_id.empty());
    }
    check_invariants(store_);
    if (::testing::Test::HasFailure()) FAIL() << "seed " << GetParam() << ", step " << step;
  }
  // The walk must reach the interesting corners, or the invariants were checked on little.
  std::set<std::string> seen;
  for (const Ticket& t : store_.list({})) {
    for (const HistoryEntry& e : t.history) seen.insert(e.action);
  }
  for (const char* action : {"join", "ack", "start", "resolve", "auto_resolve", "reopen",
                             "escalate", "dispute", "arbitrate", "lock", "unlock"}) {
    EXPECT_TRUE(seen.count(action)) << "seed " << GetParam() << " never saw " << action;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DeskRandomWalkTest, ::testing::Values(1u, 2u, 3u, 42u, 2026u));

}  // namespace
}  // namespace wm::tickets
