#include "gateway/twin_annotations.h"

#include "devices/health_score.h"
#include "gateway/ticket_service.h"
#include "gateway/time_format.h"

namespace wm::gateway {

OpenTicketIndex OpenTicketIndex::read(const TicketService* tickets) {
  OpenTicketIndex index;
  if (tickets == nullptr) return index;
  tickets::TicketFilter open;
  open.open_only = true;
  for (const auto& t : tickets->store().list(open)) {
    auto& m = index.machines[t.device_id];
    m.locked = m.locked || t.machine_locked;
    if (t.source != tickets::Source::kPredicted) m.kinds.push_back(t.kind);
  }
  return index;
}

void annotate_twin(nlohmann::json& twin, const OpenTicketIndex& open,
                   const TicketService* tickets) {
  const std::string id = twin.at("id").get<std::string>();
  std::vector<devices::FaultKind> kinds;
  for (const auto& f : twin.at("faults")) {
    if (auto k = devices::fault_kind_from_string(f.at("kind").get<std::string>())) {
      kinds.push_back(*k);
    }
  }
  bool locked = false;
  if (auto it = open.machines.find(id); it != open.machines.end()) {
    kinds.insert(kinds.end(), it->second.kinds.begin(), it->second.kinds.end());
    locked = it->second.locked;
  }
  twin["locked"] = locked;
  if (tickets == nullptr) return;
  const auto predictions = tickets->predictions_of(id);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : predictions) {
    nlohmann::json j = {{"kind", devices::to_string(p.kind)},
                        {"eta", format_rfc3339(p.eta_ms)},
                        {"confidence", p.confidence},
                        {"evidence", p.evidence}};
    if (p.litres_left) j["litres_left"] = *p.litres_left;
    list.push_back(std::move(j));
  }
  twin["predictions"] = std::move(list);
  twin["health"] = devices::health_score(kinds, predictions, tickets->now_ms());
}

}  // namespace wm::gateway
