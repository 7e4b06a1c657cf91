// Escalation with a moved clock, and the desk under concurrent writers: equal signals at
// once give one ticket; a write that loses a race is re-read and re-decided.
#include <gtest/gtest.h>

#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "tickets/ticket_desk.h"
#include "tickets/ticket_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using devices::FaultKind;

int escalations_in(const Ticket& ticket) {
  int n = 0;
  for (const HistoryEntry& e : ticket.history) n += e.action == "escalate" ? 1 : 0;
  return n;
}

TEST_F(DeskTest, MissedAckThenMissedResolveEscalateOnceEach) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);  // P1: ack 15 min, resolve 4 h

  EXPECT_TRUE(desk.escalate(kT0 + 15 * kMin).empty());  // due, not yet missed
  const DeskDecision first = desk.escalate(kT0 + 16 * kMin);
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_EQ(first.changes[0].ticket.escalation_level, 1);
  ASSERT_EQ(first.notifications.size(), 1u);
  EXPECT_EQ(first.notifications[0].org, "op-1");
  EXPECT_EQ(first.notifications[0].audience, "supervisor");
  EXPECT_EQ(first.notifications[0].event, NotificationEvent::kEscalated);
  EXPECT_EQ(first.notifications[0].escalation_level, 1);
  const HistoryEntry& entry = first.changes[0].ticket.history.back();
  EXPECT_EQ(entry.action, "escalate");
  EXPECT_EQ(entry.actor, "system");
  EXPECT_EQ(entry.at_ms, kT0 + 16 * kMin);
  EXPECT_NE(entry.note.find("level 1"), std::string::npos);

  EXPECT_TRUE(desk.escalate(kT0 + 17 * kMin).empty());
  EXPECT_TRUE(desk.escalate(kT0 + 4 * kHour).empty());

  const DeskDecision second = desk.escalate(kT0 + 4 * kHour + kMin);
  ASSERT_EQ(second.changes.size(), 1u);
  EXPECT_EQ(second.changes[0].ticket.escalation_level, 2);
  ASSERT_EQ(second.notifications.size(), 2u);  // both parties' duty managers
  EXPECT_EQ(second.notifications[0].org, "op-1");
  EXPECT_EQ(second.notifications[1].org, "pm-7");
  EXPECT_EQ(second.notifications[1].audience, "duty_manager");
  EXPECT_TRUE(desk.escalate(kT0 + 8 * kHour).empty());
  EXPECT_EQ(escalations_in(stored(t.id)), 2);
}

TEST_F(DeskTest, AcknowledgedInTimeSkipsLevelOne) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  must(desk, t.id, TicketAction::simple(ActionKind::kAck), operator_, kT0 + 5 * kMin);
  EXPECT_TRUE(desk.escalate(kT0 + kHour).empty());
  const DeskDecision d = desk.escalate(kT0 + 5 * kHour);
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].ticket.escalation_level, 2);
  EXPECT_EQ(escalations_in(stored(t.id)), 1);
}

TEST_F(DeskTest, BothDeadlinesMissedAtOnceGiveTwoEntries) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  const DeskDecision d = desk.escalate(kT0 + 5 * kHour);
  EXPECT_EQ(stored(t.id).escalation_level, 2);
  EXPECT_EQ(escalations_in(stored(t.id)), 2);
  EXPECT_EQ(d.notifications.size(), 3u);
}

TEST_F(DeskTest, ResolvedTicketsAreNotEscalated) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  ASSERT_TRUE(desk.on_healthy("wm-0001", FaultKind::kLeak, kT0, kT0 + 10 * kMin)->changes.size() ==
              1);
  EXPECT_TRUE(desk.escalate(kT0 + 10 * kHour).empty());
  EXPECT_EQ(stored(t.id).escalation_level, 0);
}

TEST_F(DeskTest, BusinessHourDeadlinesEscalateOnTheSiteClock) {
  TicketDesk desk = make_desk();
  // P3 heater fault at 19:00 local: ack due 4 business hours later = 11:00 next day.
  const std::int64_t evening = testutil::local(480, 2026, 11, 23, 19);
  const Ticket t = open(desk, FaultKind::kHeaterFault, evening);
  EXPECT_EQ(t.ack_due_ms, testutil::local(480, 2026, 11, 24, 11));
  EXPECT_TRUE(desk.escalate(testutil::local(480, 2026, 11, 24, 7)).empty());
  EXPECT_EQ(desk.escalate(testutil::local(480, 2026, 11, 24, 11, 1)).changes.size(), 1u);
}

