// The REST API of API.md as a function from request to response. Authenticates the
// bearer token, checks the role and the caller's scope, and answers errors in API.md's
// shape: {"error": {"code": "...", "message": "..."}}. Thread-safe (called from the HTTP
// pool); reads the fleet from memory and the quarantine from the store's read side.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/auth.h"
#include "gateway/clock.h"
#include "gateway/fleet_state.h"
#include "gateway/http.h"
#include "gateway/metrics.h"
#include "gateway/store.h"
#include "gateway/store_writer.h"

namespace wm::tickets {
struct Ticket;
}

namespace wm::gateway {

class TicketService;

class Api {
 public:
  // `tickets` may be null (no ticket desk: its endpoints answer 503).
  Api(FleetState& fleet, Store& store, StoreWriter& writer, Metrics& metrics, Authenticator& auth,
      const Clock& clock, TicketService* tickets = nullptr);

  HttpResponse handle(const HttpRequest& request);

 private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse list_devices(const HttpRequest& request, const Principal& who);
  HttpResponse get_device(const std::string& id, const Principal& who);
  HttpResponse list_quarantine(const HttpRequest& request, const Principal& who);
  HttpResponse merge_inventory(const HttpRequest& request, const Principal& who);
  // api_tickets.cpp
  HttpResponse tickets_route(const HttpRequest& request, const Principal& who,
                             std::string_view rest);
  HttpResponse list_tickets(const HttpRequest& request, const Principal& who);
  HttpResponse get_ticket(const std::string& id, const Principal& who);
  HttpResponse create_ticket(const HttpRequest& request, const Principal& who);
  HttpResponse ticket_action(const HttpRequest& request, const Principal& who,
                             const std::string& id, const std::string& action);
  HttpResponse service_stats(const HttpRequest& request, const Principal& who);
  // api_fleet.cpp
  HttpResponse fleet_health(const HttpRequest& request, const Principal& who);
  bool can_see_ticket(const Principal& who, const tickets::Ticket& ticket) const;

  FleetState& fleet_;
  Store& store_;
  StoreWriter& writer_;
  Metrics& metrics_;
  Authenticator& auth_;
  const Clock& clock_;
  TicketService* tickets_;
};

// Helpers shared by the API's files.
HttpResponse json_response(int status, const std::string& body);
HttpResponse error_response(int status, const std::string& code, const std::string& message);
// Reads `limit` (default 100, 1..1000). Error: a 400 response.
std::optional<HttpResponse> read_limit(const HttpRequest& request, int& limit);

}  // namespace wm::gateway
