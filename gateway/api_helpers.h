// Helpers shared by the API's files: the caller as the desks' Actor, desk errors as HTTP
// answers, and reading JSON request bodies.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/auth.h"
#include "gateway/http.h"
#include "protocols/result.h"
#include "tickets/desk_types.h"

namespace wm::gateway {

tickets::Actor actor_of(const Principal& who);

// A desk's Error as an HTTP answer: conflict 409, forbidden 403, not_found 404,
// idempotency_mismatch 422, input errors 400, anything else 500.
HttpResponse desk_error(const Error& e);

// The JSON object of a request body; an empty body is an empty object. nullopt (with
// `error` set to a 400) when the body is not a JSON object.
std::optional<nlohmann::json> body_object(const HttpRequest& req, HttpResponse& error);

// A string member: absent or null leaves `out` as it is; any other type is a 400.
bool string_field(const nlohmann::json& body, const char* name, std::string& out,
                  HttpResponse& error);

}  // namespace wm::gateway
