// The ticket desk: turns fault signals, people's reports and people's actions into ticket
// changes, and says what must be published (notifications, machine commands).
//
// Contract:
// - Rules of DESIGN.md "Tickets": one open ticket per (device, kind) — a new signal or
//   report joins it (evidence and a history entry); a resolved ticket that recurs within
//   the reopen window goes back to in_progress instead of a new ticket; the responsible
//   party comes from ResponsibilityMatrix (assigned_by = its rule); ack_due/resolve_due
//   come from SlaClock with the site's business hours; a P1 water_quality ticket locks the
//   machine while it is open.
// - Every change is written through the TicketStore before the call returns (the store's
//   uniqueness and revision checks make concurrent callers safe: a lost race is retried,
//   so two equal signals at once give one ticket). The returned DeskDecision lists the
//   stored tickets and the notifications/commands for the gateway to perform; the desk
//   performs no I/O and reads no clock: `now_ms` is the caller's time.
// - Errors: "conflict" (state does not allow it; second dispute; arbitration without a
//   pending dispute; lost races beyond DeskConfig::max_attempts), "forbidden" (role or
//   org may not take this action), "not_found" (ticket id, or the arbiter's site),
//   "missing_field" / "out_of_range" (reason, comment, score, source), or whatever the
//   store answers.
// Thread-safety: as safe as the store; the desk itself keeps no mutable state.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tickets/desk_types.h"
#include "tickets/sla_clock.h"
#include "tickets/ticket_store.h"

namespace wm::tickets {

class TicketDesk {
 public:
  // The current inventory's site by id (nullopt when unknown). Used for arbitration
  // (arbiter, the other party's org) and for escalation (both parties' orgs).
  using SiteLookup = std::function<std::optional<devices::Site>(std::string_view site_id)>;

  TicketDesk(TicketStore& store, SiteLookup sites, DeskConfig config = {});

  // A detector's signal. Raised: opens, joins or reopens the (device, kind) ticket; it
  // also ends any healthy streak. Cleared: marks an open sensor-born ticket healthy since
  // the signal's event time (and resolves it if the hold time has passed by `now_ms`).
  [[nodiscard]] Result<DeskDecision> on_fault(const FaultSignal& signal, std::int64_t now_ms);

  // A person's report: opens, joins (ChangeKind::kJoined) or reopens, like a raised signal.
  [[nodiscard]] Result<DeskDecision> on_request(const TicketRequest& request, std::int64_t now_ms);

  // The signal of (device, kind) has been healthy since `healthy_since_ms`: an open
  // sensor-born ticket resolves itself when now_ms - healthy_since_ms >= the hold time,
  // else remembers the streak for auto_resolve(). No open ticket: empty decision.
  [[nodiscard]] Result<DeskDecision> on_healthy(std::string_view device_id, devices::FaultKind kind,
                                                std::int64_t healthy_since_ms, std::int64_t now_ms);

  // A person's action on ticket `ticket_id` (API.md's actions).
  [[nodiscard]] Result<DeskDecision> act(std::string_view ticket_id, const TicketAction& action,
                                         const Actor& actor, std::int64_t now_ms);

  // Scans open tickets: an unacknowledged ticket past ack_due goes to level 1 (notify the
  // responsible org's supervisor); a ticket past resolve_due goes to level 2 (notify both
  // parties' duty managers). Each level is reached once, with a history entry.
  [[nodiscard]] DeskDecision escalate(std::int64_t now_ms);

  // Scans open sensor-born tickets whose signal has been healthy for the hold time and
  // resolves them, saying so in the history.
  [[nodiscard]] DeskDecision auto_resolve(std::int64_t now_ms);

  [[nodiscard]] const DeskConfig& config() const { return config_; }

 private:
  // A change of one existing ticket, applied to a fresh copy on every attempt: it edits
  // the ticket and adds what to publish, or refuses with an Error. An unchanged ticket is
  // not written. mutate() re-reads and re-applies while the write loses races.
  using Mutation = std::function<Status(Ticket&, DeskDecision&)>;
  [[nodiscard]] Result<DeskDecision> mutate(std::string_view ticket_id, ChangeKind kind,
                                            const Mutation& change);
  // One attempt of mutate on an already-read ticket; nullopt when the write lost a race.
  [[nodiscard]] Result<std::optional<DeskDecision>> try_mutate(const Ticket& before,
                                                               ChangeKind kind,
                                                               const Mutation& change);

  struct Report {  // a raised signal or a person's report, in one shape
    std::string device_id;
    const devices::Site* site = nullptr;
    devices::FaultKind kind = devices::FaultKind::kWaterQuality;
    Source source = Source::kDetected;
    std::string channel;
    std::int64_t detected_at_ms = 0;
    std::optional<std::int64_t> predicted_failure_at_ms;
    std::string text;
    std::string actor;
    bool danger = false;  // a person spoke of danger or distress: the ticket becomes P1
  };
  // Raises a ticket to P1 with P1's deadlines (from `now_ms`, never later than the
  // deadlines it had), with a history entry saying why (ticket_desk_severity.cpp).
  void raise_to_p1(Ticket& ticket, const devices::Site& site, std::int64_t now_ms,
                   const std::string& actor, const std::string& why) const;
  static devices::Severity severity_of(const Report& report);
  static constexpr const char* kDangerWhy = "the caller spoke of danger or distress";
  [[nodiscard]] Result<DeskDecision> on_report(const Report& report, std::int64_t now_ms);
  [[nodiscard]] Ticket new_ticket(const Report& report, std::int64_t now_ms) const;
  void add_evidence(Ticket& ticket, const Report& report) const;

  [[nodiscard]] Status resolve_healthy(Ticket& ticket, DeskDecision& decision,
                                       std::int64_t now_ms) const;
  void on_resolved(const Ticket& ticket, DeskDecision& decision, std::int64_t now_ms) const;
  void lock_if_unsafe(Ticket& ticket, DeskDecision& decision, std::int64_t now_ms) const;
  [[nodiscard]] Status escalate_one(Ticket& ticket, DeskDecision& decision,
                                    std::int64_t now_ms) const;
  [[nodiscard]] Status apply_action(Ticket& ticket, DeskDecision& decision,
                                    const TicketAction& action, const Actor& actor,
                                    std::int64_t now_ms) const;

  TicketStore& store_;
  SiteLookup sites_;
  DeskConfig config_;
  SlaClock sla_;
};

// A notification about `ticket` for `org` (fields copied from the ticket).
Notification make_notification(const Ticket& ticket, NotificationEvent event, std::string org,
                               std::string audience, std::int64_t at_ms, std::string message);

}  // namespace wm::tickets