TEST_F(DeskTest, EscalationWithoutTheSiteNotifiesTheResponsibleOrg) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  site_.id = "s-gone";  // the lookup no longer finds the ticket's site
  const DeskDecision d = desk.escalate(kT0 + 5 * kHour);
  ASSERT_EQ(d.notifications.size(), 2u);
  EXPECT_EQ(d.notifications[1].org, "op-1");
  EXPECT_EQ(stored(t.id).escalation_level, 2);
}

TEST_F(DeskTest, ConcurrentEqualSignalsGiveOneTicket) {
  TicketDesk desk = make_desk();
  constexpr int kThreads = 8;
  std::vector<Result<DeskDecision>> results(kThreads, Error{});
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] =
          desk.on_fault(signal(FaultKind::kLeak, kT0 + i), kT0 + i);
    });
  }
  for (std::thread& thread : threads) thread.join();
  int opened = 0;
  int joined = 0;
  for (const Result<DeskDecision>& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->changes.size(), 1u);
    opened += r->changes[0].kind == ChangeKind::kOpened ? 1 : 0;
    joined += r->changes[0].kind == ChangeKind::kJoined ? 1 : 0;
  }
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(joined, kThreads - 1);
  ASSERT_EQ(store_.size(), 1u);
  EXPECT_EQ(store_.list({}).at(0).evidence.size(), static_cast<std::size_t>(kThreads));
}

// A store that lets a test slip a competing write in just before the desk's next write.
class RacingStore final : public TicketStore {
 public:
  explicit RacingStore(InMemoryTicketStore& inner) : inner_(inner) {}
  std::function<void(InMemoryTicketStore&)> before_next_write;

  std::optional<Ticket> find_open(std::string_view d, FaultKind k) const override {
    return inner_.find_open(d, k);
  }
  std::optional<Ticket> find_latest(std::string_view d, FaultKind k) const override {
    return inner_.find_latest(d, k);
  }
  std::optional<Ticket> get(std::string_view id) const override { return inner_.get(id); }
  Result<Ticket> insert(Ticket t) override {
    race();
    return inner_.insert(std::move(t));
  }
  Result<Ticket> update(Ticket t) override {
    race();
    return inner_.update(std::move(t));
  }
  std::vector<Ticket> list(const TicketFilter& f) const override { return inner_.list(f); }

 private:
  void race() {
    if (auto competitor = std::exchange(before_next_write, nullptr)) competitor(inner_);
  }
  InMemoryTicketStore& inner_;
};

TEST_F(DeskTest, LostInsertRaceJoinsTheWinner) {
  RacingStore racing(store_);
  TicketDesk desk(racing, nullptr);
  racing.before_next_write = [&](InMemoryTicketStore& inner) {
    TicketDesk other(inner, nullptr);
    ASSERT_TRUE(other.on_fault(signal(FaultKind::kLeak, kT0), kT0).ok());
  };
  const Result<DeskDecision> d = desk.on_fault(signal(FaultKind::kLeak, kT0 + 1), kT0 + 1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->changes.at(0).kind, ChangeKind::kJoined);
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(DeskTest, LostUpdateRaceIsRereadAndKeepsBothChanges) {
  TicketDesk plain = make_desk();
  const Ticket t = open(plain, FaultKind::kLeak, kT0);
  RacingStore racing(store_);
  TicketDesk desk(racing, nullptr);
  racing.before_next_write = [&](InMemoryTicketStore& inner) {
    TicketDesk other(inner, nullptr);
    ASSERT_TRUE(other.act(t.id, TicketAction::comment("caller rang"), agent_, kT0 + 1).ok());
  };
  ASSERT_TRUE(desk.act(t.id, TicketAction::simple(ActionKind::kAck), operator_, kT0 + 2).ok());
  const Ticket after = stored(t.id);
  EXPECT_EQ(after.state, TicketState::kAcknowledged);
  ASSERT_GE(after.history.size(), 2u);
  EXPECT_EQ(after.history[after.history.size() - 2].action, "comment");
  EXPECT_EQ(after.history.back().action, "ack");
  EXPECT_EQ(after.revision, 3u);
}

TEST_F(DeskTest, ActionRacingIntoAForbiddenStateIsAConflict) {
  TicketDesk plain = make_desk();
  const Ticket t = open(plain, FaultKind::kLeak, kT0);
  RacingStore racing(store_);
  TicketDesk desk(racing, nullptr);
  racing.before_next_write = [&](InMemoryTicketStore& inner) {
    TicketDesk other(inner, nullptr);
    ASSERT_TRUE(other.act(t.id, TicketAction::simple(ActionKind::kAck), admin_, kT0 + 1).ok());
  };
  const Result<DeskDecision> d =
      desk.act(t.id, TicketAction::simple(ActionKind::kAck), operator_, kT0 + 2);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "conflict");
  EXPECT_EQ(stored(t.id).history.back().actor, "admin");
}

