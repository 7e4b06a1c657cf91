// Run-time changes to the inventory (merge) and writing it back (to_json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "devices/inventory.h"
#include "devices/inventory_test_util.h"

namespace wm::devices {
namespace {

using nlohmann::json;

Inventory must_parse(const json& doc) {
  Result<Inventory> parsed = Inventory::parse(doc.dump());
  if (!parsed.ok()) ADD_FAILURE() << parsed.error().to_string();
  return parsed.ok() ? std::move(parsed).value() : Inventory{};
}

Inventory must_parse_fragment(const std::string& text) {
  Result<Inventory> parsed = Inventory::parse_fragment(text);
  if (!parsed.ok()) ADD_FAILURE() << parsed.error().to_string();
  return parsed.ok() ? std::move(parsed).value() : Inventory{};
}

TEST(InventoryMergeTest, PartialDocumentAddsADeviceToAnExistingSite) {
  Inventory inv = must_parse(testutil::full_document());
  const Inventory update = must_parse_fragment(
      R"({"devices": [{"id": "wm-0004", "site": "s-001", "protocol": "hx-binary"}]})");
  ASSERT_TRUE(inv.merge(update).ok());
  ASSERT_NE(inv.device("wm-0004"), nullptr);
  EXPECT_EQ(inv.device("wm-0004")->site, "s-001");
  EXPECT_EQ(inv.devices().size(), 4u);
  EXPECT_EQ(inv.sites().size(), 2u);  // nothing else moved
  EXPECT_EQ(inv.orgs().size(), 3u);
}

TEST(InventoryMergeTest, KnownIdReplacesTheWholeEntry) {
  Inventory inv = must_parse(testutil::full_document());
  json site = testutil::site_json("s-001", "community", "op-2", "pm-7");  // no contract
  json device = testutil::device_json("wm-0001", "s-002", "tb-gateway");  // no model
  const Inventory update = must_parse_fragment(
      json{{"sites", json::array({site})}, {"devices", json::array({device})}}.dump());
  ASSERT_TRUE(inv.merge(update).ok());

  const Site* s = inv.site("s-001");
  EXPECT_EQ(s->kind, SiteKind::kCommunity);
  EXPECT_EQ(s->operator_org, "op-2");
  EXPECT_EQ(s->contract, Contract{}) << "replaced whole, not field by field";
  EXPECT_EQ(*inv.device("wm-0001"), (Device{"wm-0001", "s-002", Protocol::kTbGateway, "", {}}));
  EXPECT_EQ(inv.devices().size(), 3u);
}

TEST(InventoryMergeTest, WebhookIsSetChangedAndRemovedWithItsOrg) {
  Inventory inv = must_parse(testutil::full_document());
  ASSERT_TRUE(inv.merge(must_parse_fragment(R"({"orgs": [
      {"id": "pm-7", "type": "property", "name": "Sunrise Property",
       "webhook": "http://10.0.0.5:8080/wm"}]})"))
                  .ok());
  EXPECT_EQ(inv.org("pm-7")->webhook, "http://10.0.0.5:8080/wm");
  EXPECT_EQ(inv.org("op-1")->webhook, "https://ops.example/hooks/wm") << "other orgs keep theirs";

  // An org sent without "webhook" is replaced whole and so loses it.
  ASSERT_TRUE(inv.merge(must_parse_fragment(
                            R"({"orgs": [{"id": "op-1", "type": "operator", "name": "Ops"}]})"))
                  .ok());
  EXPECT_EQ(inv.org("op-1")->webhook, "");
  EXPECT_FALSE(json::parse(inv.to_json())["orgs"][0].contains("webhook"));
  EXPECT_EQ(json::parse(inv.to_json())["orgs"][2]["webhook"], "http://10.0.0.5:8080/wm");

