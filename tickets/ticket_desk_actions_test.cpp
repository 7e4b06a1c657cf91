// People's actions: the life cycle walked by the responsible party, refused moves (409),
// role rules (403), disputes once, arbitration by the contract's arbiter, comments, ratings.
#include <gtest/gtest.h>

#include "tickets/ticket_desk.h"
#include "tickets/ticket_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using devices::FaultKind;
using devices::Party;

TicketAction simple(ActionKind kind) { return TicketAction::simple(kind); }

TEST_F(DeskTest, ResponsibleOperatorWalksTheLifeCycle) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kPumpFault, kT0);
  must(desk, t.id, simple(ActionKind::kAck), operator_, kT0 + 10 * kMin);
  must(desk, t.id, simple(ActionKind::kStart), operator_, kT0 + 20 * kMin);
  const DeskDecision resolved =
      must(desk, t.id, TicketAction::simple(ActionKind::kResolve, "pump replaced"), operator_,
           kT0 + 2 * kHour);
  must(desk, t.id, simple(ActionKind::kClose), operator_, kT0 + 3 * kHour);

  const Ticket after = stored(t.id);
  EXPECT_EQ(after.state, TicketState::kClosed);
  EXPECT_EQ(after.acknowledged_at_ms, kT0 + 10 * kMin);
  EXPECT_EQ(after.resolved_at_ms, kT0 + 2 * kHour);
  EXPECT_EQ(after.closed_at_ms, kT0 + 3 * kHour);
  std::vector<std::string> actions;
  for (const HistoryEntry& e : after.history) actions.push_back(e.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"open", "assign", "ack", "start", "resolve", "close"}));
  EXPECT_EQ(after.history[4].note, "pump replaced");
  EXPECT_EQ(after.history[4].actor, "operator:op-1");
  ASSERT_EQ(resolved.notifications.size(), 1u);
  EXPECT_EQ(resolved.notifications[0].event, NotificationEvent::kResolved);
}

TEST_F(DeskTest, MovesTheStateDoesNotAllowAreConflicts) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kPumpFault, kT0);
  for (const ActionKind kind : {ActionKind::kStart, ActionKind::kResolve, ActionKind::kClose}) {
    const Result<DeskDecision> d = desk.act(t.id, simple(kind), operator_, kT0);
    ASSERT_FALSE(d.ok()) << to_string(kind);
    EXPECT_EQ(d.error().code, "conflict");
  }
  must(desk, t.id, simple(ActionKind::kAck), operator_, kT0);
  EXPECT_EQ(desk.act(t.id, simple(ActionKind::kAck), operator_, kT0).error().code, "conflict");
  must(desk, t.id, simple(ActionKind::kStart), operator_, kT0);
  must(desk, t.id, simple(ActionKind::kResolve), operator_, kT0);
  EXPECT_EQ(desk.act(t.id, simple(ActionKind::kStart), operator_, kT0).error().code, "conflict");
  must(desk, t.id, simple(ActionKind::kClose), operator_, kT0);
  for (const ActionKind kind :
       {ActionKind::kAck, ActionKind::kStart, ActionKind::kResolve, ActionKind::kClose}) {
    EXPECT_EQ(desk.act(t.id, simple(kind), operator_, kT0).error().code, "conflict");
  }
  EXPECT_EQ(stored(t.id).revision, 5u);  // four successful actions, no refused one written
}

TEST_F(DeskTest, OnlyTheResponsibleOrgOrAdminMovesTheTicket) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kPumpFault, kT0);  // operator op-1
  const Actor other_operator{Role::kOperator, "op-2"};
  const Actor selfservice{Role::kSelfService, "op-1"};
  for (const Actor& actor : {property_, other_operator, agent_, selfservice}) {
    const Result<DeskDecision> d = desk.act(t.id, simple(ActionKind::kAck), actor, kT0);
    ASSERT_FALSE(d.ok()) << actor.label();
    EXPECT_EQ(d.error().code, "forbidden") << actor.label();
  }
  must(desk, t.id, simple(ActionKind::kAck), admin_, kT0);
  EXPECT_EQ(stored(t.id).history.back().actor, "admin");
}

