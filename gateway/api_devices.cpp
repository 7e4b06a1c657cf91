// GET /api/v1/devices and GET /api/v1/devices/{id}: the digital twins, scoped to the
// caller (a machine outside the caller's sites answers 404, as an unknown id does).
#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/ticket_json.h"
#include "gateway/ticket_service.h"
#include "gateway/time_format.h"
#include "gateway/twin_annotations.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

json telemetry_json(const protocols::Telemetry& t) {
  json j = {{"ts", format_rfc3339(t.ts_ms)},
            {"seq", t.seq},
            {"tds_in", t.tds_in},
            {"tds_out", t.tds_out},
            {"flow_lpm", t.flow_lpm},
            {"pressure_kpa", t.pressure_kpa},
            {"temp_c", t.temp_c},
            {"filter_l", t.filter_l}};
  if (t.tank_pct) j["tank_pct"] = *t.tank_pct;
  if (t.uv_ok) j["uv_ok"] = *t.uv_ok;
  if (t.pump_a) j["pump_a"] = *t.pump_a;
  if (t.leak) j["leak"] = *t.leak;
  if (t.door) j["door"] = *t.door;
  return j;
}

// The twin as API.md shows it, from the machine's own messages. annotate_twin adds what
// the desk and the predictors know (health, predictions, locked); without a desk those
// are absent rather than invented.
}  // namespace

json twin_json(const devices::Device& device, const devices::Site& site,
               const devices::Twin& twin) {
  json j = {{"id", device.id},
            {"site", site.id},
            {"site_name", site.name},
            {"site_kind", devices::to_string(site.kind)},
            {"protocol", devices::to_string(device.protocol)},
            {"model", device.model},
            {"locked", false}};
  j["online"] = twin.online() ? json(*twin.online()) : json(nullptr);
  j["last_seen"] = twin.last_seen_ms() ? json(format_rfc3339(*twin.last_seen_ms())) : json(nullptr);
  j["telemetry"] = twin.telemetry() ? telemetry_json(*twin.telemetry()) : json::object();
  json faults = json::array();
  for (const auto& [code, state] : twin.fault_states()) {
    if (!state.active) continue;
    faults.push_back({{"code", protocols::to_string(code)},
                      {"kind", devices::to_string(devices::fault_kind_of(code))},
                      {"since", format_rfc3339(state.since_ms)}});
  }
  j["faults"] = std::move(faults);
  if (device.filter_rated_l) j["filter_rated_l"] = *device.filter_rated_l;
  return j;
}

namespace {

std::string status_of(const devices::Twin& twin) {
  if (!twin.online()) return "unknown";
  return *twin.online() ? "online" : "offline";
}

}  // namespace

HttpResponse Api::list_devices(const HttpRequest& req, const Principal& who) {
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  int limit = 0;
  if (auto bad = read_limit(req, limit)) return *bad;
  const std::string* site_filter = req.param("site");
  std::optional<devices::SiteKind> kind_filter;
  if (const auto* kind = req.param("kind")) {
    kind_filter = devices::site_kind_from_string(*kind);
    if (!kind_filter) {
      return error_response(400, "bad_request",
                            "kind must be school, community or mall, got '" + *kind + "'");
    }
  }
  const std::string* status_filter = req.param("status");
  if (status_filter != nullptr && *status_filter != "online" && *status_filter != "offline" &&
      *status_filter != "unknown") {
    return error_response(
        400, "bad_request",
        "status must be online, offline or unknown, got '" + *status_filter + "'");
  }
  const std::string* cursor = req.param("cursor");
  // One read of the open tickets for the whole page, not one per machine.
  const OpenTicketIndex open = OpenTicketIndex::read(tickets_);

  json items = json::array();
  std::optional<std::string> next;
  fleet_.read([&](const devices::Inventory& inv, const auto& twins) {
    auto it = cursor != nullptr ? inv.devices().upper_bound(*cursor) : inv.devices().begin();
    for (; it != inv.devices().end(); ++it) {
      const auto& device = it->second;
      const auto* site = inv.site(device.site);
      if (site == nullptr || !can_see_site(who, *site)) continue;
      if (site_filter != nullptr && site->id != *site_filter) continue;
      if (kind_filter && site->kind != *kind_filter) continue;
      const auto& twin = twins.at(device.id);
      if (status_filter != nullptr && status_of(twin) != *status_filter) continue;
      if (static_cast<int>(items.size()) == limit) {
        next = items.back()["id"].template get<std::string>();
        break;
      }
      items.push_back(twin_json(device, *site, twin));
    }
  });
  for (auto& item : items) annotate_twin(item, open, tickets_);
  json out = {{"items", std::move(items)}};
  out["next"] = next ? json(*next) : json(nullptr);
  return json_response(200, out.dump());
}

HttpResponse Api::get_device(const std::string& id, const Principal& who) {
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  std::optional<json> found;
  fleet_.read([&](const devices::Inventory& inv, const auto& twins) {
    const auto* device = inv.device(id);
    if (device == nullptr) return;
    const auto* site = inv.site(device->site);
    if (site == nullptr || !can_see_site(who, *site)) return;
    found = twin_json(*device, *site, twins.at(id));
  });
  if (!found) return error_response(404, "not_found", "no device '" + id + "' in your scope");
  OpenTicketIndex open;
  if (tickets_ != nullptr) {
    tickets::TicketFilter filter;
    filter.open_only = true;
    filter.device_id = id;
    json open_tickets = json::array();
    for (const auto& t : tickets_->store().list(filter)) {
      auto& m = open.machines[id];
      m.locked = m.locked || t.machine_locked;
      if (t.source != tickets::Source::kPredicted) m.kinds.push_back(t.kind);
      open_tickets.push_back(ticket_json(t, TicketDetail::kSummary));
    }
    (*found)["open_tickets"] = std::move(open_tickets);
  }
  annotate_twin(*found, open, tickets_);
  return json_response(200, found->dump());
}

}  // namespace wm::gateway
