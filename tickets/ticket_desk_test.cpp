// The desk's signal side: opening with the matrix's party and SLA deadlines, joining,
// reopening within the window, locking on unsafe water, automatic resolution with a hold
// time (and flapping), escalation with a moved clock, and concurrent equal signals.
#include "tickets/ticket_desk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "tickets/ticket_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using devices::FaultKind;
using devices::Party;

std::vector<std::string> actions_of(const Ticket& ticket) {
  std::vector<std::string> out;
  for (const HistoryEntry& e : ticket.history) out.push_back(e.action);
  return out;
}

TEST_F(DeskTest, RaisedSignalOpensAnAssignedTicket) {
  TicketDesk desk = make_desk();
  const Result<DeskDecision> d = desk.on_fault(signal(FaultKind::kLeak, kT0 - kMin), kT0);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->changes.size(), 1u);
  EXPECT_EQ(d->changes[0].kind, ChangeKind::kOpened);
  const Ticket& t = d->changes[0].ticket;
  EXPECT_FALSE(t.id.empty());
  EXPECT_EQ(t, stored(t.id));
  EXPECT_EQ(t.state, TicketState::kAssigned);
  EXPECT_EQ(t.severity, devices::Severity::kP1);
  EXPECT_EQ(t.responsible, (Responsible{Party::kOperator, "op-1"}));
  EXPECT_EQ(t.assigned_by, "default:school/leak");
  EXPECT_EQ(t.source, Source::kDetected);
  EXPECT_EQ(t.channel, "sensor");
  EXPECT_EQ(t.site_id, "s-001");
  EXPECT_EQ(t.detected_at_ms, kT0 - kMin);
  EXPECT_EQ(t.opened_at_ms, kT0);
  EXPECT_EQ(t.ack_due_ms, kT0 + 15 * kMin);
  EXPECT_EQ(t.resolve_due_ms, kT0 + 4 * kHour);
  EXPECT_EQ(actions_of(t), (std::vector<std::string>{"open", "assign"}));
  EXPECT_EQ(t.history[1].from_state, TicketState::kOpen);
  EXPECT_EQ(t.history[1].to_state, TicketState::kAssigned);
  EXPECT_NE(t.history[1].note.find("default:school/leak"), std::string::npos);
  ASSERT_EQ(t.evidence.size(), 1u);
  EXPECT_TRUE(d->commands.empty());
  ASSERT_EQ(d->notifications.size(), 1u);
  EXPECT_EQ(d->notifications[0].org, "op-1");
  EXPECT_EQ(d->notifications[0].event, NotificationEvent::kOpened);
  EXPECT_EQ(d->notifications[0].ticket_id, t.id);
}

TEST_F(DeskTest, PropertyKindsAndContractOverridesNameTheirRule) {
  site_.kind = devices::SiteKind::kCommunity;
  TicketDesk desk = make_desk();
  const Ticket supply = open(desk, FaultKind::kWaterSupply, kT0);
  EXPECT_EQ(supply.responsible, (Responsible{Party::kProperty, "pm-7"}));
  EXPECT_EQ(supply.assigned_by, "default:community/water_supply");
  EXPECT_EQ(supply.resolve_due_ms, kT0 + 8 * kHour);  // 10:00 + 8 business hours = 18:00

  site_.contract.overrides[FaultKind::kCleaningDue] = Party::kOperator;
  TicketDesk desk2 = make_desk();
  const Ticket cleaning = open(desk2, FaultKind::kCleaningDue, kT0);
  EXPECT_EQ(cleaning.responsible, (Responsible{Party::kOperator, "op-1"}));
  EXPECT_EQ(cleaning.assigned_by, "contract:s-001/cleaning_due");
}

