// Signals, reports and the two scans of the desk. Every write is a read-change-write
// against the store: the store's uniqueness and revision checks decide races, and the
// loser reads again and re-decides (a second equal signal then joins the first's ticket).
#include "tickets/ticket_desk.h"

#include <cstdlib>
#include <utility>

#include "tickets/responsibility_matrix.h"

namespace wm::tickets {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;

std::string minutes_text(std::int64_t ms) { return std::to_string(ms / kMinuteMs) + " min"; }

bool lost_race(const Error& error) { return error.code == "conflict"; }

std::string kind_text(const Ticket& ticket) { return std::string(devices::to_string(ticket.kind)); }

}  // namespace

Notification make_notification(const Ticket& ticket, NotificationEvent event, std::string org,
                               std::string audience, std::int64_t at_ms, std::string message) {
  Notification n;
  n.org = std::move(org);
  n.event = event;
  n.audience = std::move(audience);
  n.ticket_id = ticket.id;
  n.device_id = ticket.device_id;
  n.site_id = ticket.site_id;
  n.kind = ticket.kind;
  n.severity = ticket.severity;
  n.state = ticket.state;
  n.escalation_level = ticket.escalation_level;
  n.at_ms = at_ms;
  n.message = std::move(message);
  return n;
}

TicketDesk::TicketDesk(TicketStore& store, SiteLookup sites, DeskConfig config)
    : store_(store), sites_(std::move(sites)), config_(config), sla_(config_.sla) {}

Result<DeskDecision> TicketDesk::on_fault(const FaultSignal& signal, std::int64_t now_ms) {
  if (!is_sensor_source(signal.source)) {
    return make_error("out_of_range", "source",
                      "a fault signal comes from a detector (detected or predicted), not from " +
                          std::string(to_string(signal.source)));
  }
  if (signal.state == SignalState::kRaised) {
    if (signal.update_only && !store_.find_open(signal.device_id, signal.kind)) {
      return DeskDecision{};
    }
    return on_report(
        Report{signal.device_id, &signal.site, signal.kind, signal.source, "sensor",
               signal.detected_at_ms, signal.predicted_failure_at_ms, signal.evidence, "system"},
        now_ms);
  }
  const std::optional<Ticket> open = store_.find_open(signal.device_id, signal.kind);
  if (!open) return DeskDecision{};
  return mutate(open->id, ChangeKind::kUpdated, [&](Ticket& ticket, DeskDecision& decision) {
    if (!ticket.open()) return Status(Ok{});  // resolved meanwhile: nothing left to clear
    ticket.evidence.push_back(
        Evidence{signal.detected_at_ms, signal.source, "cleared: " + signal.evidence});
    if (!ticket.sensor_born()) {
      ticket.record(now_ms, "system", "signal_cleared",
                    "the signal cleared; a ticket opened by a person is resolved by a person");
      return Status(Ok{});
    }
    if (!ticket.healthy_since_ms) {
      ticket.healthy_since_ms = signal.detected_at_ms;
      ticket.record(now_ms, "system", "signal_cleared",
                    "healthy from now on; resolves itself after " +
                        minutes_text(config_.healthy_hold_ms) + " without a new fault");
    }
    return resolve_healthy(ticket, decision, now_ms);
  });
}

Result<DeskDecision> TicketDesk::on_request(const TicketRequest& request, std::int64_t now_ms) {
  if (is_sensor_source(request.source)) {
    return make_error("out_of_range", "source",
                      "a person's report comes from hotline, app, mini_program or property");
  }
  if (request.text.empty()) {
    return make_error("missing_field", "text", "say what is wrong with the machine");
  }
  const std::string channel =
      request.channel.empty() ? std::string(to_string(request.source)) : request.channel;
  return on_report(Report{request.device_id, &request.site, request.kind, request.source, channel,
                          now_ms, std::nullopt, request.text, request.actor.label(),
                          request.danger},
                   now_ms);
}

Result<DeskDecision> TicketDesk::on_healthy(std::string_view device_id, devices::FaultKind kind,
                                            std::int64_t healthy_since_ms, std::int64_t now_ms) {
  const std::optional<Ticket> open = store_.find_open(device_id, kind);
  if (!open || !open->sensor_born()) return DeskDecision{};
  return mutate(open->id, ChangeKind::kUpdated, [&](Ticket& ticket, DeskDecision& decision) {
    if (!ticket.open()) return Status(Ok{});  // resolved meanwhile
    if (!ticket.healthy_since_ms || *ticket.healthy_since_ms > healthy_since_ms) {
      ticket.healthy_since_ms = healthy_since_ms;
    }
    return resolve_healthy(ticket, decision, now_ms);
  });
}

