// People's actions on a ticket: who may take which (the role rules of issue 3), then the
// life-cycle move or the audited non-moving change. Scope (a ticket at another site looks
// absent, 404) is the gateway's; here an actor that can see the ticket but may not take
// the action gets "forbidden".
#include <utility>

#include "tickets/ticket_desk.h"

namespace wm::tickets {
namespace {

bool is_party_role(Role role) { return role == Role::kOperator || role == Role::kProperty; }

// The responsible org's own people (operator or property users of that org).
bool is_responsible(const Actor& actor, const Ticket& ticket) {
  return is_party_role(actor.role) && !actor.org.empty() && actor.org == ticket.responsible.org;
}

Error forbidden(const ActionKind kind, const std::string& who) {
  return make_error("forbidden", "action",
                    std::string(to_string(kind)) + " is not for " + who +
                        "; ask the responsible organisation or the contract's arbiter");
}

devices::Party other(devices::Party party) {
  return party == devices::Party::kOperator ? devices::Party::kProperty : devices::Party::kOperator;
}

// May `actor` take `kind` on `ticket`? `site` is only needed for arbitration.
Status authorize(ActionKind kind, const Actor& actor, const Ticket& ticket,
                 const std::optional<devices::Site>& site) {
  const bool admin = actor.role == Role::kAdmin;
  switch (kind) {
    case ActionKind::kAck:
    case ActionKind::kStart:
    case ActionKind::kResolve:
    case ActionKind::kClose:
      if (admin || is_responsible(actor, ticket)) return Ok{};
      return forbidden(kind, actor.label() + " (responsible: " + ticket.responsible.org + ")");
    case ActionKind::kDispute:
      // Only the responsible party itself disputes; an admin is no party.
      if (is_responsible(actor, ticket)) return Ok{};
      return forbidden(kind, actor.label() + " (responsible: " + ticket.responsible.org + ")");
    case ActionKind::kArbitrate:
      if (admin) return Ok{};
      if (site && !site->contract.arbiter.empty() && is_party_role(actor.role) &&
          actor.org == site->contract.arbiter) {
        return Ok{};
      }
      return forbidden(kind, actor.label() + " (not the contract's arbiter)");
    case ActionKind::kComment:
      if (admin || actor.role == Role::kAgent || is_party_role(actor.role)) return Ok{};
      return forbidden(kind, actor.label());
    case ActionKind::kRate:
      if (admin || actor.role == Role::kAgent) return Ok{};
      return forbidden(kind, actor.label() + " (ratings come from the person who reported)");
  }
  return forbidden(kind, actor.label());
}

}  // namespace

Result<DeskDecision> TicketDesk::act(std::string_view ticket_id, const TicketAction& action,
                                     const Actor& actor, std::int64_t now_ms) {
  // Input checks first: a malformed request is a 400 whatever the ticket's state.
  if (action.kind == ActionKind::kDispute && action.text.empty()) {
    return make_error("missing_field", "reason", "a dispute needs a reason");
  }
  if (action.kind == ActionKind::kComment && action.text.empty()) {
    return make_error("missing_field", "text", "a comment needs text");
  }
  if (action.kind == ActionKind::kRate && (action.score < 1 || action.score > 5)) {
    return make_error("out_of_range", "score", "a rating is a whole number from 1 to 5");
  }
  if (actor.role == Role::kSystem) {
    return make_error("forbidden", "actor", "the system does not act through act()");
  }
  return mutate(ticket_id, ChangeKind::kUpdated, [&](Ticket& ticket, DeskDecision& decision) {
    return apply_action(ticket, decision, action, actor, now_ms);
  });
}

Status TicketDesk::apply_action(Ticket& ticket, DeskDecision& decision, const TicketAction& action,
                                const Actor& actor, std::int64_t now_ms) const {
  std::optional<devices::Site> site;
  if (action.kind == ActionKind::kArbitrate && sites_) site = sites_(ticket.site_id);
  if (Status s = authorize(action.kind, actor, ticket, site); !s.ok()) return s;
  const std::string who = actor.label();

  switch (action.kind) {
    case ActionKind::kAck: {
      if (Status s = ticket.apply(Transition::kAck, now_ms, who, action.text); !s.ok()) return s;
      if (!ticket.acknowledged_at_ms) ticket.acknowledged_at_ms = now_ms;
      return Ok{};
    }
    case ActionKind::kStart:
      return ticket.apply(Transition::kStart, now_ms, who, action.text);
    case ActionKind::kResolve: {
      if (Status s = ticket.apply(Transition::kResolve, now_ms, who, action.text); !s.ok()) {
        return s;
      }
      ticket.resolved_at_ms = now_ms;
      ticket.healthy_since_ms.reset();
      if (ticket.machine_locked) {
        ticket.machine_locked = false;
        ticket.record(now_ms, "system", "unlock",
                      "resolved by " + who + ": the machine sells again");
        decision.commands.push_back(MachineCommand{ticket.device_id,
                                                   protocols::CommandKind::kUnlock,
                                                   "ticket resolved", ticket.id, now_ms});
      }
      on_resolved(ticket, decision, now_ms);
      return Ok{};
    }
    case ActionKind::kClose: {
      if (Status s = ticket.apply(Transition::kClose, now_ms, who, action.text); !s.ok()) return s;
      ticket.closed_at_ms = now_ms;
      return Ok{};
    }
    case ActionKind::kDispute: {
      if (!ticket.open()) {
        return make_error(
            "conflict", "state",
            "cannot dispute a ticket that is " + std::string(to_string(ticket.state)));
      }
      if (ticket.disputed()) {
        return make_error("conflict", "dispute",
                          "this ticket was already disputed (" +
                              std::string(to_string(ticket.dispute)) +
                              "); a ticket is disputed once");
      }
      ticket.dispute = DisputeState::kPending;
      ticket.dispute_reason = action.text;
      ticket.record(now_ms, who, "dispute", action.text);
      std::string arbiter;
      if (sites_) {
        if (const std::optional<devices::Site> s = sites_(ticket.site_id))
          arbiter = s->contract.arbiter;
      }
      if (!arbiter.empty()) {
        decision.notifications.push_back(make_notification(
            ticket, NotificationEvent::kDisputed, arbiter, "arbiter", now_ms,
            ticket.responsible.org + " disputes " + ticket.id + ": " + action.text));
      }
      return Ok{};
    }
    case ActionKind::kArbitrate: {
      if (ticket.dispute != DisputeState::kPending) {
        return make_error("conflict", "dispute", "there is no pending dispute to arbitrate");
      }
      if (!site) return make_error("not_found", "site", "no site '" + ticket.site_id + "'");
      const Responsible before = ticket.responsible;
      if (action.decision == Arbitration::kUphold) {
        ticket.dispute = DisputeState::kUpheld;
        ticket.record(now_ms, who, "arbitrate",
                      "uphold: " + before.org + " stays responsible" +
                          (action.text.empty() ? "" : "; " + action.text));
      } else {
        const devices::Party party = other(before.party);
        ticket.responsible = Responsible{
            party, party == devices::Party::kOperator ? site->operator_org : site->property_org};
        ticket.assigned_by = "arbitration:" + (actor.org.empty() ? who : actor.org);
        ++ticket.transfers;
        ticket.dispute = DisputeState::kReassigned;
        ticket.record(now_ms, who, "arbitrate",
                      "reassign: " + std::string(devices::to_string(before.party)) + " " +
                          before.org + " -> " + std::string(devices::to_string(party)) + " " +
                          ticket.responsible.org + " (transfer " +
                          std::to_string(ticket.transfers) + ")" +
                          (action.text.empty() ? "" : "; " + action.text));
      }
      decision.notifications.push_back(make_notification(
          ticket, NotificationEvent::kArbitrated, ticket.responsible.org, "responsible", now_ms,
          std::string(to_string(action.decision)) + ": " + ticket.responsible.org +
              " is responsible for " + ticket.id));
      if (before.org != ticket.responsible.org) {
        decision.notifications.push_back(make_notification(
            ticket, NotificationEvent::kArbitrated, before.org, "responsible", now_ms,
            "reassign: " + ticket.id + " moved to " + ticket.responsible.org));
      }
      return Ok{};
    }
    case ActionKind::kComment:
      ticket.record(now_ms, who, "comment", action.text);
      return Ok{};
    case ActionKind::kRate: {
      if (ticket.state != TicketState::kResolved && ticket.state != TicketState::kClosed) {
        return make_error("conflict", "state", "a ticket is rated once it is resolved");
      }
      if (ticket.rating) return make_error("conflict", "score", "this ticket is already rated");
      ticket.rating = action.score;
      ticket.record(
          now_ms, who, "rate",
          std::to_string(action.score) + "/5" + (action.text.empty() ? "" : ": " + action.text));
      return Ok{};
    }
  }
  return make_error("out_of_range", "action", "unknown action");
}

}  // namespace wm::tickets
