// The REST API of API.md as a function from request to response. Authenticates the
// bearer token, checks the role and the caller's scope, and answers errors in API.md's
// shape: {"error": {"code": "...", "message": "..."}}. Thread-safe (called from the HTTP
// pool); reads the fleet from memory and the quarantine from the store's read side.
#pragma once

#include <optional>
#include <string>

#include "gateway/auth.h"
#include "gateway/clock.h"
#include "gateway/fleet_state.h"
#include "gateway/http.h"
#include "gateway/metrics.h"
#include "gateway/store.h"
#include "gateway/store_writer.h"

namespace wm::gateway {

class Api {
 public:
  Api(FleetState& fleet, Store& store, StoreWriter& writer, Metrics& metrics, Authenticator& auth,
      const Clock& clock);

  HttpResponse handle(const HttpRequest& request);

 private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse list_devices(const HttpRequest& request, const Principal& who);
  HttpResponse get_device(const std::string& id, const Principal& who);
  HttpResponse list_quarantine(const HttpRequest& request, const Principal& who);
  HttpResponse merge_inventory(const HttpRequest& request, const Principal& who);

  FleetState& fleet_;
  Store& store_;
  StoreWriter& writer_;
  Metrics& metrics_;
  Authenticator& auth_;
  const Clock& clock_;
};

// Helpers shared by the API's files.
HttpResponse json_response(int status, const std::string& body);
HttpResponse error_response(int status, const std::string& code, const std::string& message);
// Reads `limit` (default 100, 1..1000). Error: a 400 response.
std::optional<HttpResponse> read_limit(const HttpRequest& request, int& limit);

}  // namespace wm::gateway