Result<DeskDecision> TicketDesk::on_report(const Report& report, std::int64_t now_ms) {
  for (int attempt = 0; attempt < config_.max_attempts; ++attempt) {
    if (std::optional<Ticket> open = store_.find_open(report.device_id, report.kind)) {
      // Join: the evidence and a history entry; a raised signal ends a healthy streak.
      auto joined = try_mutate(*open, ChangeKind::kJoined, [&](Ticket& ticket,
                                                               DeskDecision& decision) {
        add_evidence(ticket, report);
        if (ticket.severity != devices::Severity::kP1 &&
            severity_of(report) == devices::Severity::kP1) {
          // The predicted fault has happened: it gets the severity (and the lock) of its kind.
          raise_to_p1(ticket, *report.site, now_ms, report.actor,
                      "the predicted fault has happened: " + report.text);
          lock_if_unsafe(ticket, decision, now_ms);
        }
        std::string note = std::string(to_string(report.source)) + ": " + report.text;
        if (ticket.healthy_since_ms) {
          ticket.healthy_since_ms.reset();
          note += " (the fault is back; automatic resolution is off until it clears again)";
        }
        if (report.source == Source::kPredicted && ticket.source == Source::kPredicted &&
            report.predicted_failure_at_ms &&
            report.predicted_failure_at_ms != ticket.predicted_failure_at_ms) {
          // A revised prediction moves the failure time, and the resolution deadline with
          // it (never past the SLA span from the opening).
          ticket.predicted_failure_at_ms = report.predicted_failure_at_ms;
          ticket.resolve_due_ms =
              sla_.deadlines(ticket.severity, BusinessHours::of(*report.site), ticket.opened_at_ms,
                             ticket.predicted_failure_at_ms)
                  .resolve_due_ms;
          note += " (the predicted failure time moved; the resolution deadline follows it)";
        }
        ticket.record(now_ms, report.actor, "join", std::move(note));
        if (report.danger) raise_to_p1(ticket, *report.site, now_ms, report.actor, kDangerWhy);
        return Status(Ok{});
      });
      if (!joined.ok()) return joined.error();
      if (*joined) return std::move(**joined);
      continue;
    }
    const std::optional<Ticket> latest = store_.find_latest(report.device_id, report.kind);
    if (latest && latest->state == TicketState::kResolved && latest->resolved_at_ms &&
        now_ms - *latest->resolved_at_ms <= config_.reopen_window_ms) {
      auto reopened =
          try_mutate(*latest, ChangeKind::kReopened, [&](Ticket& ticket, DeskDecision& decision) {
            const std::int64_t since = now_ms - *ticket.resolved_at_ms;
            if (Status s = ticket.apply(
                    Transition::kReopen, now_ms, report.actor,
                    "recurred " + minutes_text(since) + " after resolution: " + report.text);
                !s.ok()) {
              return s;
            }
            add_evidence(ticket, report);
            ticket.healthy_since_ms.reset();
            // The resolution clock starts again; the acknowledgement stands.
            ticket.resolve_due_ms = sla_.deadlines(ticket.severity, BusinessHours::of(*report.site),
                                                   now_ms, ticket.predicted_failure_at_ms)
                                        .resolve_due_ms;
            lock_if_unsafe(ticket, decision, now_ms);
            decision.notifications.push_back(make_notification(
                ticket, NotificationEvent::kReopened, ticket.responsible.org, "responsible", now_ms,
                kind_text(ticket) + " on " + ticket.device_id + " is back"));
            return Status(Ok{});
          });
      if (reopened.ok() && *reopened) return std::move(**reopened);
      if (!reopened.ok() && !lost_race(reopened.error())) return reopened.error();
      continue;
    }
    Result<Ticket> stored = store_.insert(new_ticket(report, now_ms));
    if (!stored.ok()) {
      if (lost_race(stored.error())) continue;  // someone opened it first: join theirs
      return stored.error();
    }
    DeskDecision decision;
    Ticket& ticket = stored.value();
    if (ticket.machine_locked) {
      decision.commands.push_back(MachineCommand{ticket.device_id, protocols::CommandKind::kLock,
                                                 "unsafe water: " + report.text, ticket.id,
                                                 now_ms});
    }
    decision.notifications.push_back(make_notification(
        ticket, NotificationEvent::kOpened, ticket.responsible.org, "responsible", now_ms,
        kind_text(ticket) + " on " + ticket.device_id + ": " + report.text));
    decision.changes.push_back(TicketChange{ChangeKind::kOpened, std::move(ticket)});
    return decision;
  }
  return make_error("conflict", "ticket",
                    "the ticket of " + report.device_id + " kept changing; try again");
}