TEST_F(DeskTest, SecondSignalJoinsTheOpenTicket) {
  TicketDesk desk = make_desk();
  const Ticket first = open(desk, FaultKind::kUvFault, kT0);
  const Result<DeskDecision> d = desk.on_fault(signal(FaultKind::kUvFault, kT0 + kMin), kT0 + kMin);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->changes.size(), 1u);
  EXPECT_EQ(d->changes[0].kind, ChangeKind::kJoined);
  EXPECT_EQ(d->changes[0].ticket.id, first.id);
  EXPECT_EQ(d->changes[0].ticket.evidence.size(), 2u);
  EXPECT_EQ(actions_of(d->changes[0].ticket).back(), "join");
  EXPECT_TRUE(d->notifications.empty());
  EXPECT_EQ(store_.size(), 1u);
  // Another kind or another machine is another ticket.
  EXPECT_NE(open(desk, FaultKind::kLeak, kT0).id, first.id);
  EXPECT_NE(open(desk, FaultKind::kUvFault, kT0, "wm-0002").id, first.id);
  EXPECT_EQ(store_.size(), 3u);
}

TEST_F(DeskTest, PersonReportJoinsTheSensorTicket) {
  TicketDesk desk = make_desk();
  const Ticket first = open(desk, FaultKind::kDispenseFailure, kT0);
  const Result<DeskDecision> d = desk.on_request(
      request(FaultKind::kDispenseFailure, Source::kHotline, "paid, no water"), kT0 + kMin);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->changes.size(), 1u);
  EXPECT_EQ(d->changes[0].kind, ChangeKind::kJoined);
  const Ticket& t = d->changes[0].ticket;
  EXPECT_EQ(t.id, first.id);
  EXPECT_EQ(t.source, Source::kDetected);  // the opening source stays
  EXPECT_EQ(t.evidence.back().source, Source::kHotline);
  EXPECT_EQ(t.evidence.back().text, "paid, no water");
  EXPECT_EQ(t.history.back().actor, "agent:op-1");
}

TEST_F(DeskTest, PersonReportOpensATicketOfItsChannel) {
  TicketDesk desk = make_desk();
  const Result<DeskDecision> d =
      desk.on_request(request(FaultKind::kCardService, Source::kApp, "lost my card"), kT0);
  ASSERT_TRUE(d.ok());
  const Ticket& t = d->changes.at(0).ticket;
  EXPECT_EQ(d->changes[0].kind, ChangeKind::kOpened);
  EXPECT_EQ(t.source, Source::kApp);
  EXPECT_EQ(t.channel, "app");
  EXPECT_EQ(t.detected_at_ms, kT0);
  EXPECT_EQ(t.responsible, (Responsible{Party::kProperty, "pm-7"}));  // school card_service
  EXPECT_EQ(t.ack_due_ms, kT0 + 24 * kHour);  // P4: one business day, 10:00 to 10:00
  EXPECT_EQ(t.history[0].actor, "agent:op-1");
}

TEST_F(DeskTest, BadInputIsRefused) {
  TicketDesk desk = make_desk();
  EXPECT_EQ(desk.on_request(request(FaultKind::kLeak, Source::kDetected, "x"), kT0).error().code,
            "out_of_range");
  EXPECT_EQ(desk.on_request(request(FaultKind::kLeak, Source::kHotline, ""), kT0).error().code,
            "missing_field");
  FaultSignal s = signal(FaultKind::kLeak, kT0);
  s.source = Source::kHotline;
  EXPECT_EQ(desk.on_fault(s, kT0).error().code, "out_of_range");
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(DeskTest, RecurrenceWithinTheWindowReopens) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kPumpFault, kT0);
  must(desk, t.id, TicketAction::simple(ActionKind::kAck), operator_, kT0 + kMin);
  must(desk, t.id, TicketAction::simple(ActionKind::kStart), operator_, kT0 + 2 * kMin);
  must(desk, t.id, TicketAction::simple(ActionKind::kResolve), operator_, kT0 + kHour);

  const std::int64_t later = kT0 + 3 * kHour;
  const Result<DeskDecision> d = desk.on_fault(signal(FaultKind::kPumpFault, later), later);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->changes.size(), 1u);
  EXPECT_EQ(d->changes[0].kind, ChangeKind::kReopened);
  const Ticket& r = d->changes[0].ticket;
  EXPECT_EQ(r.id, t.id);
  EXPECT_EQ(r.state, TicketState::kInProgress);
  EXPECT_EQ(r.history.back().action, "reopen");
  EXPECT_EQ(r.history.back().from_state, TicketState::kResolved);
  EXPECT_NE(r.history.back().note.find("120 min"), std::string::npos);
  // 13:00 + 8 business hours: 7 h today, 1 h tomorrow.
  EXPECT_EQ(r.resolve_due_ms, testutil::local(480, 2026, 11, 24, 9));
  EXPECT_EQ(store_.size(), 1u);
  ASSERT_EQ(d->notifications.size(), 1u);
  EXPECT_EQ(d->notifications[0].event, NotificationEvent::kReopened);
}

