// Callback promises (API.md /callbacks; issue 7 item 3): an agent promises a caller to
// ring back by `due_at`; marking it done records the outcome. A promise not done by its
// due time is broken and counts in GET /stats/service ("callbacks").
// Roles: admin and agent see and do everything; operator and property tokens the
// callbacks of tickets at their sites and those their org created (others answer 404, as
// an unknown id does); selfservice 403.
#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/api_helpers.h"
#include "gateway/callback_json.h"
#include "gateway/callback_store.h"
#include "gateway/ticket_service.h"
#include "gateway/time_format.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNote = 2000;
constexpr std::size_t kMaxOutcome = 200;

// 5 to 20 characters of digits, '+', '-' and spaces, with at least 5 digits.
bool valid_phone(std::string_view phone) {
  if (phone.size() < 5 || phone.size() > 20) return false;
  int digits = 0;
  for (const char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '+' && c != '-' && c != ' ') {
      return false;
    }
  }
  return digits >= 5;
}

}  // namespace

void Api::attach_callbacks(CallbackStore* callbacks) { callbacks_ = callbacks; }

HttpResponse Api::callbacks_route(const HttpRequest& req, const Principal& who,
                                  std::string_view rest) {
  if (callbacks_ == nullptr) {
    return error_response(503, "unavailable", "callbacks are not kept by this gateway");
  }
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  const std::int64_t now = tickets_ != nullptr ? tickets_->now_ms() : clock_.now_ms();
  const auto visible = [&](const Callback& c) {
    bool seen = false;
    fleet_.read([&](const devices::Inventory& inventory, const TwinView&) {
      seen = can_see_callback(who, c, inventory);
    });
    return seen;
  };

  if (rest.empty() && req.method == "POST") {
    HttpResponse error;
    auto body = body_object(req, error);
    if (!body) return error;
    std::string phone, ticket_id, due_at, note;
    if (!string_field(*body, "phone", phone, error) ||
        !string_field(*body, "ticket_id", ticket_id, error) ||
        !string_field(*body, "due_at", due_at, error) ||
        !string_field(*body, "note", note, error)) {
      return error;
    }
    if (!valid_phone(phone)) {
      return error_response(400, "bad_request",
                            "phone is required: 5 to 20 characters of digits, '+', '-' and "
                            "spaces, e.g. \"+86 138-0013-8000\"; got '" +
                                phone + "'");
    }
    if (due_at.empty()) {
      return error_response(400, "bad_request",
                            "due_at is required: when the caller was promised a call back, as "
                            "an RFC 3339 time such as 2026-03-02T09:30:00+08:00");
    }
    const auto due = parse_time(due_at);
    if (!due) {
      return error_response(400, "bad_request",
                            "due_at must be an RFC 3339 time such as 2026-03-02T09:30:00+08:00, "
                            "got '" +
                                due_at + "'");
    }
    if (note.size() > kMaxNote) {
      return error_response(400, "bad_request",
                            "note is longer than " + std::to_string(kMaxNote) + " bytes");
    }
    Callback callback;
    if (!ticket_id.empty()) {
      auto ticket = tickets_ != nullptr ? tickets_->store().get(ticket_id) : std::nullopt;
      if (!ticket || !can_see_ticket(who, *ticket)) {
        return error_response(404, "not_found",
                              "ticket_id: no ticket '" + ticket_id +
                                  "'; leave it out for a callback without a ticket");
      }
      callback.ticket_id = ticket->id;
      callback.site_id = ticket->site_id;
    }
    callback.phone = phone;
    callback.due_at_ms = *due;
    callback.note = note;
    callback.created_at_ms = now;
    callback.created_by = actor_of(who).label();
    return json_response(201, callback_json(callbacks_->add(std::move(callback)), now).dump());
  }

  if (rest.empty() && req.method == "GET") {
    int limit = 0;
    if (auto bad = read_limit(req, limit)) return *bad;
    CallbackQuery query;
    if (const auto* v = req.param("due_before")) {
      if (!(query.due_before_ms = parse_time(*v))) {
        return error_response(400, "bad_request",
                              "due_before must be an RFC 3339 time, got '" + *v + "'");
      }
    }
    if (const auto* v = req.param("state")) {
      if (!(query.state = callback_state_from_string(*v))) {
        return error_response(400, "bad_request", "state must be open or done, got '" + *v + "'");
      }
    }
    if (const auto* v = req.param("ticket_id")) query.ticket_id = *v;
    if (const auto* v = req.param("cursor")) query.after_id = *v;
    // A caller who sees everything pages in SQL; a scoped one filters what it may see.
    const bool sees_all = who.role == Role::kAdmin || who.role == Role::kAgent;
    if (sees_all) query.limit = static_cast<std::size_t>(limit) + 1;
    auto listed = callbacks_->list(query);
    if (!listed.ok()) return desk_error(listed.error());
    json items = json::array();
    bool more = false;
    for (const auto& c : listed.value()) {
      if (!sees_all && !visible(c)) continue;
      if (static_cast<int>(items.size()) == limit) {
        more = true;
        break;
      }
      items.push_back(callback_json(c, now));
    }
    json next = more ? items.back().at("id") : json(nullptr);
    json out = {{"items", std::move(items)}, {"next", std::move(next)}};
    return json_response(200, out.dump());
  }

  if (rest.empty()) return error_response(405, "method_not_allowed", "use GET or POST");
  const auto slash = rest.find('/');
  const std::string id(rest.substr(0, slash));
  const std::string action(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  if (slash != std::string_view::npos && action != "done") {
    return error_response(404, "not_found",
                          "no such path: " + req.path + " (the only action is done)");
  }
  auto callback = callbacks_->get(id);
  if (!callback || !visible(*callback)) {
    return error_response(404, "not_found", "no callback '" + id + "'");
  }
  if (action.empty()) {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return json_response(200, callback_json(*callback, now).dump());
  }
  if (req.method != "POST") return error_response(405, "method_not_allowed", "use POST");
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  std::string outcome;
  if (!string_field(*body, "outcome", outcome, error)) return error;
  if (outcome.empty() || outcome.size() > kMaxOutcome) {
    return error_response(400, "bad_request",
                          "outcome is required: how the call went in up to " +
                              std::to_string(kMaxOutcome) +
                              " bytes, e.g. reached, no_answer or resolved");
  }
  auto done = callbacks_->mark_done(id, outcome, actor_of(who).label(), now);
  if (!done.ok()) return desk_error(done.error());
  return json_response(200, callback_json(done.value(), now).dump());
}

}  // namespace wm::gateway
