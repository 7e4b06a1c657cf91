#include "simulator/fleet.h"

#include <gtest/gtest.h>

namespace wm::sim {
namespace {

constexpr const char* kInventory = R"({
  "orgs": [{"id": "op-1", "type": "operator", "name": "Clearwater Ops"}],
  "sites": [
    {"id": "s-001", "name": "No. 3 Middle School", "kind": "school", "utc_offset": "+08:00"},
    {"id": "s-002", "name": "Wanda Plaza", "kind": "mall", "utc_offset": "+07:00"}],
  "devices": [
    {"id": "wm-0001", "site": "s-001", "protocol": "wm-json-v1", "model": "RO-400",
     "filter_rated_l": 6000},
    {"id": "hx-0002", "site": "s-001", "protocol": "hx-binary"},
    {"id": "wm-0003", "site": "s-002", "protocol": "wm-json-v1"},
    {"id": "tb-0004", "site": "s-002", "protocol": "tb-gateway"},
    {"id": "zz-0005", "site": "s-002", "protocol": "zigbee"}]
})";

TEST(ParseFleetTest, ReadsSitesAndMachinesOfEveryKnownProtocol) {
  const auto fleet = parse_fleet(kInventory);
  ASSERT_TRUE(fleet.ok()) << fleet.error().to_string();
  ASSERT_EQ(fleet->sites.size(), 2u);
  EXPECT_EQ(fleet->sites[1].kind, SiteKind::kMall);
  EXPECT_EQ(fleet->sites[1].utc_offset_min, 420);
  ASSERT_EQ(fleet->machines.size(), 4u);
  EXPECT_EQ(fleet->skipped_machines, 1u);  // zigbee
  EXPECT_EQ(fleet->machines[0].protocol, WireProtocol::kWmJson);
  EXPECT_EQ(fleet->machines[1].protocol, WireProtocol::kHxBinary);
  EXPECT_EQ(fleet->machines[3].protocol, WireProtocol::kTbGateway);
  EXPECT_EQ(fleet->machines[2].id, "wm-0003");
  EXPECT_EQ(fleet->machines[2].site, 1u);
  EXPECT_EQ(fleet->machines[2].model, "RO-400");  // default
  EXPECT_EQ(fleet->machines[2].filter_rated_l, kDefaultFilterRatedLitres);
  EXPECT_EQ(count_machines(*fleet, WireProtocol::kWmJson), 2u);
  const Fleet json = machines_speaking(*fleet, WireProtocol::kWmJson);
  ASSERT_EQ(json.machines.size(), 2u);
  EXPECT_EQ(json.machines[1].id, "wm-0003");
  EXPECT_EQ(json.sites.size(), 2u);
}

TEST(ParseFleetTest, CardPoolsDoNotOverlap) {
  const auto fleet = parse_fleet(kInventory);
  ASSERT_TRUE(fleet.ok());
  const FleetSite& a = fleet->sites[0];
  const FleetSite& b = fleet->sites[1];
  EXPECT_EQ(a.card_count, 2 * kCardsPerMachine);
  EXPECT_EQ(a.first_card + a.card_count, b.first_card);
  EXPECT_EQ(card_token(123), "c-000123");
  EXPECT_EQ(card_token(1234567), "c-1234567");
}

TEST(ParseFleetTest, ErrorsNameTheEntry) {
  struct Case {
    const char* json;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {"[1,2]", "malformed_json", ""},
      {"{\"sites\": [], \"devices\": [{\"id\": \"wm-1\", \"site\": \"s-9\", \"protocol\": "
       "\"wm-json-v1\"}]}",
       "unknown_reference", "devices[0].site"},
      {"{\"sites\": [{\"id\": \"s 1\", \"kind\": \"mall\"}], \"devices\": []}", "bad_id",
       "sites[0].id"},
      {"{\"sites\": [{\"id\": \"s-1\", \"kind\": \"park\"}], \"devices\": []}", "out_of_range",
       "sites[0].kind"},
      {"{\"sites\": [{\"id\": \"s-1\", \"kind\": \"mall\", \"utc_offset\": \"8\"}], "
       "\"devices\": []}",
       "out_of_range", "sites[0].utc_offset"},
      {"{\"sites\": [{\"id\": \"s-1\", \"kind\": \"mall\"}, {\"id\": \"s-1\", \"kind\": "
       "\"mall\"}], \"devices\": []}",
       "duplicate_id", "sites[1].id"},
      {"{\"sites\": [{\"id\": \"s-1\", \"kind\": \"mall\"}]}", "missing_field", "devices"},
      {"{\"sites\": [{\"id\": \"s-1\", \"kind\": \"mall\"}], \"devices\": [{\"id\": \"wm-1\", "
       "\"site\": \"s-1\", \"protocol\": \"wm-json-v1\", \"filter_rated_l\": -5}]}",
       "out_of_range", "devices[0].filter_rated_l"},
  };
  for (const Case& c : cases) {
    const auto fleet = parse_fleet(c.json);
    ASSERT_FALSE(fleet.ok()) << c.json;
    EXPECT_EQ(fleet.error().code, c.code) << c.json;
    EXPECT_EQ(fleet.error().field, c.field) << c.json;
  }
}

}  // namespace
}  // namespace wm::sim
