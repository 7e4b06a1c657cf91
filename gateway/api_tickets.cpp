// The ticket endpoints of API.md: list, one ticket with its history, a person's report
// (joins the open ticket of the machine and kind), actions, and service statistics.
// Scope: a ticket at a site outside the caller's sites answers 404, as an unknown id
// does; what a visible caller may not do answers 403 (the desk's role rules).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/api_helpers.h"
#include "gateway/callback_json.h"
#include "gateway/hotline_classifier.h"
#include "gateway/ticket_json.h"
#include "gateway/ticket_service.h"
#include "gateway/time_format.h"
#include "tickets/danger_words.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

// Who reports through which channel: the API's channel names and the ticket's source.
std::optional<tickets::Source> source_of_channel(std::string_view channel) {
  if (channel == "phone" || channel == "hotline") return tickets::Source::kHotline;
  if (channel == "app") return tickets::Source::kApp;
  if (channel == "mini_program") return tickets::Source::kMiniProgram;
  if (channel == "property") return tickets::Source::kProperty;
  return std::nullopt;
}

}  // namespace

bool Api::can_see_ticket(const Principal& who, const tickets::Ticket& ticket) const {
  if (who.role == Role::kAdmin || who.role == Role::kAgent) return true;
  if (who.role == Role::kSelfService) return false;
  bool visible = false;
  fleet_.read([&](const devices::Inventory& inventory, const TwinView&) {
    if (const auto* site = inventory.site(ticket.site_id)) visible = can_see_site(who, *site);
  });
  return visible;
}

HttpResponse Api::tickets_route(const HttpRequest& req, const Principal& who,
                                std::string_view rest) {
  if (tickets_ == nullptr) {
    return error_response(503, "unavailable", "the ticket desk is not running");
  }
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  if (rest.empty()) {
    if (req.method == "GET") return list_tickets(req, who);
    if (req.method == "POST") return create_ticket(req, who);
    return error_response(405, "method_not_allowed", "use GET or POST");
  }
  const auto slash = rest.find('/');
  const std::string id(rest.substr(0, slash));
  if (slash == std::string_view::npos) {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return get_ticket(id, who);
  }
  const std::string action(rest.substr(slash + 1));
  if (action.empty() || action.find('/') != std::string::npos) {
    return error_response(404, "not_found", "no such path: " + req.path);
  }
  if (req.method != "POST") return error_response(405, "method_not_allowed", "use POST");
  return ticket_action(req, who, id, action);
}

HttpResponse Api::list_tickets(const HttpRequest& req, const Principal& who) {
  int limit = 0;
  if (auto bad = read_limit(req, limit)) return *bad;
  tickets::TicketFilter filter;
  std::optional<devices::Party> party;
  if (const auto* v = req.param("state")) {
    if (*v == "open") {
      filter.open_only = true;
    } else if (!(filter.state = tickets::ticket_state_from_string(*v))) {
      return error_response(400, "bad_request",
                            "state must be open, assigned, acknowledged, in_progress, resolved or "
                            "closed (or 'open' for every unresolved one), got '" +
                                *v + "'");
    }
  }
  if (const auto* v = req.param("kind")) {
    if (!(filter.kind = devices::fault_kind_from_string(*v))) {
      return error_response(400, "bad_request", "unknown fault kind '" + *v + "'");
    }
  }
  if (const auto* v = req.param("source")) {
    if (!(filter.source = tickets::source_from_string(*v))) {
      return error_response(400, "bad_request",
                            "source must be predicted, detected, hotline, app, mini_program or "
                            "property, got '" +
                                *v + "'");
    }
  }
  if (const auto* v = req.param("site")) filter.site_id = *v;
  if (const auto* v = req.param("device")) filter.device_id = *v;
  if (const auto* v = req.param("responsible")) {
    // A party name or an org id.
    if (auto p = devices::party_from_string(*v)) {
      party = p;
    } else {
      filter.responsible_org = *v;
    }
  }
  const std::string* cursor = req.param("cursor");

  json items = json::array();
  std::optional<std::string> next;
  bool past_cursor = cursor == nullptr;
  for (const auto& t : tickets_->store().list(filter)) {
    if (!past_cursor) {
      past_cursor = t.id == *cursor;
      continue;
    }
    if (party && t.responsible.party != *party) continue;
    if (!can_see_ticket(who, t)) continue;
    if (static_cast<int>(items.size()) == limit) {
      next = items.back().at("id").get<std::string>();
      break;
    }
    items.push_back(ticket_json(t, TicketDetail::kSummary));
  }
  if (!past_cursor) {
    return error_response(400, "bad_request",
                          "cursor '" + *cursor + "' is not a ticket id of this list");
  }
  json out = {{"items", std::move(items)}, {"next", next ? json(*next) : json(nullptr)}};
  return json_response(200, out.dump());
}

