// What goes into the TicketDesk (signals, requests, actions and who acts) and what comes
// out of it (decisions). Plain values: the gateway builds the inputs from MQTT messages and
// HTTP bodies, and performs the outputs (publishes notifications and machine commands).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/fault_kind.h"
#include "devices/inventory.h"
#include "protocols/messages.h"
#include "protocols/result.h"
#include "tickets/sla_clock.h"
#include "tickets/ticket.h"

namespace wm::tickets {

// API.md roles, plus kSystem for the desk's own moves (auto-resolution, escalation).
enum class Role : std::uint8_t { kAdmin, kOperator, kProperty, kAgent, kSelfService, kSystem };
std::string_view to_string(Role role);  // "selfservice"
std::optional<Role> role_from_string(std::string_view name);

struct Actor {
  Role role = Role::kSystem;
  std::string org;  // the caller's org id; empty for admin tokens without one and for kSystem
  static Actor system() { return Actor{}; }
  // How the actor appears in history: "system", "operator:op-1", "admin".
  [[nodiscard]] std::string label() const;
};

enum class SignalState : std::uint8_t { kRaised, kCleared };

// A detector's finding about one machine (or one site, for site-wide kinds: the caller
// picks a stable device_id for it, such as the site id). Times are event times.
struct FaultSignal {
  std::string device_id;
  devices::Site site;
  devices::FaultKind kind = devices::FaultKind::kWaterQuality;
  std::int64_t detected_at_ms = 0;
  Source source = Source::kDetected;  // kDetected or kPredicted
  std::string evidence;               // e.g. "E03 active", "tds_out 87 ppm for 120 s"
  SignalState state = SignalState::kRaised;
  std::optional<std::int64_t> predicted_failure_at_ms;  // predicted kinds
  // News about a signal already raised (a revised prediction): it joins the open ticket
  // and never opens or reopens one (the ticket may have been resolved meanwhile).
  bool update_only = false;
};

// A person's report (hotline, app, mini program, property manager). The kind is already
// known (chosen by the person or classified from the text by the caller).
struct TicketRequest {
  std::string device_id;
  devices::Site site;
  devices::FaultKind kind = devices::FaultKind::kCardService;
  Source source = Source::kHotline;  // a person's source; predicted/detected are refused
  std::string channel;               // empty: the source's name
  std::string text;
  Actor actor;
  // The caller spoke of danger or distress (a child fell ill after drinking, scalding
  // water): the ticket is raised to P1 whatever the kind's usual severity.
  bool danger = false;
};

// API.md's POST /tickets/{id}/{action}.
enum class ActionKind : std::uint8_t {
  kAck,
  kStart,
  kResolve,
  kClose,
  kDispute,
  kArbitrate,
  kComment,
  kRate,
};
std::string_view to_string(ActionKind kind);  // "arbitrate"
std::optional<ActionKind> action_kind_from_string(std::string_view name);

enum class Arbitration : std::uint8_t { kUphold, kReassign };
std::string_view to_string(Arbitration decision);  // "uphold"
std::optional<Arbitration> arbitration_from_string(std::string_view name);

struct TicketAction {
  ActionKind kind = ActionKind::kAck;
  std::string text;  // dispute reason, comment text, optional note on the others
  Arbitration decision = Arbitration::kUphold;
  int score = 0;  // rate: 1-5

  static TicketAction simple(ActionKind kind, std::string note = {});
  static TicketAction dispute(std::string reason);
  static TicketAction arbitrate(Arbitration decision, std::string note = {});
  static TicketAction comment(std::string text);
  static TicketAction rate(int score);
};

// A ticket the desk wrote to the store, as stored (id and revision set).
enum class ChangeKind : std::uint8_t { kOpened, kJoined, kReopened, kUpdated };
std::string_view to_string(ChangeKind kind);  // "joined"

struct TicketChange {
  ChangeKind kind = ChangeKind::kUpdated;
  Ticket ticket;
};

enum class NotificationEvent : std::uint8_t {
  kOpened,
  kReopened,
  kEscalated,
  kResolved,
  kDisputed,
  kArbitrated,
};
std::string_view to_string(NotificationEvent event);  // "escalated"

// One message for one org: the gateway publishes it on wm/v1/notify/{org} and posts it to
// the org's webhook. `audience` says who in the org should read it: "responsible",
// "supervisor" (missed ack), "duty_manager" (missed resolution), "arbiter".
struct Notification {
  std::string org;
  NotificationEvent event = NotificationEvent::kOpened;
  std::string audience;
  std::string ticket_id;
  std::string device_id;
  std::string site_id;
  devices::FaultKind kind = devices::FaultKind::kWaterQuality;
  devices::Severity severity = devices::Severity::kP1;
  TicketState state = TicketState::kOpen;
  int escalation_level = 0;
  std::int64_t at_ms = 0;
  std::string message;
};

// A command for the machine's cmd topic (the gateway encodes it for the machine's protocol).
struct MachineCommand {
  std::string device_id;
  protocols::CommandKind cmd = protocols::CommandKind::kLock;
  std::string reason;
  std::string ticket_id;
  std::int64_t at_ms = 0;
};

// What the desk decided. Changes are already stored; notifications and commands are for
// the gateway to perform. `errors` lists tickets a batch scan could not process (they are
// retried on the next scan); single-ticket calls report errors through Result instead.
struct DeskDecision {
  std::vector<TicketChange> changes;
  std::vector<Notification> notifications;
  std::vector<MachineCommand> commands;
  std::vector<Error> errors;

  [[nodiscard]] bool empty() const {
    return changes.empty() && notifications.empty() && commands.empty() && errors.empty();
  }
  void append(DeskDecision other);
};

struct DeskConfig {
  std::int64_t reopen_window_ms = 24LL * 3600 * 1000;
  // A sensor-born ticket resolves itself once its signal has been healthy this long.
  std::int64_t healthy_hold_ms = 10LL * 60 * 1000;
  // Evidence kept per ticket; beyond it the oldest entries after the first are dropped
  // (a flapping sensor must not grow a ticket without bound).
  std::size_t max_evidence = 50;
  // Attempts of a read-change-write against concurrent writers before "conflict".
  int max_attempts = 16;
  SlaPolicy sla = SlaPolicy::design_defaults();
};

}  // namespace wm::tickets