Ticket TicketDesk::new_ticket(const Report& report, std::int64_t now_ms) const {
  Ticket ticket;
  ticket.device_id = report.device_id;
  ticket.site_id = report.site->id;
  ticket.site_kind = report.site->kind;
  ticket.kind = report.kind;
  ticket.severity = severity_of(report);
  ticket.source = report.source;
  ticket.channel = report.channel;
  ticket.detected_at_ms = report.detected_at_ms;
  ticket.opened_at_ms = now_ms;
  ticket.predicted_failure_at_ms = report.predicted_failure_at_ms;
  const SlaDeadlines due = sla_.deadlines(ticket.severity, BusinessHours::of(*report.site), now_ms,
                                          report.predicted_failure_at_ms);
  ticket.ack_due_ms = due.ack_due_ms;
  ticket.resolve_due_ms = due.resolve_due_ms;
  add_evidence(ticket, report);
  ticket.record(now_ms, report.actor, "open",
                std::string(to_string(report.source)) + ": " + report.text);
  if (report.danger) raise_to_p1(ticket, *report.site, now_ms, report.actor, kDangerWhy);

  const Assignment assignment = ResponsibilityMatrix::assign(*report.site, report.kind);
  ticket.responsible = Responsible{assignment.party, assignment.org};
  ticket.assigned_by = assignment.rule;
  // kOpen -> kAssigned is in the table; a failure here would be a bug in the table.
  if (!ticket
           .apply(Transition::kAssign, now_ms, "system",
                  std::string(devices::to_string(assignment.party)) + " " + assignment.org +
                      " by rule " + assignment.rule)
           .ok()) {
    std::abort();
  }
  DeskDecision unused;  // the lock command is issued once the ticket has its id
  lock_if_unsafe(ticket, unused, now_ms);
  return ticket;
}

void TicketDesk::add_evidence(Ticket& ticket, const Report& report) const {
  ticket.evidence.push_back(Evidence{report.detected_at_ms, report.source, report.text});
  if (config_.max_evidence >= 2 && ticket.evidence.size() > config_.max_evidence) {
    ticket.evidence.erase(ticket.evidence.begin() + 1);  // keep the evidence that opened it
  }
}

void TicketDesk::on_resolved(const Ticket& ticket, DeskDecision& decision,
                             std::int64_t now_ms) const {
  decision.notifications.push_back(
      make_notification(ticket, NotificationEvent::kResolved, ticket.responsible.org, "responsible",
                        now_ms, kind_text(ticket) + " on " + ticket.device_id + " is resolved"));
}

Status TicketDesk::resolve_healthy(Ticket& ticket, DeskDecision& decision,
                                   std::int64_t now_ms) const {
  if (!ticket.open() || !ticket.sensor_born() || !ticket.healthy_since_ms) return Ok{};
  const std::int64_t healthy_for = now_ms - *ticket.healthy_since_ms;
  if (healthy_for < config_.healthy_hold_ms) return Ok{};
  if (Status s = ticket.apply(Transition::kAutoResolve, now_ms, "system",
                              "resolved automatically: the signal has been healthy for " +
                                  minutes_text(healthy_for) + " (hold time " +
                                  minutes_text(config_.healthy_hold_ms) + ")");
      !s.ok()) {
    return s;
  }
  ticket.resolved_at_ms = now_ms;
  ticket.healthy_since_ms.reset();
  if (ticket.machine_locked) {
    ticket.machine_locked = false;
    ticket.record(now_ms, "system", "unlock", "water is safe again: the machine sells again");
    decision.commands.push_back(MachineCommand{ticket.device_id, protocols::CommandKind::kUnlock,
                                               "water quality restored", ticket.id, now_ms});
  }
  on_resolved(ticket, decision, now_ms);
  return Ok{};
}

