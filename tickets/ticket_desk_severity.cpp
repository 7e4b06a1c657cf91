// The severity side of TicketDesk: a ticket's first severity, raising it to P1 (danger in
// a call, a predicted fault that has happened) and locking a machine whose water is unsafe.
#include "tickets/ticket_desk.h"

namespace wm::tickets {

// A fault still to come is not yet an emergency: a predicted ticket of a P1 kind
// (water_quality: the water is still within the limit) is P2, and does not lock the
// machine, until the fault is detected.
devices::Severity TicketDesk::severity_of(const Report& report) {
  const devices::Severity usual = devices::severity_of(report.kind);
  if (report.source == Source::kPredicted && usual == devices::Severity::kP1) {
    return devices::Severity::kP2;
  }
  return usual;
}

void TicketDesk::raise_to_p1(Ticket& ticket, const devices::Site& site, std::int64_t now_ms,
                             const std::string& actor, const std::string& why) const {
  if (ticket.severity == devices::Severity::kP1) return;
  const devices::Severity before = ticket.severity;
  ticket.severity = devices::Severity::kP1;
  const SlaDeadlines due = sla_.deadlines(devices::Severity::kP1, BusinessHours::of(site), now_ms,
                                          ticket.predicted_failure_at_ms);
  if (ticket.ack_due_ms == 0 || due.ack_due_ms < ticket.ack_due_ms) {
    ticket.ack_due_ms = due.ack_due_ms;
  }
  if (ticket.resolve_due_ms == 0 || due.resolve_due_ms < ticket.resolve_due_ms) {
    ticket.resolve_due_ms = due.resolve_due_ms;
  }
  ticket.record(now_ms, actor, "raise_severity",
                std::string(devices::to_string(before)) + " -> P1: " + why);
}

void TicketDesk::lock_if_unsafe(Ticket& ticket, DeskDecision& decision, std::int64_t now_ms) const {
  if (ticket.kind != devices::FaultKind::kWaterQuality ||
      ticket.severity != devices::Severity::kP1 || ticket.machine_locked) {
    return;
  }
  ticket.machine_locked = true;
  ticket.record(now_ms, "system", "lock", "unsafe water: the machine stops selling water");
  if (!ticket.id.empty()) {
    decision.commands.push_back(MachineCommand{ticket.device_id, protocols::CommandKind::kLock,
                                               "unsafe water", ticket.id, now_ms});
  }
}

}  // namespace wm::tickets
