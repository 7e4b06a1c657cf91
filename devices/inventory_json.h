// Internal to devices/: the JSON form of one inventory entry (API.md), both ways.
// Readers check one entry on its own (types, id syntax, enums, ranges) and name the
// offending field under the entry's path, e.g. "sites[2].utc_offset". References between
// entries are Inventory::validate()'s business. Not part of the public API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "devices/inventory.h"
#include "protocols/result.h"

namespace wm::devices::inventory_json {

// `entry` must be a JSON object; `path` is how errors name it ("orgs[0]").
[[nodiscard]] Result<Org> read_org(const nlohmann::json& entry, const std::string& path);
[[nodiscard]] Result<Site> read_site(const nlohmann::json& entry, const std::string& path);
[[nodiscard]] Result<Device> read_device(const nlohmann::json& entry, const std::string& path);

// The API.md object of each entry, keys in the document's order. Defaults are written
// out (utc_offset, business_hours); absent optional values are left out.
nlohmann::ordered_json write_org(const Org& org);
nlohmann::ordered_json write_site(const Site& site);
nlohmann::ordered_json write_device(const Device& device);

// "+08:00" <-> 480; "08:00-20:00" <-> {480, 1200}. Exposed for the tests and for
// callers that print a site's local time.
std::string format_utc_offset(int minutes);
std::string format_business_hours(int start_min, int end_min);

// A value for an error message: strings quoted, long values cut at a UTF-8 boundary so
// the message stays valid UTF-8 (it ends up inside JSON error bodies).
std::string describe(const nlohmann::json& value);

}  // namespace wm::devices::inventory_json