  // A bad webhook in a run-time update is refused before anything changes.
  const Result<Inventory> bad = Inventory::parse_fragment(
      R"({"orgs": [{"id": "pm-7", "type": "property", "name": "S", "webhook": "ftp://x"}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "orgs[0].webhook");
}

TEST(InventoryMergeTest, SameDocumentTwiceChangesNothing) {
  Inventory inv = must_parse(testutil::full_document());
  const Inventory before = inv;
  ASSERT_TRUE(inv.merge(before).ok());
  EXPECT_EQ(inv, before);
  ASSERT_TRUE(inv.merge(Inventory{}).ok());
  EXPECT_EQ(inv, before);
}

TEST(InventoryMergeTest, IntoAnEmptyInventoryEqualsParsing) {
  Inventory inv;
  ASSERT_TRUE(inv.merge(must_parse(testutil::full_document())).ok());
  EXPECT_EQ(inv, must_parse(testutil::full_document()));
}

TEST(InventoryMergeTest, DanglingDeviceSiteIsRefusedAndNothingChanges) {
  Inventory inv = must_parse(testutil::full_document());
  const Inventory before = inv;
  // A good device and a bad one in the same update: neither may land.
  const Inventory update = must_parse_fragment(R"({"devices": [
      {"id": "wm-0005", "site": "s-001", "protocol": "wm-json-v1"},
      {"id": "wm-0006", "site": "s-999", "protocol": "wm-json-v1"}]})");
  const Status merged = inv.merge(update);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().code, "unknown_reference");
  EXPECT_EQ(merged.error().field, "devices[wm-0006].site");
  EXPECT_EQ(inv, before);
  EXPECT_EQ(inv.device("wm-0005"), nullptr);
}

TEST(InventoryMergeTest, ChangingAnOrgTypeUnderItsSitesIsRefused) {
  Inventory inv = must_parse(testutil::full_document());
  const Inventory before = inv;
  const Inventory update = must_parse_fragment(
      R"({"orgs": [{"id": "op-2", "type": "property", "name": "Blue Spring Service"}]})");
  const Status merged = inv.merge(update);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().code, "unknown_reference");
  EXPECT_EQ(merged.error().field, "sites[s-002].operator");
  EXPECT_EQ(inv, before);
}

TEST(InventoryMergeTest, SiteMovedToANewOrgInTheSameUpdate) {
  Inventory inv = must_parse(testutil::full_document());
  json update_doc;
  update_doc["orgs"] =
      json::array({json{{"id", "pm-9"}, {"type", "property"}, {"name", "Harbour Estates"}}});
  update_doc["sites"] = json::array({testutil::site_json("s-002", "mall", "op-2", "pm-9")});
  ASSERT_TRUE(inv.merge(must_parse_fragment(update_doc.dump())).ok());
  EXPECT_EQ(inv.site("s-002")->property_org, "pm-9");
  EXPECT_EQ(inv.site("s-002")->utc_offset_min, 480) << "the new entry's defaults, not the old";
}

TEST(InventoryMergeTest, ContractArbiterMustBeKnownAfterMerge) {
  Inventory inv = must_parse(testutil::full_document());
  const Inventory before = inv;
  json site = testutil::site_json("s-002", "mall", "op-2", "pm-7");
  site["contract"] = {{"arbiter", "court-1"}};
  const Status merged = inv.merge(must_parse_fragment(json{{"sites", json::array({site})}}.dump()));
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().field, "sites[s-002].contract.arbiter");
  EXPECT_EQ(inv, before);
}

TEST(InventoryJsonTest, RoundTripKeepsEveryField) {
  const Inventory original = must_parse(testutil::full_document());
  const Result<Inventory> again = Inventory::parse(original.to_json());
  ASSERT_TRUE(again.ok()) << again.error().to_string() << "\n" << original.to_json();
  EXPECT_EQ(*again, original);
  EXPECT_EQ(again->to_json(), original.to_json()) << "writing is deterministic";
}

