#include "gateway/api_helpers.h"

#include "gateway/api.h"

namespace wm::gateway {

using nlohmann::json;

tickets::Actor actor_of(const Principal& who) {
  tickets::Actor actor;
  switch (who.role) {
    case Role::kAdmin:
      actor.role = tickets::Role::kAdmin;
      break;
    case Role::kOperator:
      actor.role = tickets::Role::kOperator;
      break;
    case Role::kProperty:
      actor.role = tickets::Role::kProperty;
      break;
    case Role::kAgent:
      actor.role = tickets::Role::kAgent;
      break;
    case Role::kSelfService:
      actor.role = tickets::Role::kSelfService;
      break;
  }
  actor.org = who.org;
  return actor;
}

namespace {

int status_for(const Error& e) {
  if (e.code == "conflict") return 409;
  if (e.code == "forbidden") return 403;
  if (e.code == "idempotency_mismatch") return 422;
  if (e.code == "not_found") return 404;
  if (e.code == "unavailable") return 503;
  if (e.code == "missing_field" || e.code == "out_of_range" || e.code == "wrong_type" ||
      e.code == "bad_request") {
    return 400;
  }
  return 500;
}

}  // namespace

HttpResponse desk_error(const Error& e) {
  const int status = status_for(e);
  const std::string code = status == 400 ? "bad_request" : status == 500 ? "internal" : e.code;
  return error_response(status, code, e.message.empty() ? e.to_string() : e.message);
}

// The JSON object of a request body; an empty body is an empty object.
std::optional<json> body_object(const HttpRequest& req, HttpResponse& error) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = error_response(400, "bad_request", "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// A string member: absent is "", any other type is an error.
bool string_field(const json& body, const char* name, std::string& out, HttpResponse& error) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    error = error_response(400, "bad_request", std::string(name) + " must be a string");
    return false;
  }
  out = it->get<std::string>();
  return true;
}

}  // namespace wm::gateway
