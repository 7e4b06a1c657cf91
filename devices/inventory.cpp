// The inventory document as a whole: sections, duplicate ids, references between
// entries, merging and writing back. Single entries are read in inventory_json.cpp.
#include "devices/inventory.h"

#include <array>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "devices/inventory_json.h"

namespace wm::devices {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kProtocolNames = {"wm-json-v1", "hx-binary",
                                                            "tb-gateway"};

// nlohmann's parse message, without its "[json.exception...]" prefix and with anything
// outside printable ASCII replaced: it quotes the input, which may not be UTF-8.
std::string parse_error_text(const json::parse_error& error) {
  std::string text = error.what();
  if (const auto end = text.find("] "); text.starts_with("[json.exception") && end != text.npos) {
    text.erase(0, end + 2);
  }
  for (char& c : text) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return text;
}

// Reads one of the top-level arrays into `out`, keyed by id. Absent or null: empty.
template <class Entry, class Read>
std::optional<Error> read_section(const json& doc, const std::string& section,
                                  std::string_view noun, Read read,
                                  std::map<std::string, Entry, std::less<>>& out) {
  const auto it = doc.find(section);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) {
    return make_error(
        "wrong_type", section,
        "expected an array of " + std::string(noun) + " objects, got " + it->type_name());
  }
  std::map<std::string, std::size_t, std::less<>> first_index;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& entry = (*it)[i];
    const std::string path = section + "[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      return make_error("wrong_type", path,
                        "expected a " + std::string(noun) + " object, got " + entry.type_name() +
                            " " + inventory_json::describe(entry));
    }
    Result<Entry> parsed = read(entry, path);
    if (!parsed.ok()) return parsed.error();
    const auto [seen, inserted] = first_index.emplace(parsed->id, i);
    if (!inserted) {
      return make_error("duplicate_id", path + ".id",
                        std::string(noun) + " id \"" + parsed->id + "\" appears twice, at " +
                            section + "[" + std::to_string(seen->second) + "] and " + path +
                            "; ids must be unique within one document");
    }
    std::string id = parsed->id;
    out.emplace(std::move(id), std::move(parsed).value());
  }
  return std::nullopt;
}

Error unknown_reference(std::string field, const std::string& what, const std::string& id,
                        std::string_view add) {
  return make_error("unknown_reference", std::move(field),
                    what + " \"" + id + "\", which is not in the inventory; add the " +
                        std::string(add) + " or correct the id");
}

}  // namespace

std::string_view to_string(OrgType type) {
  return type == OrgType::kOperator ? "operator" : "property";
}

std::optional<OrgType> org_type_from_string(std::string_view name) {
  if (name == "operator") return OrgType::kOperator;
  if (name == "property") return OrgType::kProperty;
  return std::nullopt;
}

std::string_view to_string(Protocol protocol) {
  const auto index = static_cast<std::size_t>(protocol);
  if (index >= kProtocolNames.size()) std::abort();  // a cast of garbage, not input
  return kProtocolNames[index];
}

std::optional<Protocol> protocol_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kProtocolNames.size(); ++i) {
    if (kProtocolNames[i] == name) return static_cast<Protocol>(i);
  }
  return std::nullopt;
}

Result<Inventory> Inventory::parse(std::string_view json_text) {
  Result<Inventory> inventory = parse_fragment(json_text);
  if (!inventory.ok()) return inventory;
  if (Status valid = inventory->validate(); !valid.ok()) return valid.error();
  return inventory;
}

