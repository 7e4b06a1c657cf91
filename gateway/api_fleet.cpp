// GET /api/v1/fleet/health: the fleet at a glance for the caller's sites — machines
// online, offline and locked per site kind, the health distribution, and the machines at
// risk (low health or a prediction) with their predictions, worst first.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/twin_annotations.h"

namespace wm::gateway {

namespace {
using nlohmann::json;
constexpr int kAtRiskBelow = 70;  // health under this counts as at risk
constexpr int kMaxAtRisk = 100;
}  // namespace

HttpResponse Api::fleet_health(const HttpRequest& req, const Principal& who) {
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  int limit = kMaxAtRisk;
  if (req.param("limit") != nullptr) {
    if (auto bad = read_limit(req, limit)) return *bad;
  }
  std::vector<json> twins;
  fleet_.read([&](const devices::Inventory& inv, const auto& all) {
    for (const auto& [id, device] : inv.devices()) {
      const auto* site = inv.site(device.site);
      if (site == nullptr || !can_see_site(who, *site)) continue;
      twins.push_back(twin_json(device, *site, all.at(id)));
    }
  });
  const OpenTicketIndex open = OpenTicketIndex::read(tickets_);
  json by_kind = json::object();
  std::array<int, 5> buckets{};  // 0-19, 20-39, 40-59, 60-79, 80-100
  std::vector<json> at_risk;
  for (auto& twin : twins) {
    annotate_twin(twin, open, tickets_);
    auto& counts = by_kind[twin["site_kind"].get<std::string>()];
    if (counts.is_null())
      counts = {{"machines", 0}, {"online", 0}, {"offline", 0}, {"unknown", 0}, {"locked", 0}};
    counts["machines"] = counts["machines"].get<int>() + 1;
    const char* status = twin["online"].is_null()     ? "unknown"
                         : twin["online"].get<bool>() ? "online"
                                                      : "offline";
    counts[status] = counts[status].get<int>() + 1;
    if (twin.value("locked", false)) counts["locked"] = counts["locked"].get<int>() + 1;
    if (!twin.contains("health")) continue;
    const int health = twin["health"].get<int>();
    ++buckets[static_cast<std::size_t>(std::min(health, 99) / 20)];
    if (health < kAtRiskBelow || !twin["predictions"].empty()) {
      at_risk.push_back({{"id", twin["id"]},
                         {"site", twin["site"]},
                         {"site_kind", twin["site_kind"]},
                         {"health", health},
                         {"online", twin["online"]},
                         {"faults", twin["faults"]},
                         {"predictions", twin["predictions"]}});
    }
  }
  std::stable_sort(at_risk.begin(), at_risk.end(), [](const json& a, const json& b) {
    return a["health"].get<int>() < b["health"].get<int>();
  });
  const std::size_t risky = at_risk.size();
  if (at_risk.size() > static_cast<std::size_t>(limit))
    at_risk.resize(static_cast<std::size_t>(limit));
  json distribution = json::array();
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    distribution.push_back(
        {{"from", i * 20}, {"to", i == 4 ? 100 : i * 20 + 19}, {"machines", buckets[i]}});
  }
  json out = {{"machines", twins.size()},
              {"by_site_kind", std::move(by_kind)},
              {"health", std::move(distribution)},
              {"at_risk_total", risky},
              {"at_risk", std::move(at_risk)}};
  return json_response(200, out.dump());
}

}  // namespace wm::gateway
