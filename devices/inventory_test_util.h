// Test documents shared by the inventory tests: a valid inventory that uses every field,
// and builders for single entries. Test-only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wm::devices::testutil {

inline nlohmann::json site_json(const std::string& id, const std::string& kind,
                                const std::string& operator_org = "op-1",
                                const std::string& property_org = "pm-7") {
  return {{"id", id},
          {"name", "Site " + id},
          {"kind", kind},
          {"operator", operator_org},
          {"property", property_org}};
}

inline nlohmann::json device_json(const std::string& id, const std::string& site,
                                  const std::string& protocol = "wm-json-v1") {
  return {{"id", id}, {"site", site}, {"protocol", protocol}};
}

// Three orgs, two sites (one with a contract, one with a non-default offset and hours),
// three devices with all three protocols. Valid; every test spoils a copy.
inline nlohmann::json full_document() {
  return nlohmann::json::parse(R"({
    "orgs": [
      {"id": "op-1", "type": "operator", "name": "Clearwater Ops",
       "webhook": "https://ops.example/hooks/wm"},
      {"id": "pm-7", "type": "property", "name": "Sunrise Property"},
      {"id": "op-2", "type": "operator", "name": "Blue Spring Service"}
    ],
    "sites": [
      {"id": "s-001", "name": "No. 3 Middle School", "kind": "school",
       "operator": "op-1", "property": "pm-7", "utc_offset": "+08:00",
       "business_hours": "08:00-20:00",
       "contract": {"overrides": {"cleaning_due": "operator", "card_service": "operator"},
                    "arbiter": "op-1"}},
      {"id": "s-002", "name": "Harbour Mall", "kind": "mall",
       "operator": "op-2", "property": "pm-7", "utc_offset": "-05:30",
       "business_hours": "07:30-22:00"}
    ],
    "devices": [
      {"id": "wm-0001", "site": "s-001", "protocol": "wm-json-v1",
       "model": "RO-400", "filter_rated_l": 6000},
      {"id": "wm-0002", "site": "s-002", "protocol": "hx-binary"},
      {"id": "wm-0003", "site": "s-002", "protocol": "tb-gateway", "model": "TB-1"}
    ]
  })");
}

}  // namespace wm::devices::testutil