TEST_F(DeskTest, CallerReportingARecurrenceReopensTheTicket) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kDispenseFailure, kT0);
  ASSERT_TRUE(desk.on_healthy("wm-0001", FaultKind::kDispenseFailure, kT0, kT0 + kHour).ok());
  ASSERT_EQ(stored(t.id).state, TicketState::kResolved);
  const Result<DeskDecision> d = desk.on_request(
      request(FaultKind::kDispenseFailure, Source::kHotline, "still no water"), kT0 + 2 * kHour);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->changes.at(0).kind, ChangeKind::kReopened);
  EXPECT_EQ(d->changes[0].ticket.id, t.id);
  EXPECT_EQ(d->changes[0].ticket.history.back().actor, "agent:op-1");
  EXPECT_EQ(d->changes[0].ticket.evidence.back().source, Source::kHotline);
}

TEST_F(DeskTest, RecurrenceAfterTheWindowOrAfterCloseOpensANewTicket) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kPumpFault, kT0);
  must(desk, t.id, TicketAction::simple(ActionKind::kAck), operator_, kT0);
  must(desk, t.id, TicketAction::simple(ActionKind::kStart), operator_, kT0);
  must(desk, t.id, TicketAction::simple(ActionKind::kResolve), operator_, kT0);
  const Ticket late = open(desk, FaultKind::kPumpFault, kT0 + 24 * kHour + kMin);
  EXPECT_NE(late.id, t.id);
  EXPECT_EQ(stored(t.id).state, TicketState::kResolved);

  must(desk, late.id, TicketAction::simple(ActionKind::kAck), operator_, kT0 + 25 * kHour);
  must(desk, late.id, TicketAction::simple(ActionKind::kStart), operator_, kT0 + 25 * kHour);
  must(desk, late.id, TicketAction::simple(ActionKind::kResolve), operator_, kT0 + 25 * kHour);
  must(desk, late.id, TicketAction::simple(ActionKind::kClose), operator_, kT0 + 25 * kHour);
  const Ticket after_close = open(desk, FaultKind::kPumpFault, kT0 + 26 * kHour);
  EXPECT_NE(after_close.id, late.id);
  EXPECT_EQ(store_.size(), 3u);
}

