#include "simulator/inventory_generator.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/seeded_random.h"
#include "simulator/usage_curve.h"

namespace wm::sim {
namespace {

using nlohmann::ordered_json;

constexpr std::size_t kSitesPerPropertyOrg = 4;

constexpr std::array<std::string_view, 20> kDistricts = {
    "Haidian", "Chaoyang", "Xicheng", "Dongcheng", "Fengtai",  "Tongzhou", "Changping",
    "Daxing",  "Pudong",   "Xuhui",   "Minhang",   "Jing'an",  "Tianhe",   "Nanshan",
    "Futian",  "Jiangbei", "Yuelu",   "Wuhou",     "Binjiang", "Gulou"};
constexpr std::array<std::string_view, 18> kEstateWords = {
    "Sunrise",   "Jade",        "Golden Bay", "Lakeview",     "Peony",         "Harmony",
    "Evergreen", "Riverside",   "Osmanthus",  "Plum Blossom", "Spring Breeze", "Bamboo Grove",
    "Lotus",     "Pearl River", "Century",    "Hope",         "Happiness",     "Prosperity"};
constexpr std::array<std::string_view, 10> kMallBrands = {
    "Wanda Plaza",       "Joy City",     "Wuyue Plaza",     "MixC",
    "Raffles City",      "Intime City",  "Hang Lung Plaza", "Vientiane City",
    "Golden Eagle Mall", "Paradise Walk"};
constexpr std::array<std::string_view, 5> kOperators = {
    "Clearwater Ops", "Blue Spring Water Services", "Jade Fountain Operations",
    "Pure Source Vending", "Crystal Stream Co."};
constexpr std::array<std::string_view, 8> kPropertyCompanies = {
    "Sunrise Property",        "Greenland Property Services",
    "Vanke Property Services", "Country Garden Property",
    "Longfor Smart Services",  "Poly Property",
    "China Overseas Property", "Jinmao Property"};

template <std::size_t N>
std::string_view pick(SeededRandom& random, const std::array<std::string_view, N>& words) {
  return words[static_cast<std::size_t>(random.uniform_int(0, static_cast<std::int64_t>(N) - 1))];
}

SiteKind draw_kind(SeededRandom& random, std::size_t site_index) {
  // The first three sites cover every kind, so even a small fleet has all three.
  if (site_index < 3) return static_cast<SiteKind>(site_index);
  const double u = random.uniform();
  if (u < 0.40) return SiteKind::kSchool;
  if (u < 0.75) return SiteKind::kCommunity;
  return SiteKind::kMall;
}

// Sites of one property org share its district (a district's schools) or its brand
// (a mall chain's plazas).
struct PropertyContext {
  std::string id;
  std::string operator_id;  // the operator this property org contracts
  std::string_view district;
  std::string_view brand;
};

std::string draw_site_name(SeededRandom& random, SiteKind kind, const PropertyContext& owner) {
  const auto n = std::to_string(random.uniform_int(1, 120));
  const auto k = std::to_string(random.uniform_int(1, 9));
  switch (kind) {
    case SiteKind::kSchool: {
      const std::string district(owner.district);
      switch (random.uniform_int(0, 4)) {
        case 0:
          return district + " No. " + n + " Middle School";
        case 1:
          return "No. " + n + " Primary School (" + district + ")";
        case 2:
          return district + " Experimental School";
        case 3:
          return district + " Foreign Language School";
        default:
          return district + " No. " + n + " High School";
      }
    }
    case SiteKind::kCommunity: {
      const std::string estate(pick(random, kEstateWords));
      switch (random.uniform_int(0, 3)) {
        case 0:
          return estate + " Garden Block " + k;
        case 1:
          return estate + " Garden";
        case 2:
          return estate + " Residence Phase " + k;
        default:
          return estate + " Apartments (" + std::string(pick(random, kDistricts)) + ")";
      }
    }
    case SiteKind::kMall:
      break;
  }
  const std::string brand(owner.brand);
  return random.chance(0.3) ? brand : brand + " (" + std::string(pick(random, kDistricts)) + ")";
}

std::string unique_site_name(SeededRandom& random, SiteKind kind, const PropertyContext& owner,
                             std::set<std::string>& used) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::string name = draw_site_name(random, kind, owner);
    if (used.insert(name).second) return name;
  }
  // A big fleet runs out of short names: number the rest.
  std::string base = draw_site_name(random, kind, owner);
  for (std::size_t branch = 2;; ++branch) {
    std::string name = base + " Branch " + std::to_string(branch);
    if (used.insert(name).second) return name;
  }
}

