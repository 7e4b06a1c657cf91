// Reading and writing single inventory entries. Every check here is about one entry;
// the errors name the field ("sites[2].kind") and say what would have been accepted.
#include "devices/inventory_json.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocols/topic.h"

namespace wm::devices::inventory_json {
namespace {

using nlohmann::json;
using Failure = std::optional<Error>;  // nullopt: the field was read (or absent and optional)

constexpr int kMinUtcOffsetMin = -12 * 60;
constexpr int kMaxUtcOffsetMin = 14 * 60;
constexpr std::int64_t kMaxFilterRatedLitres = 10'000'000;
constexpr std::int64_t kMaxRefundAutoLimitFen = 10'000'000;  // 100,000 yuan
constexpr std::size_t kMaxDescribedChars = 64;
constexpr std::size_t kMaxWebhookChars = 2048;

std::string field_of(const std::string& path, std::string_view key) {
  return path + "." + std::string(key);
}

// Null counts as absent: producers in other languages write null for "not set".
const json* find_field(const json& entry, std::string_view key) {
  const auto it = entry.find(std::string(key));
  if (it == entry.end() || it->is_null()) return nullptr;
  return &*it;
}

Error missing(const std::string& path, std::string_view key, std::string_view expected) {
  return make_error(
      "missing_field", field_of(path, key),
      "required field \"" + std::string(key) + "\" is missing; expected " + std::string(expected));
}

Error wrong_type(const std::string& field, const json& got, std::string_view expected) {
  return make_error(
      "wrong_type", field,
      "expected " + std::string(expected) + ", got " + got.type_name() + " " + describe(got));
}

Error out_of_range(const std::string& field, const json& got, std::string_view expected) {
  return make_error("out_of_range", field,
                    describe(got) + " is not accepted; expected " + std::string(expected));
}

Failure required_string(const json& entry, const std::string& path, std::string_view key,
                        std::string_view expected, std::string& out) {
  const json* value = find_field(entry, key);
  if (value == nullptr) return missing(path, key, expected);
  if (!value->is_string()) return wrong_type(field_of(path, key), *value, expected);
  out = value->get<std::string>();
  return std::nullopt;
}

// `out` stays nullopt when the field is absent.
Failure optional_string(const json& entry, const std::string& path, std::string_view key,
                        std::string_view expected, std::optional<std::string>& out) {
  const json* value = find_field(entry, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) return wrong_type(field_of(path, key), *value, expected);
  out = value->get<std::string>();
  return std::nullopt;
}

// An id (the entry's own or a reference): 1 to 64 characters of [A-Za-z0-9_-]. An
// optional id that is absent leaves `out` empty.
Failure read_id(const json& entry, const std::string& path, std::string_view key, bool required,
                std::string& out) {
  constexpr std::string_view kExpected = "an id of 1 to 64 characters of [A-Za-z0-9_-]";
  std::optional<std::string> id;
  if (auto failure = optional_string(entry, path, key, kExpected, id)) return failure;
  if (!id) {
    if (required) return missing(path, key, kExpected);
    return std::nullopt;
  }
  if (!protocols::is_valid_id(*id)) {
    return make_error(
        "bad_id", field_of(path, key),
        describe(json(*id)) + " is not a valid id; expected " + std::string(kExpected));
  }
  out = std::move(*id);
  return std::nullopt;
}

// A string naming one of an enum's values; `parse` maps the name to the value.
template <class Enum, class Parse>
Failure read_enum(const json& entry, const std::string& path, std::string_view key,
                  std::string_view expected, Parse parse, Enum& out) {
  std::string name;
  if (auto failure = required_string(entry, path, key, expected, name)) return failure;
  const std::optional<Enum> value = parse(name);
  if (!value) return out_of_range(field_of(path, key), json(name), expected);
  out = *value;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "HH:MM" at text[pos..pos+5) -> hours and minutes (not range-checked).
bool read_clock(std::string_view text, std::size_t pos, int& hours, int& minutes) {
  if (text.size() < pos + 5) return false;
  const std::string_view t = text.substr(pos, 5);
  if (!is_digit(t[0]) || !is_digit(t[1]) || t[2] != ':' || !is_digit(t[3]) || !is_digit(t[4])) {
    return false;
  }
  hours = (t[0] - '0') * 10 + (t[1] - '0');
  minutes = (t[3] - '0') * 10 + (t[4] - '0');
  return true;
}

std::optional<int> parse_utc_offset(std::string_view text) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  int hours = 0;
  int minutes = 0;
  if (!read_clock(text, 1, hours, minutes) || minutes > 59) return std::nullopt;
  const int total = (text[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
  if (total < kMinUtcOffsetMin || total > kMaxUtcOffsetMin) return std::nullopt;
  return total;
}

// "HH:MM-HH:MM", start before end; "24:00" is allowed as an end (a whole day).
bool parse_business_hours(std::string_view text, int& start_min, int& end_min) {
  int sh = 0, sm = 0, eh = 0, em = 0;
  if (text.size() != 11 || text[5] != '-') return false;
  if (!read_clock(text, 0, sh, sm) || !read_clock(text, 6, eh, em)) return false;
  if (sh > 23 || sm > 59 || em > 59 || eh > 24 || (eh == 24 && em != 0)) return false;
  start_min = sh * 60 + sm;
  end_min = eh * 60 + em;
  return start_min < end_min;
}

// "HH:MM" of minutes after midnight (0..1440).
std::string clock_text(int total_min) {
  std::string text = "00:00";
  text[0] = static_cast<char>('0' + total_min / 600);
  text[1] = static_cast<char>('0' + (total_min / 60) % 10);
  text[3] = static_cast<char>('0' + (total_min % 60) / 10);
  text[4] = static_cast<char>('0' + total_min % 10);
  return text;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.' ||
         c == '_';
}

bool iequals_prefix(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// Why `url` cannot be a webhook, or nullopt when it can: an http or https URL of printable
// ASCII with a host name or IP literal and an optional port. The gateway POSTs to it, so
// what the HTTP client would refuse later is refused here, where a person reads the error.
std::optional<std::string> webhook_problem(std::string_view url) {
  if (url.size() > kMaxWebhookChars) {
    return "it is " + std::to_string(url.size()) + " characters long";
  }
  for (const char c : url) {
    if (c <= 0x20 || c > 0x7E) return std::string("it contains a space, control or non-ASCII byte");
  }
  std::size_t scheme_end = 0;
  if (iequals_prefix(url, "http://")) {
    scheme_end = 7;
  } else if (iequals_prefix(url, "https://")) {
    scheme_end = 8;
  } else {
    return std::string("the scheme is not http:// or https://");
  }
  std::string_view authority = url.substr(scheme_end);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // user:password@ is passed on as written
  }
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {  // IPv6 literal, "[::1]:8080"
    const auto close = host.find(']');
    if (close == std::string_view::npos || close == 1)
      return std::string("the IPv6 host is malformed");
    for (const char c : host.substr(1, close - 1)) {
      const bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return std::string("the IPv6 host is malformed");
    }
    const std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return std::string("the IPv6 host is malformed");
    if (!rest.empty()) port = rest.substr(1);
    if (!rest.empty() && port.empty()) return std::string("the port is empty");
  } else {
    if (const auto colon = host.find(':'); colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return std::string("the port is empty");
    }
    if (host.empty()) return std::string("it has no host");
    for (const char c : host) {
      if (!is_host_char(c)) return "the host contains '" + std::string(1, c) + "'";
    }
    if (host.starts_with('.') || host.find("..") != std::string_view::npos) {
      return std::string("the host has an empty label");
    }
  }
  if (!port.empty()) {
    int value = 0;
    for (const char c : port) {
      if (!is_digit(c) || value > 65535)
        return std::string("the port is not a number from 1 to 65535");
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return std::string("the port is not a number from 1 to 65535");
  }
  return std::nullopt;
}

std::string fault_kind_choices() {
  std::string out = "one of ";
  for (const FaultKind kind : all_fault_kinds()) {
    if (kind != all_fault_kinds().front()) out += ", ";
    out += to_string(kind);
  }
  return out;
}

Failure read_contract(const json& site, const std::string& path, Contract& out) {
  const json* contract = find_field(site, "contract");
  if (contract == nullptr) return std::nullopt;
  const std::string contract_path = field_of(path, "contract");
  if (!contract->is_object()) {
    return wrong_type(contract_path, *contract, "an object with \"overrides\" and \"arbiter\"");
  }
  if (const json* overrides = find_field(*contract, "overrides")) {
    const std::string overrides_path = field_of(contract_path, "overrides");
    if (!overrides->is_object()) {
      return wrong_type(overrides_path, *overrides,
                        "an object mapping fault kinds to \"operator\" or \"property\"");
    }
    for (const auto& [name, party_json] : overrides->items()) {
      const std::string cell = field_of(overrides_path, name);
      const std::optional<FaultKind> kind = fault_kind_from_string(name);
      if (!kind) {
        return make_error(
            "out_of_range", cell,
            "unknown fault kind " + describe(json(name)) + "; expected " + fault_kind_choices());
      }
      if (!party_json.is_string()) {
        return wrong_type(cell, party_json, "\"operator\" or \"property\"");
      }
      const std::optional<Party> party = party_from_string(party_json.get<std::string>());
      if (!party) return out_of_range(cell, party_json, "\"operator\" or \"property\"");
      out.overrides[*kind] = *party;
    }
  }
  if (const json* limit = find_field(*contract, "refund_auto_limit_fen")) {
    const std::string field = field_of(contract_path, "refund_auto_limit_fen");
    constexpr std::string_view kLimit = "a whole number of fen from 0 to 10000000";
    if (!limit->is_number_integer()) return wrong_type(field, *limit, kLimit);
    // Unsigned JSON numbers above INT64_MAX would wrap in get<int64_t>().
    if (limit->is_number_unsigned() &&
        limit->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxRefundAutoLimitFen)) {
      return out_of_range(field, *limit, kLimit);
    }
    const auto fen = limit->get<std::int64_t>();
    if (fen < 0 || fen > kMaxRefundAutoLimitFen) return out_of_range(field, *limit, kLimit);
    out.refund_auto_limit_fen = fen;
  }
  return read_id(*contract, contract_path, "arbiter", /*required=*/false, out.arbiter);
}

}  // namespace

std::string describe(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  bool cut = false;
  if (text.size() > kMaxDescribedChars) {
    std::size_t end = kMaxDescribedChars;
    // Step back over UTF-8 continuation bytes so a character is never split.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
    text.resize(end);
    cut = true;
  }
  if (value.is_string())
    text = "\"" + text + (cut ? "...\"" : "\"");
  else if (cut)
    text += "...";
  return text;
}

std::string format_utc_offset(int minutes) {
  const int magnitude = minutes < 0 ? -minutes : minutes;
  return (minutes < 0 ? "-" : "+") + clock_text(magnitude);
}

std::string format_business_hours(int start_min, int end_min) {
  return clock_text(start_min) + "-" + clock_text(end_min);
}

Result<Org> read_org(const json& entry, const std::string& path) {
  Org org;
  if (auto f = read_id(entry, path, "id", /*required=*/true, org.id)) return *f;
  if (auto f = read_enum(entry, path, "type", "\"operator\" or \"property\"", org_type_from_string,
                         org.type)) {
    return *f;
  }
  if (auto f = required_string(entry, path, "name", "a non-empty string", org.name)) return *f;
  if (org.name.empty()) return out_of_range(field_of(path, "name"), json(""), "a non-empty name");

  constexpr std::string_view kUrl =
      "an http:// or https:// URL with a host and an optional port, at most 2048 printable "
      "ASCII characters (percent-encode the others), e.g. \"https://ops.example/hooks/wm\"";
  std::optional<std::string> webhook;
  if (auto f = optional_string(entry, path, "webhook", kUrl, webhook)) return *f;
  if (webhook) {
    if (const std::optional<std::string> problem = webhook_problem(*webhook)) {
      return make_error("out_of_range", field_of(path, "webhook"),
                        describe(json(*webhook)) + " is not accepted (" + *problem +
                            "); expected " + std::string(kUrl));
    }
    org.webhook = std::move(*webhook);
  }
  return org;
}

Result<Site> read_site(const json& entry, const std::string& path) {
  Site site;
  if (auto f = read_id(entry, path, "id", /*required=*/true, site.id)) return *f;
  if (auto f = required_string(entry, path, "name", "a non-empty string", site.name)) return *f;
  if (site.name.empty()) return out_of_range(field_of(path, "name"), json(""), "a non-empty name");
  if (auto f = read_enum(entry, path, "kind", "one of school, community, mall",
                         site_kind_from_string, site.kind)) {
    return *f;
  }
  if (auto f = read_id(entry, path, "operator", /*required=*/true, site.operator_org)) return *f;
  if (auto f = read_id(entry, path, "property", /*required=*/true, site.property_org)) return *f;

  constexpr std::string_view kOffset = "\"+HH:MM\" or \"-HH:MM\" from -12:00 to +14:00";
  std::optional<std::string> offset;
  if (auto f = optional_string(entry, path, "utc_offset", kOffset, offset)) return *f;
  if (offset) {
    const std::optional<int> minutes = parse_utc_offset(*offset);
    if (!minutes) return out_of_range(field_of(path, "utc_offset"), json(*offset), kOffset);
    site.utc_offset_min = *minutes;
  }

  constexpr std::string_view kHours =
      "\"HH:MM-HH:MM\" with start before end (end may be 24:00), e.g. \"08:00-20:00\"";
  std::optional<std::string> hours;
  if (auto f = optional_string(entry, path, "business_hours", kHours, hours)) return *f;
  if (hours && !parse_business_hours(*hours, site.business_start_min, site.business_end_min)) {
    return out_of_range(field_of(path, "business_hours"), json(*hours), kHours);
  }

  if (auto f = read_contract(entry, path, site.contract)) return *f;
  return site;
}

Result<Device> read_device(const json& entry, const std::string& path) {
  Device device;
  if (auto f = read_id(entry, path, "id", /*required=*/true, device.id)) return *f;
  if (auto f = read_id(entry, path, "site", /*required=*/true, device.site)) return *f;
  if (auto f = read_enum(entry, path, "protocol", "one of wm-json-v1, hx-binary, tb-gateway",
                         protocol_from_string, device.protocol)) {
    return *f;
  }
  std::optional<std::string> model;
  if (auto f = optional_string(entry, path, "model", "a string", model)) return *f;
  if (model) device.model = std::move(*model);

  if (const json* rated = find_field(entry, "filter_rated_l")) {
    const std::string field = field_of(path, "filter_rated_l");
    constexpr std::string_view kRated = "a whole number of litres from 1 to 10000000";
    if (!rated->is_number_integer()) return wrong_type(field, *rated, kRated);
    // Unsigned JSON numbers above INT64_MAX would wrap in get<int64_t>().
    if (rated->is_number_unsigned() &&
        rated->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxFilterRatedLitres)) {
      return out_of_range(field, *rated, kRated);
    }
    const auto litres = rated->get<std::int64_t>();
    if (litres < 1 || litres > kMaxFilterRatedLitres) return out_of_range(field, *rated, kRated);
    device.filter_rated_l = litres;
  }
  return device;
}

nlohmann::ordered_json write_org(const Org& org) {
  nlohmann::ordered_json out;
  out["id"] = org.id;
  out["type"] = to_string(org.type);
  out["name"] = org.name;
  if (!org.webhook.empty()) out["webhook"] = org.webhook;
  return out;
}

nlohmann::ordered_json write_site(const Site& site) {
  nlohmann::ordered_json out;
  out["id"] = site.id;
  out["name"] = site.name;
  out["kind"] = to_string(site.kind);
  out["operator"] = site.operator_org;
  out["property"] = site.property_org;
  out["utc_offset"] = format_utc_offset(site.utc_offset_min);
  out["business_hours"] = format_business_hours(site.business_start_min, site.business_end_min);
  if (site.contract != Contract{}) {
    nlohmann::ordered_json overrides = nlohmann::ordered_json::object();
    for (const auto& [kind, party] : site.contract.overrides) {
      overrides[std::string(to_string(kind))] = to_string(party);
    }
    nlohmann::ordered_json contract;
    contract["overrides"] = std::move(overrides);
    if (!site.contract.arbiter.empty()) contract["arbiter"] = site.contract.arbiter;
    if (site.contract.refund_auto_limit_fen) {
      contract["refund_auto_limit_fen"] = *site.contract.refund_auto_limit_fen;
    }
    out["contract"] = std::move(contract);
  }
  return out;
}

nlohmann::ordered_json write_device(const Device& device) {
  nlohmann::ordered_json out;
  out["id"] = device.id;
  out["site"] = device.site;
  out["protocol"] = to_string(device.protocol);
  if (!device.model.empty()) out["model"] = device.model;
  if (device.filter_rated_l) out["filter_rated_l"] = *device.filter_rated_l;
  return out;
}

}  // namespace wm::devices::inventory_json