TEST_F(DeskTest, UnsafeWaterLocksTheMachineUntilResolved) {
  TicketDesk desk = make_desk();
  const Result<DeskDecision> d = desk.on_fault(signal(FaultKind::kWaterQuality, kT0), kT0);
  ASSERT_TRUE(d.ok());
  const Ticket& t = d->changes.at(0).ticket;
  ASSERT_EQ(d->commands.size(), 1u);
  EXPECT_EQ(d->commands[0].cmd, protocols::CommandKind::kLock);
  EXPECT_EQ(d->commands[0].device_id, "wm-0001");
  EXPECT_EQ(d->commands[0].ticket_id, t.id);
  EXPECT_TRUE(t.machine_locked);
  EXPECT_EQ(actions_of(t), (std::vector<std::string>{"open", "assign", "lock"}));

  // New evidence does not lock twice.
  EXPECT_TRUE(desk.on_fault(signal(FaultKind::kWaterQuality, kT0 + 1), kT0 + 1)->commands.empty());

  must(desk, t.id, TicketAction::simple(ActionKind::kAck), operator_, kT0 + kMin);
  must(desk, t.id, TicketAction::simple(ActionKind::kStart), operator_, kT0 + kMin);
  const DeskDecision resolved =
      must(desk, t.id, TicketAction::simple(ActionKind::kResolve), operator_, kT0 + kHour);
  ASSERT_EQ(resolved.commands.size(), 1u);
  EXPECT_EQ(resolved.commands[0].cmd, protocols::CommandKind::kUnlock);
  EXPECT_FALSE(stored(t.id).machine_locked);
  EXPECT_EQ(actions_of(stored(t.id)).back(), "unlock");

  // A recurrence locks again.
  const Result<DeskDecision> again =
      desk.on_fault(signal(FaultKind::kWaterQuality, kT0 + 2 * kHour), kT0 + 2 * kHour);
  ASSERT_EQ(again->commands.size(), 1u);
  EXPECT_EQ(again->commands[0].cmd, protocols::CommandKind::kLock);
}

TEST_F(DeskTest, OnlyWaterQualityLocks) {
  TicketDesk desk = make_desk();
  EXPECT_TRUE(desk.on_fault(signal(FaultKind::kLeak, kT0), kT0)->commands.empty());
  EXPECT_TRUE(desk.on_fault(signal(FaultKind::kUvFault, kT0), kT0)->commands.empty());
}

TEST_F(DeskTest, ClearedSignalResolvesAfterTheHoldTime) {
  TicketDesk desk = make_desk();  // hold 10 min
  const Ticket t = open(desk, FaultKind::kWaterQuality, kT0);
  const std::int64_t cleared = kT0 + 30 * kMin;
  const Result<DeskDecision> c =
      desk.on_fault(signal(FaultKind::kWaterQuality, cleared, SignalState::kCleared), cleared);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(stored(t.id).state, TicketState::kAssigned);
  EXPECT_EQ(stored(t.id).healthy_since_ms, cleared);
  EXPECT_EQ(actions_of(stored(t.id)).back(), "signal_cleared");

  EXPECT_TRUE(desk.auto_resolve(cleared + 10 * kMin - 1).empty());
  const DeskDecision d = desk.auto_resolve(cleared + 10 * kMin);
  ASSERT_EQ(d.changes.size(), 1u);
  const Ticket& r = d.changes[0].ticket;
  EXPECT_EQ(r.state, TicketState::kResolved);
  EXPECT_EQ(r.resolved_at_ms, cleared + 10 * kMin);
  const auto auto_entry = std::find_if(r.history.begin(), r.history.end(),
                                       [](const auto& e) { return e.action == "auto_resolve"; });
  ASSERT_NE(auto_entry, r.history.end());
  EXPECT_EQ(auto_entry->actor, "system");
  EXPECT_NE(auto_entry->note.find("resolved automatically"), std::string::npos);
  ASSERT_EQ(d.commands.size(), 1u);
  EXPECT_EQ(d.commands[0].cmd, protocols::CommandKind::kUnlock);
  ASSERT_EQ(d.notifications.size(), 1u);
  EXPECT_EQ(d.notifications[0].event, NotificationEvent::kResolved);
  EXPECT_TRUE(desk.auto_resolve(cleared + kHour).empty());
}