TEST(InventoryJsonTest, RoundTripOfDefaultsAndEdgeValues) {
  json doc = testutil::full_document();
  doc["sites"][0].erase("utc_offset");
  doc["sites"][0].erase("business_hours");
  doc["sites"][0]["contract"] = {{"arbiter", "pm-7"}};  // an arbiter, no overrides
  doc["sites"][1]["utc_offset"] = "-12:00";
  doc["sites"][1]["business_hours"] = "00:00-24:00";
  doc["sites"].push_back(testutil::site_json("s-003", "community"));
  doc["sites"][2]["utc_offset"] = "+14:00";
  doc["sites"][2]["contract"] = {{"overrides", {{"leak", "property"}}}};  // no arbiter
  doc["sites"].push_back(testutil::site_json("s-004", "mall"));
  doc["sites"][3]["contract"] = {{"refund_auto_limit_fen", 0}};  // only a limit
  doc["sites"][1]["contract"] = {{"refund_auto_limit_fen", 10'000'000}};
  doc["devices"][0]["filter_rated_l"] = 10'000'000;
  doc["orgs"][1]["name"] = "阳光物业";
  const Inventory original = must_parse(doc);
  EXPECT_EQ(original.site("s-004")->contract.refund_auto_limit_fen, 0);
  EXPECT_EQ(original.site("s-002")->contract.refund_auto_limit_fen, 10'000'000);
  EXPECT_EQ(original.site("s-003")->contract.refund_auto_limit_fen, std::nullopt);
  const Result<Inventory> again = Inventory::parse(original.to_json());
  ASSERT_TRUE(again.ok()) << again.error().to_string() << "\n" << original.to_json();
  EXPECT_EQ(*again, original);
}

TEST(InventoryJsonTest, EmptyInventoryWritesThreeEmptyArrays) {
  const json written = json::parse(Inventory{}.to_json());
  EXPECT_EQ(written, json::parse(R"({"orgs": [], "sites": [], "devices": []})"));
}

TEST(InventoryJsonTest, WritesTheApiDocumentShape) {
  const json written = json::parse(must_parse(testutil::full_document()).to_json());
  // Defaults are spelled out; absent optional values stay absent.
  const json& school = written["sites"][0];
  EXPECT_EQ(school["utc_offset"], "+08:00");
  EXPECT_EQ(school["business_hours"], "08:00-20:00");
  EXPECT_EQ(school["contract"]["overrides"]["cleaning_due"], "operator");
  EXPECT_EQ(school["contract"]["arbiter"], "op-1");
  const json& mall = written["sites"][1];
  EXPECT_EQ(mall["utc_offset"], "-05:30");
  EXPECT_EQ(mall["business_hours"], "07:30-22:00");
  EXPECT_FALSE(mall.contains("contract"));
  EXPECT_EQ(written["orgs"][0]["webhook"], "https://ops.example/hooks/wm");
  EXPECT_FALSE(written["orgs"][1].contains("webhook"));
  const json& hx = written["devices"][1];
  EXPECT_EQ(hx["protocol"], "hx-binary");
  EXPECT_FALSE(hx.contains("model"));
  EXPECT_FALSE(hx.contains("filter_rated_l"));
  EXPECT_EQ(written["devices"][0]["filter_rated_l"], 6000);
}

TEST(InventoryJsonTest, EntriesAreWrittenInIdOrder) {
  json doc = testutil::full_document();
  std::swap(doc["devices"][0], doc["devices"][2]);
  const json written = json::parse(must_parse(doc).to_json());
  ASSERT_EQ(written["devices"].size(), 3u);
  EXPECT_EQ(written["devices"][0]["id"], "wm-0001");
  EXPECT_EQ(written["devices"][1]["id"], "wm-0002");
  EXPECT_EQ(written["devices"][2]["id"], "wm-0003");
}

TEST(EnumNamesTest, ProtocolAndOrgTypeNamesRoundTrip) {
  for (const Protocol p : {Protocol::kWmJsonV1, Protocol::kHxBinary, Protocol::kTbGateway}) {
    EXPECT_EQ(protocol_from_string(to_string(p)), p);
  }
  EXPECT_EQ(to_string(Protocol::kWmJsonV1), "wm-json-v1");
  EXPECT_EQ(to_string(Protocol::kHxBinary), "hx-binary");
  EXPECT_EQ(to_string(Protocol::kTbGateway), "tb-gateway");
  EXPECT_EQ(protocol_from_string("wm-json-v2"), std::nullopt);
  EXPECT_EQ(to_string(OrgType::kOperator), "operator");
  EXPECT_EQ(to_string(OrgType::kProperty), "property");
  EXPECT_EQ(org_type_from_string("property"), OrgType::kProperty);
  EXPECT_EQ(org_type_from_string("arbiter"), std::nullopt);
}

}  // namespace
}  // namespace wm::devices
