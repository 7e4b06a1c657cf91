#include "gateway/site_machines.h"

#include <gtest/gtest.h>

#include "gateway/test_support.h"

namespace wm::gateway {
namespace {

using Ids = std::vector<std::string>;

TEST(SiteMachinesTest, ListsEachSitesMachinesInIdOrder) {
  const auto inv = testing::test_inventory();
  const SiteMachines index(inv, 1);
  for (const auto& [site_id, site] : inv.sites()) {
    Ids expected;  // what a walk over the whole fleet finds
    for (const auto& [id, device] : inv.devices()) {
      if (device.site == site_id) expected.push_back(id);
    }
    EXPECT_EQ(index.of(site_id), expected) << site_id;
  }
  EXPECT_EQ(index.of("s-001"), (Ids{"wm-0001", "wm-0002"}));
  EXPECT_TRUE(index.of("s-404").empty());
}

TEST(SiteMachinesCacheTest, KeepsTheIndexOfAVersionAndBuildsANewOneForTheNext) {
  auto inv = testing::test_inventory();
  SiteMachinesCache cache;
  const auto first = cache.get(inv, 1);
  EXPECT_EQ(cache.get(inv, 1), first);  // the same object: not built again
  auto added = devices::Inventory::parse_fragment(
      R"({"devices":[{"id":"wm-0000","site":"s-001","protocol":"wm-json-v1"}]})");
  ASSERT_TRUE(added.ok()) << added.error().to_string();
  ASSERT_TRUE(inv.merge(added.value()).ok());
  const auto second = cache.get(inv, 2);
  EXPECT_NE(second, first);
  EXPECT_EQ(second->version(), 2u);
  EXPECT_EQ(second->of("s-001"), (Ids{"wm-0000", "wm-0001", "wm-0002"}));
  EXPECT_EQ(first->of("s-001"), (Ids{"wm-0001", "wm-0002"}));  // a reader's copy stays valid
}

}  // namespace
}  // namespace wm::gateway