TEST_F(DeskTest, FlappingSignalNeitherResolvesNorDuplicates) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kUvFault, kT0);
  for (int i = 0; i < 5; ++i) {
    const std::int64_t at = kT0 + (2 * i + 1) * 3 * kMin;
    ASSERT_TRUE(desk.on_fault(signal(FaultKind::kUvFault, at, SignalState::kCleared), at).ok());
    ASSERT_TRUE(desk.on_fault(signal(FaultKind::kUvFault, at + 3 * kMin), at + 3 * kMin).ok());
    EXPECT_TRUE(desk.auto_resolve(at + 3 * kMin).empty());
  }
  EXPECT_EQ(store_.size(), 1u);
  EXPECT_FALSE(stored(t.id).healthy_since_ms.has_value());
  const std::int64_t last_clear = kT0 + 31 * kMin;
  ASSERT_TRUE(
      desk.on_fault(signal(FaultKind::kUvFault, last_clear, SignalState::kCleared), last_clear)
          .ok());
  EXPECT_TRUE(desk.auto_resolve(last_clear + 9 * kMin).empty());
  EXPECT_EQ(desk.auto_resolve(last_clear + 10 * kMin).changes.size(), 1u);
  EXPECT_EQ(stored(t.id).state, TicketState::kResolved);
}

TEST_F(DeskTest, OnHealthyResolvesOnceHeld) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  const Result<DeskDecision> early =
      desk.on_healthy("wm-0001", FaultKind::kLeak, kT0 + kMin, kT0 + 5 * kMin);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(stored(t.id).state, TicketState::kAssigned);
  EXPECT_EQ(stored(t.id).healthy_since_ms, kT0 + kMin);
  const Result<DeskDecision> held =
      desk.on_healthy("wm-0001", FaultKind::kLeak, kT0 + kMin, kT0 + 11 * kMin);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->changes.size(), 1u);
  EXPECT_EQ(held->changes[0].ticket.state, TicketState::kResolved);
  EXPECT_TRUE(desk.on_healthy("wm-0001", FaultKind::kLeak, kT0, kT0 + kHour)->empty());
}

TEST_F(DeskTest, ZeroHoldResolvesWhenTheSignalClears) {
  DeskConfig config;
  config.healthy_hold_ms = 0;
  TicketDesk desk = make_desk(config);
  const Ticket t = open(desk, FaultKind::kHeaterFault, kT0);
  const Result<DeskDecision> d =
      desk.on_fault(signal(FaultKind::kHeaterFault, kT0 + kMin, SignalState::kCleared), kT0 + kMin);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(stored(t.id).state, TicketState::kResolved);
}

TEST_F(DeskTest, TicketsOpenedByPeopleDoNotResolveThemselves) {
  TicketDesk desk = make_desk();
  const Result<DeskDecision> opened =
      desk.on_request(request(FaultKind::kLeak, Source::kHotline, "water on the floor"), kT0);
  const std::string id = opened->changes.at(0).ticket.id;
  EXPECT_TRUE(desk.on_healthy("wm-0001", FaultKind::kLeak, kT0, kT0 + kHour)->empty());
  ASSERT_TRUE(
      desk.on_fault(signal(FaultKind::kLeak, kT0 + kMin, SignalState::kCleared), kT0 + kMin).ok());
  EXPECT_TRUE(desk.auto_resolve(kT0 + kHour).empty());
  EXPECT_EQ(stored(id).state, TicketState::kAssigned);
  EXPECT_EQ(actions_of(stored(id)).back(), "signal_cleared");
}

TEST_F(DeskTest, ClearedSignalWithoutTicketChangesNothing) {
  TicketDesk desk = make_desk();
  const Result<DeskDecision> d =
      desk.on_fault(signal(FaultKind::kLeak, kT0, SignalState::kCleared), kT0);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->empty());
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(DeskTest, PredictedFaultIsDueBeforeTheFailure) {
  TicketDesk desk = make_desk();
  FaultSignal s = signal(FaultKind::kFilterClogging, kT0);
  s.source = Source::kPredicted;
  s.predicted_failure_at_ms = kT0 + 30 * kHour;
  const Result<DeskDecision> d = desk.on_fault(s, kT0);
  ASSERT_TRUE(d.ok());
  const Ticket& t = d->changes.at(0).ticket;
  EXPECT_EQ(t.source, Source::kPredicted);
  EXPECT_EQ(t.severity, devices::Severity::kP3);
  EXPECT_EQ(t.predicted_failure_at_ms, kT0 + 30 * kHour);
  EXPECT_EQ(t.ack_due_ms, kT0 + 4 * kHour);
  EXPECT_EQ(t.resolve_due_ms, kT0 + 30 * kHour);
}