std::string property_org_name(SeededRandom& random, SiteKind kind, std::size_t ordinal) {
  switch (kind) {
    case SiteKind::kSchool:
      return std::string(kDistricts[ordinal % kDistricts.size()]) +
             " District Education Logistics Office";
    case SiteKind::kCommunity:
      return ordinal < kPropertyCompanies.size()
                 ? std::string(kPropertyCompanies[ordinal])
                 : std::string(pick(random, kEstateWords)) + " Property Management " +
                       std::to_string(ordinal + 1);
    case SiteKind::kMall:
      break;
  }
  return std::string(kMallBrands[ordinal % kMallBrands.size()]) + " Commercial Management" +
         (ordinal < kMallBrands.size() ? "" : " " + std::to_string(ordinal + 1));
}

ordered_json draw_contract(SeededRandom& random, SiteKind kind, const std::string& operator_id,
                           const std::string& property_id) {
  ordered_json overrides = ordered_json::object();
  if (random.chance(0.35)) {
    switch (kind) {
      case SiteKind::kSchool:
        // The school lets the operator run the card desk.
        overrides["card_service"] = "operator";
        break;
      case SiteKind::kCommunity:
        // Cleaning is included in the operator's service fee.
        overrides["cleaning_due"] = "operator";
        break;
      case SiteKind::kMall:
        overrides["cleaning_due"] = "operator";
        if (random.chance(0.5)) overrides["water_supply"] = "operator";
        break;
    }
  }
  ordered_json contract;
  contract["overrides"] = std::move(overrides);
  // Schools and malls keep the final word; residential contracts defer to the operator.
  contract["arbiter"] = kind == SiteKind::kCommunity ? operator_id : property_id;
  return contract;
}

struct ModelChoice {
  const char* model;
  std::int64_t filter_rated_l;
};

ModelChoice draw_model(SeededRandom& random, SiteKind kind) {
  static constexpr ModelChoice kRo400{"RO-400", 6000};
  static constexpr ModelChoice kRo400Hot{"RO-400H", 6000};
  static constexpr ModelChoice kRo600{"RO-600", 8000};
  const double u = random.uniform();
  switch (kind) {
    case SiteKind::kSchool:
      return u < 0.8 ? kRo400 : kRo400Hot;
    case SiteKind::kCommunity:
      return u < 0.6 ? kRo400 : kRo600;
    case SiteKind::kMall:
      break;
  }
  return u < 0.7 ? kRo600 : kRo400Hot;
}

std::size_t digits(std::size_t n) { return std::to_string(n).size(); }

// Machines per site, in site order, summing to device_count.
std::vector<std::size_t> draw_site_sizes(SeededRandom& random, std::size_t device_count) {
  std::vector<std::size_t> sizes;
  std::size_t remaining = device_count;
  while (remaining > 0) {
    if (remaining <= kMaxMachinesPerSite) {
      sizes.push_back(remaining);
      break;
    }
    auto size = static_cast<std::size_t>(
        random.uniform_int(static_cast<std::int64_t>(kMinMachinesPerSite),
                           static_cast<std::int64_t>(kMaxMachinesPerSite)));
    // Never leave a remainder too small to be a site of its own.
    if (remaining - size < kMinMachinesPerSite) size = remaining - kMinMachinesPerSite;
    sizes.push_back(size);
    remaining -= size;
  }
  return sizes;
}

}  // namespace