TEST_F(DeskTest, PropertyActsOnItsOwnTickets) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kWaterSupply, kT0);  // property pm-7
  EXPECT_EQ(desk.act(t.id, simple(ActionKind::kAck), operator_, kT0).error().code, "forbidden");
  must(desk, t.id, simple(ActionKind::kAck), property_, kT0);
  EXPECT_EQ(stored(t.id).state, TicketState::kAcknowledged);
}

TEST_F(DeskTest, DisputeOnceWithAReason) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kWaterSupply, kT0);  // property pm-7
  EXPECT_EQ(desk.act(t.id, TicketAction::dispute(""), property_, kT0).error().code,
            "missing_field");
  EXPECT_EQ(desk.act(t.id, TicketAction::dispute("not ours"), operator_, kT0).error().code,
            "forbidden");
  EXPECT_EQ(desk.act(t.id, TicketAction::dispute("not ours"), admin_, kT0).error().code,
            "forbidden");

  const DeskDecision d =
      must(desk, t.id, TicketAction::dispute("the inlet valve is inside the machine"), property_,
           kT0 + kMin);
  const Ticket after = stored(t.id);
  EXPECT_EQ(after.dispute, DisputeState::kPending);
  EXPECT_TRUE(after.disputed());
  EXPECT_EQ(after.dispute_reason, "the inlet valve is inside the machine");
  EXPECT_EQ(after.history.back().action, "dispute");
  EXPECT_EQ(after.history.back().actor, "property:pm-7");
  EXPECT_EQ(after.state, TicketState::kAssigned);
  ASSERT_EQ(d.notifications.size(), 1u);
  EXPECT_EQ(d.notifications[0].org, "op-9");
  EXPECT_EQ(d.notifications[0].audience, "arbiter");
  EXPECT_EQ(d.notifications[0].event, NotificationEvent::kDisputed);

  const Result<DeskDecision> again =
      desk.act(t.id, TicketAction::dispute("still not ours"), property_, kT0 + 2 * kMin);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "conflict");
}

TEST_F(DeskTest, ArbiterUpholds) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kWaterSupply, kT0);
  EXPECT_EQ(
      desk.act(t.id, TicketAction::arbitrate(Arbitration::kUphold), arbiter_, kT0).error().code,
      "conflict");  // nothing to arbitrate yet
  must(desk, t.id, TicketAction::dispute("not ours"), property_, kT0);
  EXPECT_EQ(
      desk.act(t.id, TicketAction::arbitrate(Arbitration::kReassign), operator_, kT0).error().code,
      "forbidden");  // op-1 is a party, not the arbiter
  must(desk, t.id, TicketAction::arbitrate(Arbitration::kUphold, "supply is the site's"), arbiter_,
       kT0 + kHour);
  const Ticket after = stored(t.id);
  EXPECT_EQ(after.dispute, DisputeState::kUpheld);
  EXPECT_EQ(after.responsible, (Responsible{Party::kProperty, "pm-7"}));
  EXPECT_EQ(after.transfers, 0);
  EXPECT_EQ(after.assigned_by, "default:school/water_supply");
  EXPECT_EQ(after.history.back().action, "arbitrate");
  EXPECT_EQ(after.history.back().actor, "operator:op-9");
  EXPECT_EQ(
      desk.act(t.id, TicketAction::arbitrate(Arbitration::kReassign), arbiter_, kT0).error().code,
      "conflict");  // decided already
  EXPECT_EQ(desk.act(t.id, TicketAction::dispute("again"), property_, kT0).error().code,
            "conflict");
}

TEST_F(DeskTest, ArbiterReassignsAndTheTransferIsCounted) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kWaterSupply, kT0);
  must(desk, t.id, TicketAction::dispute("the inlet valve is inside the machine"), property_, kT0);
  const DeskDecision d =
      must(desk, t.id, TicketAction::arbitrate(Arbitration::kReassign), arbiter_, kT0 + kHour);
  const Ticket after = stored(t.id);
  EXPECT_EQ(after.dispute, DisputeState::kReassigned);
  EXPECT_EQ(after.responsible, (Responsible{Party::kOperator, "op-1"}));
  EXPECT_EQ(after.transfers, 1);
  EXPECT_EQ(after.assigned_by, "arbitration:op-9");
  EXPECT_NE(after.history.back().note.find("pm-7 -> operator op-1"), std::string::npos);
  ASSERT_EQ(d.notifications.size(), 2u);
  EXPECT_EQ(d.notifications[0].org, "op-1");
  EXPECT_EQ(d.notifications[1].org, "pm-7");

  // The new party acts; the old one no longer may.
  EXPECT_EQ(desk.act(t.id, simple(ActionKind::kAck), property_, kT0).error().code, "forbidden");
  must(desk, t.id, simple(ActionKind::kAck), operator_, kT0 + 2 * kHour);
}

