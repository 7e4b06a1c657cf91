// The life-cycle table of DESIGN.md, pair by pair: the expected table is written out here
// from the document, not derived from the code under test.
#include "tickets/ticket.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>

namespace wm::tickets {
namespace {

using S = TicketState;
using T = Transition;

constexpr S kAllStates[] = {S::kOpen,       S::kAssigned, S::kAcknowledged,
                            S::kInProgress, S::kResolved, S::kClosed};
constexpr T kAllTransitions[] = {T::kAssign,      T::kAck,   T::kStart, T::kResolve,
                                 T::kAutoResolve, T::kClose, T::kReopen};

// (from, transition) -> to, as DESIGN.md "Tickets" describes it.
const std::map<std::pair<S, T>, S>& expected_table() {
  static const std::map<std::pair<S, T>, S> table = {
      {{S::kOpen, T::kAssign}, S::kAssigned},
      {{S::kAssigned, T::kAck}, S::kAcknowledged},
      {{S::kAcknowledged, T::kStart}, S::kInProgress},
      {{S::kInProgress, T::kResolve}, S::kResolved},
      {{S::kAssigned, T::kAutoResolve}, S::kResolved},
      {{S::kAcknowledged, T::kAutoResolve}, S::kResolved},
      {{S::kInProgress, T::kAutoResolve}, S::kResolved},
      {{S::kResolved, T::kClose}, S::kClosed},
      {{S::kResolved, T::kReopen}, S::kInProgress},
  };
  return table;
}

TEST(TicketLifeCycleTest, EveryPairIsAllowedOrAConflict) {
  int allowed = 0;
  for (const S from : kAllStates) {
    for (const T transition : kAllTransitions) {
      const Result<S> to = next_state(from, transition);
      const auto it = expected_table().find({from, transition});
      if (it != expected_table().end()) {
        ASSERT_TRUE(to.ok()) << to_string(transition) << " from " << to_string(from);
        EXPECT_EQ(*to, it->second);
        ++allowed;
      } else {
        ASSERT_FALSE(to.ok()) << to_string(transition) << " from " << to_string(from);
        EXPECT_EQ(to.error().code, "conflict");
        EXPECT_NE(to.error().message.find(std::string(to_string(from))), std::string::npos);
      }
    }
  }
  EXPECT_EQ(allowed, 9);
}

TEST(TicketLifeCycleTest, ClosedIsFinal) {
  for (const T transition : kAllTransitions) EXPECT_FALSE(next_state(S::kClosed, transition).ok());
}

TEST(TicketLifeCycleTest, OpenMeansNotResolvedNorClosed) {
  std::set<S> open;
  for (const S state : kAllStates) {
    if (is_open(state)) open.insert(state);
  }
  EXPECT_EQ(open, (std::set<S>{S::kOpen, S::kAssigned, S::kAcknowledged, S::kInProgress}));
}

TEST(TicketTest, ApplyMovesAndRecordsHistory) {
  Ticket ticket;
  ticket.state = S::kAssigned;
  ASSERT_TRUE(ticket.apply(T::kAck, 1000, "operator:op-1", "on my way").ok());
  EXPECT_EQ(ticket.state, S::kAcknowledged);
  ASSERT_EQ(ticket.history.size(), 1u);
  EXPECT_EQ(ticket.history[0], (HistoryEntry{1000, "operator:op-1", "ack", S::kAssigned,
                                             S::kAcknowledged, "on my way"}));
}

TEST(TicketTest, RefusedApplyChangesNothing) {
  Ticket ticket;
  ticket.state = S::kAssigned;
  const Ticket before = ticket;
  const Status status = ticket.apply(T::kClose, 1000, "admin", "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "conflict");
  EXPECT_EQ(ticket, before);
}

TEST(TicketTest, RecordKeepsTheState) {
  Ticket ticket;
  ticket.state = S::kInProgress;
  ticket.record(5, "agent:op-1", "comment", "caller rang again");
  ASSERT_EQ(ticket.history.size(), 1u);
  EXPECT_EQ(ticket.history[0].from_state, S::kInProgress);
  EXPECT_EQ(ticket.history[0].to_state, S::kInProgress);
  EXPECT_EQ(ticket.state, S::kInProgress);
}

TEST(TicketNamesTest, StatesRoundTripWithApiNames) {
  const char* names[] = {"open", "assigned", "acknowledged", "in_progress", "resolved", "closed"};
  for (std::size_t i = 0; i < std::size(kAllStates); ++i) {
    EXPECT_EQ(to_string(kAllStates[i]), names[i]);
    EXPECT_EQ(ticket_state_from_string(names[i]), kAllStates[i]);
  }
  EXPECT_EQ(ticket_state_from_string("reopened"), std::nullopt);
}

TEST(TicketNamesTest, SourcesRoundTripAndSensorBorn) {
  const std::pair<const char*, bool> sources[] = {{"predicted", true},     {"detected", true},
                                                  {"hotline", false},      {"app", false},
                                                  {"mini_program", false}, {"property", false}};
  for (const auto& [name, sensor] : sources) {
    const std::optional<Source> source = source_from_string(name);
    ASSERT_TRUE(source.has_value()) << name;
    EXPECT_EQ(to_string(*source), name);
    EXPECT_EQ(is_sensor_source(*source), sensor) << name;
  }
  EXPECT_EQ(source_from_string("email"), std::nullopt);
}

TEST(TicketNamesTest, TransitionAndDisputeNames) {
  EXPECT_EQ(to_string(T::kAutoResolve), "auto_resolve");
  EXPECT_EQ(to_string(T::kReopen), "reopen");
  EXPECT_EQ(to_string(DisputeState::kReassigned), "reassigned");
}

}  // namespace
}  // namespace wm::tickets