HttpResponse Api::get_ticket(const std::string& id, const Principal& who) {
  auto ticket = tickets_->store().get(id);
  if (!ticket || !can_see_ticket(who, *ticket)) {
    return error_response(404, "not_found", "no ticket '" + id + "'");
  }
  return json_response(200, ticket_json(*ticket, TicketDetail::kFull).dump());
}

HttpResponse Api::create_ticket(const HttpRequest& req, const Principal& who) {
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  std::string device_id, text, channel, kind_name;
  if (!string_field(*body, "device_id", device_id, error) ||
      !string_field(*body, "text", text, error) ||
      !string_field(*body, "channel", channel, error) ||
      !string_field(*body, "kind", kind_name, error)) {
    return error;
  }
  if (text.empty()) return error_response(400, "bad_request", "text is required: what was said");
  if (channel.empty()) channel = who.role == Role::kProperty ? "property" : "phone";
  auto source = source_of_channel(channel);
  if (!source) {
    return error_response(
        400, "bad_request",
        "channel must be phone, app, mini_program or property, got '" + channel + "'");
  }
  // The machine: named in the request, or mentioned in the text.
  if (device_id.empty()) {
    const auto mentioned = mentioned_devices(text, who);
    if (mentioned.size() != 1) {
      return error_response(400, "bad_request",
                            mentioned.empty()
                                ? "device_id is required: the text names no machine of yours"
                                : "device_id is required: the text names " +
                                      std::to_string(mentioned.size()) + " machines");
    }
    device_id = mentioned.front();
  }
  // The kind: chosen by the caller, or classified from the text.
  std::optional<devices::FaultKind> kind;
  std::optional<tickets::Classification> classified;
  if (!kind_name.empty()) {
    kind = devices::fault_kind_from_string(kind_name);
    if (!kind) return error_response(400, "bad_request", "unknown fault kind '" + kind_name + "'");
  } else {
    classified = call_classifier().classify(text);
    kind = classified->kind;
  }
  const bool danger = classified ? classified->danger : tickets::mentions_danger(text);

  tickets::TicketRequest request;
  bool visible = false;
  fleet_.read([&](const devices::Inventory& inventory, const TwinView&) {
    const auto* device = inventory.device(device_id);
    const auto* site = device ? inventory.site(device->site) : nullptr;
    if (site == nullptr || !can_see_site(who, *site)) return;
    visible = true;
    request.site = *site;
  });
  if (!visible) return error_response(404, "not_found", "no device '" + device_id + "'");
  request.device_id = device_id;
  request.kind = *kind;
  request.source = *source;
  request.channel = channel;
  request.text = text;
  if (classified) {
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, "%.2f", classified->confidence);
    request.text += " [classified " + std::string(devices::to_string(*kind)) + ", confidence " +
                    confidence + "]";
  }
  request.danger = danger;
  request.actor = actor_of(who);
  auto decision = tickets_->request(request);
  if (!decision.ok()) return desk_error(decision.error());
  if (decision->changes.empty()) {
    return error_response(500, "internal", "the desk stored no ticket");
  }
  const auto& change = decision->changes.front();
  json out = ticket_json(change.ticket, TicketDetail::kFull);
  const bool joined = change.kind == tickets::ChangeKind::kJoined;
  out["joined"] = joined;
  out["change"] = tickets::to_string(change.kind);
  if (classified) {
    out["classified"] = {{"kind", devices::to_string(classified->kind)},
                         {"confidence", classified->confidence}};
  }
  out["danger"] = danger;
  return json_response(joined ? 200 : 201, out.dump());
}

