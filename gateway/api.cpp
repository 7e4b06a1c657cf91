#include "gateway/api.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>

#include "devices/inventory.h"

namespace wm::gateway {

HttpResponse json_response(int status, const std::string& body) {
  HttpResponse res;
  res.status = status;
  res.body = body;
  return res;
}

HttpResponse error_response(int status, const std::string& code, const std::string& message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  return json_response(status, j.dump());
}

std::optional<HttpResponse> read_limit(const HttpRequest& request, int& limit) {
  limit = 100;
  const auto* text = request.param("limit");
  if (text == nullptr) return std::nullopt;
  int value = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), value);
  if (r.ec != std::errc() || r.ptr != text->data() + text->size() || value < 1 || value > 1000) {
    return error_response(400, "bad_request",
                          "limit must be an integer from 1 to 1000, got '" + *text + "'");
  }
  limit = value;
  return std::nullopt;
}

Api::Api(FleetState& fleet, Store& store, StoreWriter& writer, Metrics& metrics,
         Authenticator& auth, const Clock& clock, TicketService* tickets)
    : fleet_(fleet),
      store_(store),
      writer_(writer),
      metrics_(metrics),
      auth_(auth),
      clock_(clock),
      tickets_(tickets) {}

HttpResponse Api::handle(const HttpRequest& request) {
  HttpResponse res = route(request);
  metrics_.http_request(res.status);
  return res;
}

HttpResponse Api::route(const HttpRequest& req) {
  const std::string_view path = req.path;
  if (path == "/healthz") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return json_response(200, R"({"status":"ok"})");
  }
  if (path == "/metrics") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    HttpResponse res;
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics_.render();
    return res;
  }
  constexpr std::string_view kBase = "/api/v1/";
  if (path.substr(0, kBase.size()) != kBase) {
    return error_response(404, "not_found", "no such path: " + req.path);
  }

  const auto* authorization = req.header("authorization");
  if (authorization == nullptr) {
    return error_response(401, "unauthorized",
                          "missing Authorization header; send 'Authorization: Bearer <token>' "
                          "(create one with: wm-gateway token add)");
  }
  auto who = auth_.authenticate(*authorization);
  if (!who) return error_response(401, "unauthorized", "unknown or malformed bearer token");

  std::string_view rest = path.substr(kBase.size());
  if (rest == "devices") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return list_devices(req, *who);
  }
  if (rest.substr(0, 8) == "devices/") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    std::string id(rest.substr(8));
    if (id.empty() || id.find('/') != std::string::npos) {
      return error_response(404, "not_found", "no such path: " + req.path);
    }
    return get_device(id, *who);
  }
  if (rest == "quarantine") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return list_quarantine(req, *who);
  }
  if (rest == "tickets" || rest.substr(0, 8) == "tickets/") {
    return tickets_route(req, *who, rest.size() > 8 ? rest.substr(8) : std::string_view{});
  }
  if (rest.substr(0, 6) == "cards/") return cards_route(req, *who, rest.substr(6));
  if (rest == "refunds" || rest.substr(0, 8) == "refunds/") {
    return refunds_route(req, *who, rest.size() > 8 ? rest.substr(8) : std::string_view{});
  }
  if (rest == "hotline/lookup") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return hotline_lookup(req, *who);
  }
  if (rest == "hotline/classify") {
    if (req.method != "POST") return error_response(405, "method_not_allowed", "use POST");
    return hotline_classify(req, *who);
  }
  if (rest == "hotline/forecast") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return hotline_forecast(req, *who);
  }
  if (rest == "callbacks" || rest.substr(0, 10) == "callbacks/") {
    return callbacks_route(req, *who, rest.size() > 10 ? rest.substr(10) : std::string_view{});
  }
  if (rest.substr(0, 19) == "self-service/cards/") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return self_service_card(std::string(rest.substr(19)), *who);
  }
  if (rest == "fleet/health") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return fleet_health(req, *who);
  }
  if (rest == "stats/service") {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return service_stats(req, *who);
  }
  if (rest == "inventory") {
    if (req.method != "POST") return error_response(405, "method_not_allowed", "use POST");
    return merge_inventory(req, *who);
  }
  return error_response(404, "not_found", "no such path: " + req.path);
}

HttpResponse Api::merge_inventory(const HttpRequest& req, const Principal& who) {
  if (who.role != Role::kAdmin) {
    return error_response(403, "forbidden", "only an admin token may change the inventory");
  }
  auto update = devices::Inventory::parse_fragment(req.body);
  if (!update.ok()) return error_response(400, "bad_request", update.error().to_string());
  auto merged = fleet_.merge_inventory(update.value());
  if (!merged.ok()) return error_response(400, "bad_request", merged.error().to_string());
  const std::int64_t now = clock_.now_ms();
  writer_.run_exclusive([&](Store& store) { store.save_inventory(merged.value(), now); });
  nlohmann::json out;
  fleet_.read([&](const devices::Inventory& inv, const auto&) {
    out = {{"orgs", inv.orgs().size()},
           {"sites", inv.sites().size()},
           {"devices", inv.devices().size()}};
  });
  return json_response(200, out.dump());
}

}  // namespace wm::gateway
