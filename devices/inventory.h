// The fleet inventory of API.md: orgs, sites (with their contract), devices.
// Parsed from untrusted JSON and validated as a whole: every error names the bad entry
// (e.g. field "sites[3].kind" or "devices[wm-0007].site"). No I/O: callers read files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/fault_kind.h"
#include "protocols/result.h"

namespace wm::devices {

enum class OrgType : std::uint8_t { kOperator, kProperty };
std::string_view to_string(OrgType type);  // "operator", "property"
std::optional<OrgType> org_type_from_string(std::string_view name);

enum class Protocol : std::uint8_t { kWmJsonV1, kHxBinary, kTbGateway };
std::string_view to_string(Protocol protocol);  // "wm-json-v1", "hx-binary", "tb-gateway"
std::optional<Protocol> protocol_from_string(std::string_view name);

struct Org {
  std::string id;
  OrgType type = OrgType::kOperator;
  std::string name;
  std::string webhook;  // optional notification URL, empty when none
  bool operator==(const Org&) const = default;
};

// Per-site service contract: cells of the responsibility matrix that differ from the
// defaults, the org that arbitrates disputes, and the site's own auto-approval limit of
// refunds (DESIGN.md "Cards and refunds"; absent: the gateway's default, 2000 fen).
struct Contract {
  std::map<FaultKind, Party> overrides;
  std::string arbiter;  // org id; empty when the contract names none
  // Refunds up to this many fen are approved automatically: 0 to 10000000, 0 = never.
  std::optional<std::int64_t> refund_auto_limit_fen;
  bool operator==(const Contract&) const = default;
};

struct Site {
  std::string id;
  std::string name;
  SiteKind kind = SiteKind::kSchool;
  std::string operator_org;         // org id of type operator
  std::string property_org;         // org id of type property
  int utc_offset_min = 480;         // "+08:00" -> 480
  int business_start_min = 8 * 60;  // "08:00-20:00": minutes after local midnight
  int business_end_min = 20 * 60;
  Contract contract;
  bool operator==(const Site&) const = default;
};

struct Device {
  std::string id;
  std::string site;  // site id
  Protocol protocol = Protocol::kWmJsonV1;
  std::string model;
  std::optional<std::int64_t> filter_rated_l;
  bool operator==(const Device&) const = default;
};

// A validated inventory. Lookups are O(log n) or better; iteration is in id order.
class Inventory {
 public:
  // Parses and validates the API.md JSON document. Error codes: "malformed_json",
  // "missing_field", "wrong_type", "bad_id", "out_of_range" (bad enum/offset/hours),
  // "duplicate_id", "unknown_reference" (a site naming an org that is not there or of the
  // wrong type, a device naming an unknown site). `field` names the entry.
  // Each of "orgs", "sites", "devices" may be absent (empty); null counts as absent for
  // optional fields; unknown fields are ignored.
  [[nodiscard]] static Result<Inventory> parse(std::string_view json);

  // Like parse(), but checks each entry on its own and not the references between
  // entries: a run-time update may add a device to a site that only the running
  // inventory holds. The result is meant for merge(), which checks the merged whole.
  [[nodiscard]] static Result<Inventory> parse_fragment(std::string_view json);

  // Merges `other` into this inventory: entries with a known id replace the old ones
  // whole (a site sent without "contract" loses its contract), new ids are added;
  // nothing is removed. The merged whole must validate ("unknown_reference", field
  // like "devices[wm-0007].site"); on error nothing changes.
  [[nodiscard]] Status merge(const Inventory& other);

  // Serializes back to the API.md document (parse(to_json()) == *this).
  std::string to_json() const;

  const Org* org(std::string_view id) const;
  const Site* site(std::string_view id) const;
  const Device* device(std::string_view id) const;

  const std::map<std::string, Org, std::less<>>& orgs() const { return orgs_; }
  const std::map<std::string, Site, std::less<>>& sites() const { return sites_; }
  const std::map<std::string, Device, std::less<>>& devices() const { return devices_; }

  bool operator==(const Inventory&) const = default;

 private:
  [[nodiscard]] Status validate() const;

  std::map<std::string, Org, std::less<>> orgs_;
  std::map<std::string, Site, std::less<>> sites_;
  std::map<std::string, Device, std::less<>> devices_;
};

}  // namespace wm::devices