HttpResponse Api::ticket_action(const HttpRequest& req, const Principal& who, const std::string& id,
                                const std::string& action_name) {
  auto kind = tickets::action_kind_from_string(action_name);
  if (!kind) {
    return error_response(404, "not_found",
                          "no action '" + action_name +
                              "': use ack, start, resolve, close, dispute, arbitrate, comment or "
                              "rate");
  }
  auto ticket = tickets_->store().get(id);
  if (!ticket || !can_see_ticket(who, *ticket)) {
    return error_response(404, "not_found", "no ticket '" + id + "'");
  }
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  std::string note, reason, text, decision_name;
  if (!string_field(*body, "note", note, error) || !string_field(*body, "reason", reason, error) ||
      !string_field(*body, "text", text, error) ||
      !string_field(*body, "decision", decision_name, error)) {
    return error;
  }
  tickets::TicketAction action = tickets::TicketAction::simple(*kind, note);
  switch (*kind) {
    case tickets::ActionKind::kDispute:
      action = tickets::TicketAction::dispute(reason);
      break;
    case tickets::ActionKind::kArbitrate: {
      auto decision = tickets::arbitration_from_string(decision_name);
      if (!decision) {
        return error_response(400, "bad_request",
                              "decision must be uphold or reassign, got '" + decision_name + "'");
      }
      action = tickets::TicketAction::arbitrate(*decision, note);
      break;
    }
    case tickets::ActionKind::kComment:
      action = tickets::TicketAction::comment(text);
      break;
    case tickets::ActionKind::kRate: {
      auto it = body->find("score");
      if (it == body->end() || !it->is_number_integer()) {
        return error_response(400, "bad_request", "score must be a whole number from 1 to 5");
      }
      action = tickets::TicketAction::rate(it->get<int>());
      action.text = text;
      break;
    }
    default:
      break;
  }
  auto decision = tickets_->act(id, action, actor_of(who));
  if (!decision.ok()) return desk_error(decision.error());
  auto after = decision->changes.empty() ? tickets_->store().get(id)
                                         : std::optional(decision->changes.front().ticket);
  if (!after) return error_response(404, "not_found", "no ticket '" + id + "'");
  return json_response(200, ticket_json(*after, TicketDetail::kFull).dump());
}

HttpResponse Api::service_stats(const HttpRequest& req, const Principal& who) {
  if (tickets_ == nullptr) {
    return error_response(503, "unavailable", "the ticket desk is not running");
  }
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  auto group_by = tickets::StatsGroupBy::kKind;
  if (const auto* v = req.param("group_by")) {
    auto parsed = tickets::stats_group_by_from_string(*v);
    if (!parsed) {
      return error_response(400, "bad_request",
                            "group_by must be kind, site_kind or channel, got '" + *v + "'");
    }
    group_by = *parsed;
  }
  std::optional<std::int64_t> since, until;
  for (auto [name, out] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    if (const auto* v = req.param(name)) {
      *out = parse_time(*v);
      if (!*out) {
        return error_response(400, "bad_request",
                              std::string(name) + " must be an RFC 3339 time, got '" + *v + "'");
      }
    }
  }
  std::vector<tickets::Ticket> selected;
  for (auto& t : tickets_->store().list(tickets::TicketFilter{})) {
    if (since && t.opened_at_ms < *since) continue;
    if (until && t.opened_at_ms >= *until) continue;
    if (!can_see_ticket(who, t)) continue;
    selected.push_back(std::move(t));
  }
  auto stats = tickets::compute_service_stats(selected, group_by, tickets_->now_ms());
  json out = service_stats_json(stats, group_by);
  out["since"] = since ? json(format_rfc3339(*since)) : json(nullptr);
  out["until"] = until ? json(format_rfc3339(*until)) : json(nullptr);
  // Callback promises made in the window; one not done by its due time is broken.
  if (callbacks_ != nullptr) {
    out["callbacks"] = promises_json(*callbacks_, fleet_, who, since, until, tickets_->now_ms());
  }
  return json_response(200, out.dump());
}

}  // namespace wm::gateway
