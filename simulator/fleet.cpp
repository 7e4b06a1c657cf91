#include "simulator/fleet.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "protocols/topic.h"
#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using nlohmann::json;

Result<std::string> string_field(const json& object, const char* key, const std::string& where,
                                 bool required = true) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (!required) return std::string();
    return make_error("missing_field", where + "." + key,
                      "the inventory entry needs a " + std::string(key));
  }
  if (!it->is_string()) {
    return make_error("wrong_type", where + "." + key, std::string(key) + " must be a string");
  }
  return it->get<std::string>();
}

Result<std::string> id_field(const json& object, const std::string& where) {
  auto id = string_field(object, "id", where);
  if (!id.ok()) return id;
  if (!protocols::is_valid_id(*id)) {
    return make_error("bad_id", where + ".id",
                      "ids are 1 to 64 characters of [A-Za-z0-9_-], got \"" + *id + "\"");
  }
  return id;
}

const json* array_member(const json& doc, const char* key) {
  const auto it = doc.find(key);
  return it == doc.end() ? nullptr : &*it;
}

Status parse_sites(const json& doc, Fleet& fleet,
                   std::unordered_map<std::string, std::size_t>& index) {
  const json* sites = array_member(doc, "sites");
  if (sites == nullptr) return make_error("missing_field", "sites", "no sites in the inventory");
  if (!sites->is_array()) return make_error("wrong_type", "sites", "sites must be an array");
  for (std::size_t i = 0; i < sites->size(); ++i) {
    const json& entry = (*sites)[i];
    const std::string where = "sites[" + std::to_string(i) + "]";
    if (!entry.is_object()) return make_error("wrong_type", where, "a site must be an object");
    FleetSite site;
    auto id = id_field(entry, where);
    if (!id.ok()) return id.error();
    site.id = *id;
    auto name = string_field(entry, "name", where, false);
    if (!name.ok()) return name.error();
    site.name = *name;
    auto kind_name = string_field(entry, "kind", where);
    if (!kind_name.ok()) return kind_name.error();
    const auto kind = site_kind_from_string(*kind_name);
    if (!kind) {
      return make_error("out_of_range", where + ".kind",
                        "kind must be school, community or mall, got \"" + *kind_name + "\"");
    }
    site.kind = *kind;
    auto offset_text = string_field(entry, "utc_offset", where, false);
    if (!offset_text.ok()) return offset_text.error();
    if (!offset_text->empty()) {
      const auto offset = parse_utc_offset_min(*offset_text);
      if (!offset) {
        return make_error("out_of_range", where + ".utc_offset",
                          "utc_offset must look like \"+08:00\", got \"" + *offset_text + "\"");
      }
      site.utc_offset_min = *offset;
    }
    if (!index.emplace(site.id, fleet.sites.size()).second) {
      return make_error("duplicate_id", where + ".id", "site " + site.id + " appears twice");
    }
    fleet.sites.push_back(std::move(site));
  }
  return Ok{};
}

Status parse_machines(const json& doc, Fleet& fleet,
                      const std::unordered_map<std::string, std::size_t>& site_index) {
  const json* devices = array_member(doc, "devices");
  if (devices == nullptr) {
    return make_error("missing_field", "devices", "no devices in the inventory");
  }
  if (!devices->is_array()) return make_error("wrong_type", "devices", "devices must be an array");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < devices->size(); ++i) {
    const json& entry = (*devices)[i];
    const std::string where = "devices[" + std::to_string(i) + "]";
    if (!entry.is_object()) return make_error("wrong_type", where, "a device must be an object");
    auto id = id_field(entry, where);
    if (!id.ok()) return id.error();
    if (!seen.emplace(*id, i).second) {
      return make_error("duplicate_id", where + ".id", "device " + *id + " appears twice");
    }
    auto site_id = string_field(entry, "site", where);
    if (!site_id.ok()) return site_id.error();
    const auto site = site_index.find(*site_id);
    if (site == site_index.end()) {
      return make_error("unknown_reference", where + ".site",
                        "device " + *id + " names site " + *site_id + ", which is not listed");
    }
    auto protocol = string_field(entry, "protocol", where);
    if (!protocol.ok()) return protocol.error();
    const auto wire_protocol = wire_protocol_from_string(*protocol);
    if (!wire_protocol) {
      ++fleet.skipped_machines;
      continue;
    }
    FleetMachine machine;
    machine.protocol = *wire_protocol;
    machine.id = *id;
    machine.site = site->second;
    auto model = string_field(entry, "model", where, false);
    if (!model.ok()) return model.error();
    machine.model = model->empty() ? "RO-400" : *model;
    if (const auto rated = entry.find("filter_rated_l"); rated != entry.end()) {
      if (!rated->is_number_integer() || rated->get<std::int64_t>() <= 0) {
        return make_error("out_of_range", where + ".filter_rated_l",
                          "filter_rated_l must be a positive integer number of litres");
      }
      machine.filter_rated_l = rated->get<std::int64_t>();
    }
    fleet.machines.push_back(std::move(machine));
  }
  return Ok{};
}

}  // namespace

std::string card_token(std::size_t card_number) {
  std::string digits = std::to_string(card_number);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return "c-" + digits;
}

std::size_t count_machines(const Fleet& fleet, WireProtocol protocol) {
  return static_cast<std::size_t>(
      std::count_if(fleet.machines.begin(), fleet.machines.end(),
                    [protocol](const FleetMachine& m) { return m.protocol == protocol; }));
}

Fleet machines_speaking(const Fleet& fleet, WireProtocol protocol) {
  Fleet subset;
  subset.sites = fleet.sites;
  subset.skipped_machines = fleet.skipped_machines;
  for (const FleetMachine& m : fleet.machines) {
    if (m.protocol == protocol) subset.machines.push_back(m);
  }
  return subset;
}

Result<Fleet> parse_fleet(std::string_view inventory_json) {
  const json doc = json::parse(inventory_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return make_error("malformed_json", "", "the inventory is not a JSON object");
  }
  Fleet fleet;
  std::unordered_map<std::string, std::size_t> site_index;
  if (auto sites = parse_sites(doc, fleet, site_index); !sites.ok()) return sites.error();
  if (auto machines = parse_machines(doc, fleet, site_index); !machines.ok()) {
    return machines.error();
  }
  // Card pools in site order, sized by the machines a site has (at least one machine's
  // worth, so that a site whose machines were all skipped still has a pool).
  std::vector<std::size_t> machines_per_site(fleet.sites.size(), 0);
  for (const FleetMachine& m : fleet.machines) ++machines_per_site[m.site];
  std::size_t next_card = 1;
  for (std::size_t s = 0; s < fleet.sites.size(); ++s) {
    fleet.sites[s].first_card = next_card;
    fleet.sites[s].card_count = std::max<std::size_t>(machines_per_site[s], 1) * kCardsPerMachine;
    next_card += fleet.sites[s].card_count;
  }
  return fleet;
}

}  // namespace wm::sim