TEST_F(DeskTest, PredictedUnsafeWaterIsP2AndUnlockedUntilTheLimitIsCrossed) {
  TicketDesk desk = make_desk();
  FaultSignal warned = signal(FaultKind::kWaterQuality, kT0);
  warned.source = Source::kPredicted;
  warned.predicted_failure_at_ms = kT0 + 60 * kHour;
  const Result<DeskDecision> opened = desk.on_fault(warned, kT0);
  ASSERT_TRUE(opened.ok());
  const Ticket& t = opened->changes.at(0).ticket;
  EXPECT_EQ(t.severity, devices::Severity::kP2);  // the water is still within the limit
  EXPECT_FALSE(t.machine_locked);
  EXPECT_TRUE(opened->commands.empty());
  // The limit is crossed: the same ticket becomes P1 and the machine stops selling water.
  const Result<DeskDecision> crossed =
      desk.on_fault(signal(FaultKind::kWaterQuality, kT0 + 50 * kHour), kT0 + 50 * kHour);
  ASSERT_TRUE(crossed.ok());
  const Ticket& now = crossed->changes.at(0).ticket;
  EXPECT_EQ(crossed->changes.at(0).kind, ChangeKind::kJoined);
  EXPECT_EQ(now.id, t.id);
  EXPECT_EQ(now.severity, devices::Severity::kP1);
  EXPECT_TRUE(now.machine_locked);
  EXPECT_EQ(now.ack_due_ms, std::min(t.ack_due_ms, kT0 + 50 * kHour + 15 * kMin));
  ASSERT_EQ(crossed->commands.size(), 1u);
  EXPECT_EQ(crossed->commands[0].cmd, protocols::CommandKind::kLock);
  EXPECT_EQ(crossed->commands[0].ticket_id, t.id);
}

TEST_F(DeskTest, ARevisedPredictionNeverOpensOrReopensATicket) {
  TicketDesk desk = make_desk();
  FaultSignal s = signal(FaultKind::kPumpFault, kT0);
  s.source = Source::kPredicted;
  s.predicted_failure_at_ms = kT0 + 30 * kHour;
  s.update_only = true;
  const Result<DeskDecision> nothing = desk.on_fault(s, kT0);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
  EXPECT_EQ(store_.size(), 0u);
  // Opened, then resolved (the code cleared): a late revision does not bring it back.
  s.update_only = false;
  const std::string id = desk.on_fault(s, kT0)->changes.at(0).ticket.id;
  ASSERT_TRUE(desk.on_fault(signal(FaultKind::kPumpFault, kT0 + kHour, SignalState::kCleared),
                            kT0 + kHour)
                  .ok());
  (void)desk.auto_resolve(kT0 + 3 * kHour);
  ASSERT_EQ(stored(id).state, TicketState::kResolved);
  s.update_only = true;
  s.predicted_failure_at_ms = kT0 + 60 * kHour;
  EXPECT_TRUE(desk.on_fault(s, kT0 + 4 * kHour)->empty());
  EXPECT_EQ(stored(id).state, TicketState::kResolved);
  EXPECT_EQ(store_.size(), 1u);
}

}  // namespace
}  // namespace wm::tickets