Status TicketDesk::escalate_one(Ticket& ticket, DeskDecision& decision, std::int64_t now_ms) const {
  if (!ticket.open()) return Ok{};
  if (ticket.escalation_level < 1 && !ticket.acknowledged_at_ms && now_ms > ticket.ack_due_ms) {
    ticket.escalation_level = 1;
    ticket.record(now_ms, "system", "escalate",
                  "level 1: not acknowledged " + minutes_text(now_ms - ticket.ack_due_ms) +
                      " after the deadline; escalated to the supervisor of " +
                      ticket.responsible.org);
    decision.notifications.push_back(make_notification(
        ticket, NotificationEvent::kEscalated, ticket.responsible.org, "supervisor", now_ms,
        "acknowledgement overdue: " + kind_text(ticket) + " on " + ticket.device_id));
  }
  if (ticket.escalation_level < 2 && now_ms > ticket.resolve_due_ms) {
    ticket.escalation_level = 2;
    std::vector<std::string> orgs{ticket.responsible.org};
    if (const std::optional<devices::Site> site = sites_ ? sites_(ticket.site_id) : std::nullopt) {
      orgs = {site->operator_org, site->property_org};
    }
    std::string names;
    for (const std::string& org : orgs) names += (names.empty() ? "" : " and ") + org;
    ticket.record(now_ms, "system", "escalate",
                  "level 2: not resolved " + minutes_text(now_ms - ticket.resolve_due_ms) +
                      " after the deadline; escalated to the duty managers of " + names);
    for (const std::string& org : orgs) {
      decision.notifications.push_back(make_notification(
          ticket, NotificationEvent::kEscalated, org, "duty_manager", now_ms,
          "resolution overdue: " + kind_text(ticket) + " on " + ticket.device_id));
    }
  }
  return Ok{};
}

DeskDecision TicketDesk::escalate(std::int64_t now_ms) {
  TicketFilter filter;
  filter.open_only = true;
  DeskDecision all;
  for (const Ticket& candidate : store_.list(filter)) {
    const bool ack_missed = candidate.escalation_level < 1 && !candidate.acknowledged_at_ms &&
                            now_ms > candidate.ack_due_ms;
    const bool resolve_missed = candidate.escalation_level < 2 && now_ms > candidate.resolve_due_ms;
    if (!ack_missed && !resolve_missed) continue;
    Result<DeskDecision> one =
        mutate(candidate.id, ChangeKind::kUpdated, [&](Ticket& ticket, DeskDecision& decision) {
          return escalate_one(ticket, decision, now_ms);
        });
    if (one.ok()) {
      all.append(std::move(one.value()));
    } else {
      all.errors.push_back(one.error());
    }
  }
  return all;
}

DeskDecision TicketDesk::auto_resolve(std::int64_t now_ms) {
  TicketFilter filter;
  filter.open_only = true;
  DeskDecision all;
  for (const Ticket& candidate : store_.list(filter)) {
    if (!candidate.sensor_born() || !candidate.healthy_since_ms ||
        now_ms - *candidate.healthy_since_ms < config_.healthy_hold_ms) {
      continue;
    }
    Result<DeskDecision> one =
        mutate(candidate.id, ChangeKind::kUpdated, [&](Ticket& ticket, DeskDecision& decision) {
          return resolve_healthy(ticket, decision, now_ms);
        });
    if (one.ok()) {
      all.append(std::move(one.value()));
    } else {
      all.errors.push_back(one.error());
    }
  }
  return all;
}

Result<std::optional<DeskDecision>> TicketDesk::try_mutate(const Ticket& before, ChangeKind kind,
                                                           const Mutation& change) {
  Ticket after = before;
  DeskDecision decision;
  if (Status s = change(after, decision); !s.ok()) return s.error();
  if (after == before) return std::optional<DeskDecision>(std::move(decision));
  Result<Ticket> stored = store_.update(std::move(after));
  if (!stored.ok()) {
    if (lost_race(stored.error())) return std::optional<DeskDecision>();
    return stored.error();
  }
  decision.changes.push_back(TicketChange{kind, std::move(stored.value())});
  return std::optional<DeskDecision>(std::move(decision));
}

Result<DeskDecision> TicketDesk::mutate(std::string_view ticket_id, ChangeKind kind,
                                        const Mutation& change) {
  for (int attempt = 0; attempt < config_.max_attempts; ++attempt) {
    const std::optional<Ticket> current = store_.get(ticket_id);
    if (!current) {
      return make_error("not_found", "id", "no ticket '" + std::string(ticket_id) + "'");
    }
    Result<std::optional<DeskDecision>> done = try_mutate(*current, kind, change);
    if (!done.ok()) return done.error();
    if (*done) return std::move(**done);
  }
  return make_error("conflict", "revision",
                    "ticket " + std::string(ticket_id) + " kept changing; try again");
}

}  // namespace wm::tickets
