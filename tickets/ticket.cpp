// Names of the ticket enums and the life-cycle table. The table is data, so that a reader
// (and the test that walks every pair) sees the whole life cycle in one place.
#include "tickets/ticket.h"

#include <array>
#include <cstdlib>
#include <utility>

#include "protocols/enum_names.h"

namespace wm::tickets {
using wm::name_of;
using wm::parse_name;

namespace {

using S = TicketState;
using T = Transition;

struct Edge {
  Transition transition;
  TicketState from;
  TicketState to;
};

// DESIGN.md "Tickets": the only allowed moves.
constexpr std::array<Edge, 9> kLifeCycle = {{
    {T::kAssign, S::kOpen, S::kAssigned},
    {T::kAck, S::kAssigned, S::kAcknowledged},
    {T::kStart, S::kAcknowledged, S::kInProgress},
    {T::kResolve, S::kInProgress, S::kResolved},
    {T::kAutoResolve, S::kAssigned, S::kResolved},
    {T::kAutoResolve, S::kAcknowledged, S::kResolved},
    {T::kAutoResolve, S::kInProgress, S::kResolved},
    {T::kClose, S::kResolved, S::kClosed},
    {T::kReopen, S::kResolved, S::kInProgress},
}};

constexpr std::array<std::string_view, 6> kStateNames = {"open",        "assigned", "acknowledged",
                                                         "in_progress", "resolved", "closed"};
constexpr std::array<std::string_view, 6> kSourceNames = {"predicted", "detected",     "hotline",
                                                          "app",       "mini_program", "property"};
constexpr std::array<std::string_view, 7> kTransitionNames = {
    "assign", "ack", "start", "resolve", "auto_resolve", "close", "reopen"};
constexpr std::array<std::string_view, 4> kDisputeNames = {"none", "pending", "upheld",
                                                           "reassigned"};

}  // namespace

std::string_view to_string(TicketState state) { return name_of(state, kStateNames); }
std::optional<TicketState> ticket_state_from_string(std::string_view name) {
  return parse_name<TicketState>(name, kStateNames);
}
bool is_open(TicketState state) { return state != S::kResolved && state != S::kClosed; }

std::string_view to_string(Source source) { return name_of(source, kSourceNames); }
std::optional<Source> source_from_string(std::string_view name) {
  return parse_name<Source>(name, kSourceNames);
}
bool is_sensor_source(Source source) {
  return source == Source::kPredicted || source == Source::kDetected;
}

std::string_view to_string(Transition transition) { return name_of(transition, kTransitionNames); }
std::string_view to_string(DisputeState state) { return name_of(state, kDisputeNames); }
std::optional<DisputeState> dispute_state_from_string(std::string_view name) {
  return parse_name<DisputeState>(name, kDisputeNames);
}

Result<TicketState> next_state(TicketState from, Transition transition) {
  for (const Edge& edge : kLifeCycle) {
    if (edge.transition == transition && edge.from == from) return edge.to;
  }
  return make_error("conflict", "state",
                    "cannot " + std::string(to_string(transition)) + " a ticket that is " +
                        std::string(to_string(from)));
}

Status Ticket::apply(Transition transition, std::int64_t at_ms, std::string actor,
                     std::string note) {
  Result<TicketState> to = next_state(state, transition);
  if (!to.ok()) return to.error();
  history.push_back(HistoryEntry{at_ms, std::move(actor), std::string(to_string(transition)), state,
                                 *to, std::move(note)});
  state = *to;
  return Ok{};
}

void Ticket::record(std::int64_t at_ms, std::string actor, std::string action, std::string note) {
  history.push_back(
      HistoryEntry{at_ms, std::move(actor), std::move(action), state, state, std::move(note)});
}

}  // namespace wm::tickets
