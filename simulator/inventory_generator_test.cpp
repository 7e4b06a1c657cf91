#include "simulator/inventory_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "simulator/fleet.h"

namespace wm::sim {
namespace {

using nlohmann::ordered_json;

TEST(InventoryGeneratorTest, SameSeedSameDocument) {
  EXPECT_EQ(generate_inventory(300, 11).dump(), generate_inventory(300, 11).dump());
  EXPECT_NE(generate_inventory(300, 11).dump(), generate_inventory(300, 12).dump());
}

TEST(InventoryGeneratorTest, PaddedIds) {
  EXPECT_EQ(padded_id("wm-", 1, 5), "wm-00001");
  EXPECT_EQ(padded_id("s-", 1234, 3), "s-1234");
}

// Checks the document against API.md's inventory shape and the generator's promises.
void expect_valid_shape(const ordered_json& doc, std::size_t device_count) {
  ASSERT_TRUE(doc.is_object());
  std::map<std::string, std::string> org_types;
  for (const auto& org : doc.at("orgs")) {
    ASSERT_TRUE(org_types.emplace(org.at("id"), org.at("type")).second) << org.dump();
    EXPECT_TRUE(org.at("type") == "operator" || org.at("type") == "property");
    EXPECT_FALSE(org.at("name").get<std::string>().empty());
  }
  const std::regex site_id("s-[0-9]{3,}");
  const std::regex hours("[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]");
  std::map<std::string, std::size_t> machines_per_site;
  std::set<std::string> kinds, names;
  bool some_override = false;
  for (const auto& site : doc.at("sites")) {
    const std::string id = site.at("id");
    EXPECT_TRUE(std::regex_match(id, site_id)) << id;
    EXPECT_TRUE(machines_per_site.emplace(id, 0).second) << "duplicate " << id;
    EXPECT_TRUE(names.insert(site.at("name")).second) << "duplicate name " << site.at("name");
    kinds.insert(site.at("kind"));
    EXPECT_EQ(org_types[site.at("operator")], "operator") << id;
    EXPECT_EQ(org_types[site.at("property")], "property") << id;
    EXPECT_EQ(site.at("utc_offset"), "+08:00");
    EXPECT_TRUE(std::regex_match(site.at("business_hours").get<std::string>(), hours));
    const auto& contract = site.at("contract");
    EXPECT_TRUE(org_types.count(contract.at("arbiter"))) << id;
    for (const auto& [kind, party] : contract.at("overrides").items()) {
      EXPECT_TRUE(party == "operator" || party == "property") << kind;
      some_override = true;
    }
  }
  const std::regex device_id("wm-[0-9]{5,}");
  std::size_t n = 0;
  for (const auto& device : doc.at("devices")) {
    ++n;
    const std::string id = device.at("id");
    EXPECT_EQ(id,
              padded_id("wm-", n, std::max<std::size_t>(5, std::to_string(device_count).size())));
    ASSERT_TRUE(machines_per_site.count(device.at("site"))) << id;
    ++machines_per_site[device.at("site")];
    EXPECT_EQ(device.at("protocol"), "wm-json-v1");
    EXPECT_FALSE(device.at("model").get<std::string>().empty());
    EXPECT_GT(device.at("filter_rated_l").get<int>(), 0);
  }
  EXPECT_EQ(n, device_count);
  for (const auto& [site, count] : machines_per_site) {
    EXPECT_LE(count, kMaxMachinesPerSite) << site;
    if (device_count >= kMinMachinesPerSite) {
      EXPECT_GE(count, kMinMachinesPerSite) << site;
    }
  }
  if (doc.at("sites").size() >= 3) {
    EXPECT_EQ(kinds, (std::set<std::string>{"school", "community", "mall"}));
  }
  if (doc.at("sites").size() >= 20) {
    EXPECT_TRUE(some_override);
  }
}

TEST(InventoryGeneratorTest, ShapeFollowsApiMd) {
  for (std::size_t devices : {1, 9, 10, 41, 55, 1000}) {
    SCOPED_TRACE(devices);
    expect_valid_shape(generate_inventory(devices, 3), devices);
  }
}

TEST(InventoryGeneratorTest, LargeFleetHasUniqueNamesAndSeveralOrgs) {
  const ordered_json doc = generate_inventory(10'000, 1);
  expect_valid_shape(doc, 10'000);
  std::size_t operators = 0, properties = 0;
  for (const auto& org : doc.at("orgs")) (org.at("type") == "operator" ? operators : properties)++;
  EXPECT_GE(operators, 2u);
  EXPECT_GE(properties, 10u);
}

TEST(InventoryGeneratorTest, TheSimulatorCanPlayWhatItGenerates) {
  const auto fleet = parse_fleet(generate_inventory(120, 4).dump());
  ASSERT_TRUE(fleet.ok()) << fleet.error().to_string();
  EXPECT_EQ(fleet->machines.size(), 120u);
  EXPECT_EQ(fleet->skipped_machines, 0u);
}

}  // namespace
}  // namespace wm::sim
