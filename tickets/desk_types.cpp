// Names of the desk's enums (the words API.md and the notifications use) and the small
// constructors of actions.
#include "tickets/desk_types.h"

#include <array>
#include <cstdlib>
#include <utility>

#include "protocols/enum_names.h"

namespace wm::tickets {
using wm::name_of;
using wm::parse_name;

namespace {

constexpr std::array<std::string_view, 6> kRoleNames = {"admin", "operator",    "property",
                                                        "agent", "selfservice", "system"};
constexpr std::array<std::string_view, 8> kActionNames = {
    "ack", "start", "resolve", "close", "dispute", "arbitrate", "comment", "rate"};
constexpr std::array<std::string_view, 2> kArbitrationNames = {"uphold", "reassign"};
constexpr std::array<std::string_view, 4> kChangeNames = {"opened", "joined", "reopened",
                                                          "updated"};
constexpr std::array<std::string_view, 6> kEventNames = {"opened",   "reopened", "escalated",
                                                         "resolved", "disputed", "arbitrated"};

}  // namespace

std::string_view to_string(Role role) { return name_of(role, kRoleNames); }
std::optional<Role> role_from_string(std::string_view name) {
  // "system" is the desk's own; no token carries it.
  const std::optional<Role> role = parse_name<Role>(name, kRoleNames);
  if (role == Role::kSystem) return std::nullopt;
  return role;
}

std::string Actor::label() const {
  if (role == Role::kSystem) return "system";
  if (org.empty()) return std::string(to_string(role));
  return std::string(to_string(role)) + ":" + org;
}

std::string_view to_string(ActionKind kind) { return name_of(kind, kActionNames); }
std::optional<ActionKind> action_kind_from_string(std::string_view name) {
  return parse_name<ActionKind>(name, kActionNames);
}

std::string_view to_string(Arbitration decision) { return name_of(decision, kArbitrationNames); }
std::optional<Arbitration> arbitration_from_string(std::string_view name) {
  return parse_name<Arbitration>(name, kArbitrationNames);
}

std::string_view to_string(ChangeKind kind) { return name_of(kind, kChangeNames); }
std::string_view to_string(NotificationEvent event) { return name_of(event, kEventNames); }

TicketAction TicketAction::simple(ActionKind kind, std::string note) {
  TicketAction action;
  action.kind = kind;
  action.text = std::move(note);
  return action;
}

TicketAction TicketAction::dispute(std::string reason) {
  return simple(ActionKind::kDispute, std::move(reason));
}

TicketAction TicketAction::arbitrate(Arbitration decision, std::string note) {
  TicketAction action = simple(ActionKind::kArbitrate, std::move(note));
  action.decision = decision;
  return action;
}

TicketAction TicketAction::comment(std::string text) {
  return simple(ActionKind::kComment, std::move(text));
}

TicketAction TicketAction::rate(int score) {
  TicketAction action = simple(ActionKind::kRate);
  action.score = score;
  return action;
}

void DeskDecision::append(DeskDecision other) {
  for (auto& change : other.changes) changes.push_back(std::move(change));
  for (auto& notification : other.notifications) notifications.push_back(std::move(notification));
  for (auto& command : other.commands) commands.push_back(std::move(command));
  for (auto& error : other.errors) errors.push_back(std::move(error));
}

}  // namespace wm::tickets
