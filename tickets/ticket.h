// A ticket of the desk (API.md "A ticket carries at least"), its life cycle and its audit
// trail. A Ticket is a plain value: the TicketDesk changes it, a TicketStore keeps it.
//
// Life cycle (DESIGN.md "Tickets"), as the explicit table of next_state():
//   open --assign--> assigned --ack--> acknowledged --start--> in_progress --resolve--> resolved
//   resolved --close--> closed;  resolved --reopen--> in_progress (recurrence in the window)
//   assigned | acknowledged | in_progress --auto_resolve--> resolved (sensor healthy, system)
// Every other pair is refused with Error code "conflict" (HTTP 409 at the edge).
// Times are Unix milliseconds (UTC); the domain never reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/fault_kind.h"
#include "protocols/result.h"

namespace wm::tickets {

enum class TicketState : std::uint8_t {
  kOpen,
  kAssigned,
  kAcknowledged,
  kInProgress,
  kResolved,
  kClosed,
};
std::string_view to_string(TicketState state);  // "in_progress"
std::optional<TicketState> ticket_state_from_string(std::string_view name);

// "Open" in the sense of the uniqueness rule: not yet resolved or closed. At most one
// such ticket exists per (device, kind).
bool is_open(TicketState state);

// Who raised the ticket. predicted/detected are machine-born ("sensor-born").
enum class Source : std::uint8_t { kPredicted, kDetected, kHotline, kApp, kMiniProgram, kProperty };
std::string_view to_string(Source source);  // "mini_program"
std::optional<Source> source_from_string(std::string_view name);
bool is_sensor_source(Source source);

// State-changing actions of the life cycle; the table of next_state() is the only place
// that decides which of them a state allows.
enum class Transition : std::uint8_t {
  kAssign,
  kAck,
  kStart,
  kResolve,
  kAutoResolve,
  kClose,
  kReopen
};
std::string_view to_string(Transition transition);  // "auto_resolve"

// The state `transition` leads to from `from`, or Error "conflict" naming both.
[[nodiscard]] Result<TicketState> next_state(TicketState from, Transition transition);

// A dispute runs at most once per ticket: none -> pending -> upheld | reassigned.
enum class DisputeState : std::uint8_t { kNone, kPending, kUpheld, kReassigned };
std::string_view to_string(DisputeState state);  // "pending"
std::optional<DisputeState> dispute_state_from_string(std::string_view name);

struct Responsible {
  devices::Party party = devices::Party::kOperator;
  std::string org;
  bool operator==(const Responsible&) const = default;
};

// One audited change: who did what, when, and why. Actions are snake_case words such as
// "open", "assign", "ack", "join", "escalate", "dispute", "arbitrate", "lock", "unlock".
// Entries that do not change the state have from_state == to_state.
struct HistoryEntry {
  std::int64_t at_ms = 0;
  std::string actor;  // "system", "operator:op-1", "property:pm-7", "agent:op-1", ...
  std::string action;
  TicketState from_state = TicketState::kOpen;
  TicketState to_state = TicketState::kOpen;
  std::string note;
  bool operator==(const HistoryEntry&) const = default;
};

// What was seen or said: a detector's finding, a caller's words.
struct Evidence {
  std::int64_t at_ms = 0;  // event time of the evidence
  Source source = Source::kDetected;
  std::string text;
  bool operator==(const Evidence&) const = default;
};

struct Ticket {
  std::string id;              // assigned by the store on insert
  std::uint64_t revision = 0;  // bumped by every stored update (optimistic concurrency)
  std::string device_id;
  std::string site_id;
  devices::SiteKind site_kind = devices::SiteKind::kSchool;
  devices::FaultKind kind = devices::FaultKind::kWaterQuality;
  devices::Severity severity = devices::Severity::kP1;
  Source source = Source::kDetected;
  std::string channel;  // "sensor", "hotline", "app", "mini_program", "property"
  TicketState state = TicketState::kOpen;
  Responsible responsible;
  std::string assigned_by;          // the matrix rule, or "arbitration:<org>" after a reassignment
  std::int64_t detected_at_ms = 0;  // event time of the evidence that opened it
  std::int64_t opened_at_ms = 0;
  std::optional<std::int64_t> predicted_failure_at_ms;
  std::int64_t ack_due_ms = 0;
  std::int64_t resolve_due_ms = 0;
  int escalation_level = 0;  // 0 none, 1 ack missed, 2 resolve missed
  int transfers = 0;         // changes of the responsible party
  DisputeState dispute = DisputeState::kNone;
  std::string dispute_reason;
  std::optional<std::int64_t> acknowledged_at_ms;  // first ack (first response time)
  std::optional<std::int64_t> resolved_at_ms;      // latest resolution
  std::optional<std::int64_t> closed_at_ms;
  std::optional<std::int64_t> healthy_since_ms;  // sensor signal cleared since (event time)
  std::optional<int> rating;                     // 1-5
  bool machine_locked = false;                   // this ticket holds a `lock` on the machine
  std::vector<HistoryEntry> history;
  std::vector<Evidence> evidence;

  [[nodiscard]] bool open() const { return is_open(state); }
  [[nodiscard]] bool disputed() const { return dispute != DisputeState::kNone; }
  [[nodiscard]] bool sensor_born() const { return is_sensor_source(source); }

  // Moves the ticket along the life-cycle table and records the history entry; on a
  // refused transition nothing changes and the Error is "conflict".
  [[nodiscard]] Status apply(Transition transition, std::int64_t at_ms, std::string actor,
                             std::string note);
  // Records an entry that leaves the state as it is.
  void record(std::int64_t at_ms, std::string actor, std::string action, std::string note);

  bool operator==(const Ticket&) const = default;
};

}  // namespace wm::tickets
