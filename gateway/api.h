// The REST API of API.md as a function from request to response. Authenticates the
// bearer token, checks the role and the caller's scope, and answers errors in API.md's
// shape: {"error": {"code": "...", "message": "..."}}. Thread-safe (called from the HTTP
// pool); reads the fleet from memory and the quarantine from the store's read side.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/auth.h"
#include "gateway/clock.h"
#include "gateway/fleet_state.h"
#include "gateway/http.h"
#include "gateway/metrics.h"
#include "gateway/site_machines.h"
#include "gateway/store.h"
#include "gateway/store_writer.h"

namespace wm::tickets {
struct Ticket;
struct Refund;
class CardBook;
class CardDesk;
}  // namespace wm::tickets

namespace wm::gateway {

class TicketService;
class CallbackStore;

class Api {
 public:
  // `tickets` may be null (no ticket desk: its endpoints answer 503).
  Api(FleetState& fleet, Store& store, StoreWriter& writer, Metrics& metrics, Authenticator& auth,
      const Clock& clock, TicketService* tickets = nullptr);

  HttpResponse handle(const HttpRequest& request);
  // Serves cards and refunds from this book and desk (before the first request).
  void attach_cards(tickets::CardBook* book, tickets::CardDesk* desk);
  // Serves callback promises from this store (api_callbacks.cpp).
  void attach_callbacks(CallbackStore* callbacks);

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
  // api_cards.cpp
  HttpResponse cards_route(const HttpRequest& request, const Principal& who, std::string_view rest);
  HttpResponse refunds_route(const HttpRequest& request, const Principal& who,
                             std::string_view rest);
  HttpResponse claim_refund(const HttpRequest& request, const Principal& who);
  HttpResponse list_refunds(const HttpRequest& request, const Principal& who);
  bool can_see_refund(const Principal& who, const tickets::Refund& refund) const;
  // api_hotline.cpp: one-box look-up, call classification, self-service card answers
  HttpResponse hotline_lookup(const HttpRequest& request, const Principal& who);
  HttpResponse hotline_classify(const HttpRequest& request, const Principal& who);
  HttpResponse self_service_card(const std::string& token, const Principal& who);
  // Machines of the caller's sites whose ids the text mentions ("WM0007", "wm-0007").
  std::vector<std::string> mentioned_devices(const std::string& text, const Principal& who) const;
  // api_callbacks.cpp: POST/GET /callbacks, POST /callbacks/{id}/done
  HttpResponse callbacks_route(const HttpRequest& request, const Principal& who,
                               std::string_view rest);
  // api_forecast.cpp: GET /hotline/forecast?date=
  HttpResponse hotline_forecast(const HttpRequest& request, const Principal& who);
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
  tickets::CardBook* card_book_ = nullptr;
  tickets::CardDesk* card_desk_ = nullptr;
  CallbackStore* callbacks_ = nullptr;
  SiteMachinesCache site_machines_;  // the hotline look-up's machines of a site
};

// Helpers shared by the API's files.
HttpResponse json_response(int status, const std::string& body);
HttpResponse error_response(int status, const std::string& code, const std::string& message);
// Reads `limit` (default 100, 1..1000). Error: a 400 response.
std::optional<HttpResponse> read_limit(const HttpRequest& request, int& limit);

}  // namespace wm::gateway