Result<Inventory> Inventory::parse_fragment(std::string_view json_text) {
  constexpr std::string_view kShape =
      "expected a JSON object with \"orgs\", \"sites\" and \"devices\" arrays (API.md)";
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& error) {
    return make_error("malformed_json", "",
                      "the inventory is not valid JSON (" + parse_error_text(error) + "); " +
                          std::string(kShape));
  }
  if (!doc.is_object()) {
    return make_error(
        "malformed_json", "",
        "the inventory is a JSON " + std::string(doc.type_name()) + "; " + std::string(kShape));
  }
  Inventory inventory;
  if (auto e = read_section(doc, "orgs", "org", inventory_json::read_org, inventory.orgs_)) {
    return *e;
  }
  if (auto e = read_section(doc, "sites", "site", inventory_json::read_site, inventory.sites_)) {
    return *e;
  }
  if (auto e =
          read_section(doc, "devices", "device", inventory_json::read_device, inventory.devices_)) {
    return *e;
  }
  return inventory;
}

Status Inventory::validate() const {
  // Checks one org reference of a site: present, and of the type its role needs.
  auto check_party_org = [this](const Site& site, std::string_view key, const std::string& id,
                                OrgType type) -> std::optional<Error> {
    const std::string field = "sites[" + site.id + "]." + std::string(key);
    const Org* named = org(id);
    if (named == nullptr) {
      return unknown_reference(field, "site " + site.id + " names " + std::string(key) + " org", id,
                               "org");
    }
    if (named->type != type) {
      return make_error("unknown_reference", field,
                        "site " + site.id + " names \"" + id + "\" as its " + std::string(key) +
                            ", but that org has type \"" + std::string(to_string(named->type)) +
                            "\"; expected an org of type \"" + std::string(to_string(type)) + "\"");
    }
    return std::nullopt;
  };

  for (const auto& [id, site] : sites_) {
    if (auto e = check_party_org(site, "operator", site.operator_org, OrgType::kOperator)) {
      return *e;
    }
    if (auto e = check_party_org(site, "property", site.property_org, OrgType::kProperty)) {
      return *e;
    }
    const std::string& arbiter = site.contract.arbiter;
    if (!arbiter.empty() && org(arbiter) == nullptr) {
      return unknown_reference("sites[" + id + "].contract.arbiter",
                               "the contract of site " + id + " names arbiter", arbiter, "org");
    }
  }
  for (const auto& [id, device] : devices_) {
    if (site(device.site) == nullptr) {
      return unknown_reference("devices[" + id + "].site", "device " + id + " names site",
                               device.site, "site");
    }
  }
  return Ok{};
}

Status Inventory::merge(const Inventory& other) {
  // Work on a copy so that a failed merge leaves *this exactly as it was.
  Inventory merged = *this;
  for (const auto& [id, entry] : other.orgs_) merged.orgs_.insert_or_assign(id, entry);
  for (const auto& [id, entry] : other.sites_) merged.sites_.insert_or_assign(id, entry);
  for (const auto& [id, entry] : other.devices_) merged.devices_.insert_or_assign(id, entry);
  if (Status valid = merged.validate(); !valid.ok()) return valid;
  *this = std::move(merged);
  return Ok{};
}

std::string Inventory::to_json() const {
  nlohmann::ordered_json doc;
  doc["orgs"] = nlohmann::ordered_json::array();
  doc["sites"] = nlohmann::ordered_json::array();
  doc["devices"] = nlohmann::ordered_json::array();
  for (const auto& [id, entry] : orgs_) doc["orgs"].push_back(inventory_json::write_org(entry));
  for (const auto& [id, entry] : sites_) doc["sites"].push_back(inventory_json::write_site(entry));
  for (const auto& [id, entry] : devices_) {
    doc["devices"].push_back(inventory_json::write_device(entry));
  }
  return doc.dump(2);
}

const Org* Inventory::org(std::string_view id) const {
  const auto it = orgs_.find(id);
  return it == orgs_.end() ? nullptr : &it->second;
}

const Site* Inventory::site(std::string_view id) const {
  const auto it = sites_.find(id);
  return it == sites_.end() ? nullptr : &it->second;
}

const Device* Inventory::device(std::string_view id) const {
  const auto it = devices_.find(id);
  return it == devices_.end() ? nullptr : &it->second;
}

}  // namespace wm::devices