TEST_F(DeskTest, AdminMayArbitrate) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kTamper, kT0);
  must(desk, t.id, TicketAction::dispute("door opened by our technician"), property_, kT0);
  must(desk, t.id, TicketAction::arbitrate(Arbitration::kReassign), admin_, kT0);
  EXPECT_EQ(stored(t.id).assigned_by, "arbitration:admin");
}

TEST_F(DeskTest, ResolvedTicketCannotBeDisputed) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  ASSERT_TRUE(desk.on_healthy("wm-0001", FaultKind::kLeak, kT0, kT0 + kHour).ok());
  EXPECT_EQ(desk.act(t.id, TicketAction::dispute("x"), operator_, kT0).error().code, "conflict");
}

TEST_F(DeskTest, CommentsAreAudited) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  must(desk, t.id, TicketAction::comment("caller says the floor is wet"), agent_, kT0 + kMin);
  must(desk, t.id, TicketAction::comment("cleaner on the way"), property_, kT0 + 2 * kMin);
  const Ticket after = stored(t.id);
  EXPECT_EQ(after.history[2].action, "comment");
  EXPECT_EQ(after.history[2].note, "caller says the floor is wet");
  EXPECT_EQ(after.history[3].actor, "property:pm-7");
  EXPECT_EQ(after.state, TicketState::kAssigned);
  EXPECT_EQ(desk.act(t.id, TicketAction::comment(""), agent_, kT0).error().code, "missing_field");
  EXPECT_EQ(desk.act(t.id, TicketAction::comment("hi"), Actor{Role::kSelfService, "op-1"}, kT0)
                .error()
                .code,
            "forbidden");
}

TEST_F(DeskTest, RatingOnceAfterResolution) {
  TicketDesk desk = make_desk();
  const Ticket t = open(desk, FaultKind::kLeak, kT0);
  EXPECT_EQ(desk.act(t.id, TicketAction::rate(5), agent_, kT0).error().code, "conflict");
  ASSERT_TRUE(desk.on_healthy("wm-0001", FaultKind::kLeak, kT0, kT0 + kHour).ok());
  EXPECT_EQ(desk.act(t.id, TicketAction::rate(0), agent_, kT0).error().code, "out_of_range");
  EXPECT_EQ(desk.act(t.id, TicketAction::rate(6), agent_, kT0).error().code, "out_of_range");
  EXPECT_EQ(desk.act(t.id, TicketAction::rate(4), property_, kT0).error().code, "forbidden");
  must(desk, t.id, TicketAction::rate(4), agent_, kT0 + 2 * kHour);
  EXPECT_EQ(stored(t.id).rating, 4);
  EXPECT_EQ(stored(t.id).history.back().note, "4/5");
  EXPECT_EQ(desk.act(t.id, TicketAction::rate(5), agent_, kT0).error().code, "conflict");
}

TEST_F(DeskTest, UnknownTicketIsNotFound) {
  TicketDesk desk = make_desk();
  EXPECT_EQ(desk.act("t-999999", simple(ActionKind::kAck), admin_, kT0).error().code, "not_found");
}

TEST(DeskNamesTest, ApiWordsParse) {
  EXPECT_EQ(action_kind_from_string("arbitrate"), ActionKind::kArbitrate);
  EXPECT_EQ(action_kind_from_string("reopen"), std::nullopt);
  EXPECT_EQ(arbitration_from_string("reassign"), Arbitration::kReassign);
  EXPECT_EQ(arbitration_from_string("overrule"), std::nullopt);
  EXPECT_EQ(role_from_string("selfservice"), Role::kSelfService);
  EXPECT_EQ(role_from_string("system"), std::nullopt);  // no token carries it
  EXPECT_EQ(to_string(NotificationEvent::kEscalated), "escalated");
  EXPECT_EQ(to_string(ChangeKind::kReopened), "reopened");
  EXPECT_EQ((Actor{Role::kProperty, "pm-7"}).label(), "property:pm-7");
  EXPECT_EQ(Actor::system().label(), "system");
}

}  // namespace
}  // namespace wm::tickets