TEST_F(DeskTest, ARevisedPredictionMovesTheFailureTimeAndTheDeadline) {
  TicketDesk desk = make_desk();
  FaultSignal s = signal(FaultKind::kFilterClogging, kT0);
  s.source = Source::kPredicted;
  s.predicted_failure_at_ms = kT0 + 30 * kHour;
  ASSERT_TRUE(desk.on_fault(s, kT0).ok());
  s.detected_at_ms = kT0 + kHour;
  s.predicted_failure_at_ms = kT0 + 20 * kHour;  // clogging faster than thought
  const Result<DeskDecision> d = desk.on_fault(s, kT0 + kHour);
  ASSERT_TRUE(d.ok());
  const Ticket& t = d->changes.at(0).ticket;
  EXPECT_EQ(d->changes.at(0).kind, ChangeKind::kJoined);
  EXPECT_EQ(t.predicted_failure_at_ms, kT0 + 20 * kHour);
  EXPECT_EQ(t.resolve_due_ms, kT0 + 20 * kHour);
  EXPECT_EQ(t.ack_due_ms, kT0 + 4 * kHour);       // the acknowledgement stands
  s.predicted_failure_at_ms = kT0 + 500 * kHour;  // far off: the SLA span caps it (3 days)
  ASSERT_TRUE(desk.on_fault(s, kT0 + 2 * kHour).ok());
  EXPECT_EQ(store_.list({}).at(0).resolve_due_ms, kT0 + 72 * kHour);
}

TEST_F(DeskTest, DangerInACallRaisesTheTicketToP1) {
  TicketDesk desk = make_desk();
  TicketRequest r = request(FaultKind::kHeaterFault, Source::kHotline, "the water scalded my son");
  r.danger = true;
  const Result<DeskDecision> d = desk.on_request(r, kT0);
  ASSERT_TRUE(d.ok());
  const Ticket& t = d->changes.at(0).ticket;
  EXPECT_EQ(t.severity, devices::Severity::kP1);
  EXPECT_EQ(t.ack_due_ms, kT0 + 15 * kMin);
  bool raised = false;
  for (const auto& h : t.history) raised = raised || h.action == "raise_severity";
  EXPECT_TRUE(raised);
  // A later call with danger raises an open P3 ticket it joins.
  const Result<DeskDecision> p3 =
      desk.on_request(request(FaultKind::kTamper, Source::kHotline, "door open"), kT0);
  ASSERT_TRUE(p3.ok());
  EXPECT_EQ(p3->changes.at(0).ticket.severity, devices::Severity::kP3);
  TicketRequest scared = request(FaultKind::kTamper, Source::kHotline, "wires hanging out, sparks");
  scared.danger = true;
  const Result<DeskDecision> joined = desk.on_request(scared, kT0 + kHour);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined->changes.at(0).kind, ChangeKind::kJoined);
  EXPECT_EQ(joined->changes.at(0).ticket.severity, devices::Severity::kP1);
  EXPECT_EQ(joined->changes.at(0).ticket.ack_due_ms, kT0 + kHour + 15 * kMin);
}

TEST_F(DeskTest, EvidenceIsCappedKeepingTheFirst) {
  DeskConfig config;
  config.max_evidence = 3;
  TicketDesk desk = make_desk(config);
  for (int i = 0; i < 6; ++i) open(desk, FaultKind::kTamper, kT0 + i);
  const Ticket t = store_.list({}).at(0);
  ASSERT_EQ(t.evidence.size(), 3u);
  EXPECT_EQ(t.evidence[0].at_ms, kT0);
  EXPECT_EQ(t.evidence[2].at_ms, kT0 + 5);
  EXPECT_EQ(t.history.size(), 2u + 5u);  // open, assign, five joins
}

}  // namespace
}  // namespace wm::tickets