std::string padded_id(std::string_view prefix, std::size_t number, std::size_t width) {
  std::string digits_text = std::to_string(number);
  if (digits_text.size() < width) digits_text.insert(0, width - digits_text.size(), '0');
  return std::string(prefix) + digits_text;
}

ordered_json generate_inventory(std::size_t device_count, std::uint64_t seed,
                                const ProtocolMix& mix) {
  SeededRandom random = SeededRandom::for_stream(seed, "inventory");
  const std::vector<std::size_t> sizes = draw_site_sizes(random, device_count);
  // A stream of its own, so that the mix changes nothing but the protocols.
  const std::vector<WireProtocol> protocols = assign_protocols(sizes, mix, seed);

  ordered_json orgs = ordered_json::array();
  const std::size_t operator_count =
      std::min<std::size_t>(2 + device_count / 5000, kOperators.size());
  for (std::size_t i = 0; i < operator_count; ++i) {
    orgs.push_back({{"id", "op-" + std::to_string(i + 1)},
                    {"type", "operator"},
                    {"name", std::string(kOperators[i])}});
  }

  ordered_json sites = ordered_json::array();
  ordered_json devices = ordered_json::array();
  const std::size_t site_width = std::max<std::size_t>(3, digits(sizes.size()));
  const std::size_t device_width = std::max<std::size_t>(5, digits(device_count));
  std::set<std::string> used_names;
  std::array<std::size_t, 3> sites_of_kind{};
  std::array<PropertyContext, 3> current_property;  // per kind, shared by a few sites
  std::size_t property_count = 0;
  std::size_t next_device = 1;

  for (std::size_t s = 0; s < sizes.size(); ++s) {
    const SiteKind kind = draw_kind(random, s);
    const auto k = static_cast<std::size_t>(kind);
    if (sites_of_kind[k] % kSitesPerPropertyOrg == 0) {
      const std::size_t ordinal = sites_of_kind[k] / kSitesPerPropertyOrg;
      PropertyContext& owner = current_property[k];
      owner.id = "pm-" + std::to_string(++property_count);
      owner.operator_id = "op-" + std::to_string(property_count % operator_count + 1);
      owner.district = kDistricts[ordinal % kDistricts.size()];
      owner.brand = kMallBrands[ordinal % kMallBrands.size()];
      orgs.push_back({{"id", owner.id},
                      {"type", "property"},
                      {"name", property_org_name(random, kind, ordinal)}});
    }
    ++sites_of_kind[k];
    // A property org contracts one operator for all its sites.
    const PropertyContext& owner = current_property[k];
    const std::string& property_id = owner.id;
    const std::string& operator_id = owner.operator_id;

    const std::string site_id = padded_id("s-", s + 1, site_width);
    ordered_json site;
    site["id"] = site_id;
    site["name"] = unique_site_name(random, kind, owner, used_names);
    site["kind"] = std::string(to_string(kind));
    site["operator"] = operator_id;
    site["property"] = property_id;
    site["utc_offset"] = "+08:00";
    site["business_hours"] = kind == SiteKind::kSchool ? "07:30-17:30"
                             : kind == SiteKind::kMall ? "10:00-22:00"
                                                       : "08:00-20:00";
    site["contract"] = draw_contract(random, kind, operator_id, property_id);
    sites.push_back(std::move(site));

    for (std::size_t d = 0; d < sizes[s]; ++d) {
      const ModelChoice model = draw_model(random, kind);
      const WireProtocol protocol = protocols[next_device - 1];
      devices.push_back({{"id", padded_id("wm-", next_device++, device_width)},
                         {"site", site_id},
                         {"protocol", std::string(to_string(protocol))},
                         {"model", model.model},
                         {"filter_rated_l", model.filter_rated_l}});
    }
  }

  ordered_json inventory;
  inventory["orgs"] = std::move(orgs);
  inventory["sites"] = std::move(sites);
  inventory["devices"] = std::move(devices);
  return inventory;
}

}  // namespace wm::sim
