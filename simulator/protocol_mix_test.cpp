#include "simulator/protocol_mix.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <set>
#include <string>

#include "simulator/fleet.h"
#include "simulator/inventory_generator.h"

namespace wm::sim {
namespace {

ProtocolMix mix_of(std::uint32_t json, std::uint32_t hx, std::uint32_t tb) {
  ProtocolMix mix;
  mix.weights = {json, hx, tb};
  return mix;
}

TEST(ProtocolMixTest, ParsesNamesAndWeights) {
  const auto mix = parse_protocol_mix("json:60,hx:30,tb:10");
  ASSERT_TRUE(mix.ok()) << mix.error().to_string();
  EXPECT_EQ(*mix, mix_of(60, 30, 10));
  EXPECT_EQ(*parse_protocol_mix("tb:1"), mix_of(0, 0, 1));
  EXPECT_EQ(*parse_protocol_mix("hx-binary:1,wm-json-v1:3"), mix_of(3, 1, 0));
  EXPECT_EQ(*parse_protocol_mix("json:100,hx:0"), mix_of(100, 0, 0));
  EXPECT_EQ(to_string(mix_of(60, 30, 10)), "json:60,hx:30,tb:10");
  EXPECT_EQ(to_string(mix_of(0, 5, 0)), "hx:5");
}

TEST(ProtocolMixTest, RejectsWhatItCannotRead) {
  for (const char* text :
       {"", "json", "json:", "json:-1", "json:1.5", "json:60,", ",json:60", "xml:10",
        "json:60,json:40", "json:0,hx:0", "json:60 ,hx:40", "json:10000000", "json:60;hx:40"}) {
    const auto mix = parse_protocol_mix(text);
    ASSERT_FALSE(mix.ok()) << text;
    EXPECT_EQ(mix.error().code, "bad_protocol_mix") << text;
    // The message shows a correct example.
    EXPECT_NE(mix.error().message.find("json:60,hx:30,tb:10"), std::string::npos) << text;
  }
}

TEST(ProtocolMixTest, InventoryNamesRoundTrip) {
  for (WireProtocol p :
       {WireProtocol::kWmJson, WireProtocol::kHxBinary, WireProtocol::kTbGateway}) {
    EXPECT_EQ(wire_protocol_from_string(to_string(p)), p);
  }
  EXPECT_FALSE(wire_protocol_from_string("json").has_value());
}

TEST(AssignProtocolsTest, HubsTakeWholeSitesAndHxMixesIntoTheOthers) {
  std::vector<std::size_t> sizes;
  for (std::size_t s = 0; s < 100; ++s) sizes.push_back(10 + (s * 7) % 31);
  const std::size_t total = std::accumulate(sizes.begin(), sizes.end(), std::size_t{0});
  const auto protocols = assign_protocols(sizes, mix_of(60, 30, 10), 5);
  ASSERT_EQ(protocols.size(), total);
  std::map<WireProtocol, std::size_t> count;
  std::size_t first = 0, mixed_sites = 0;
  for (std::size_t size : sizes) {
    std::set<WireProtocol> on_site(protocols.begin() + static_cast<std::ptrdiff_t>(first),
                                   protocols.begin() + static_cast<std::ptrdiff_t>(first + size));
    if (on_site.count(WireProtocol::kTbGateway)) {
      EXPECT_EQ(on_site.size(), 1u) << "a hub site has only hub machines";
    }
    if (on_site.size() > 1) ++mixed_sites;
    for (std::size_t i = first; i < first + size; ++i) ++count[protocols[i]];
    first += size;
  }
  const auto share = [&](WireProtocol p) {
    return static_cast<double>(count[p]) / static_cast<double>(total);
  };
  EXPECT_NEAR(share(WireProtocol::kTbGateway), 0.10, 0.01);
  EXPECT_NEAR(share(WireProtocol::kHxBinary), 0.30, 0.01);
  EXPECT_NEAR(share(WireProtocol::kWmJson), 0.60, 0.01);
  EXPECT_GT(mixed_sites, 50u) << "hx machines stand among json ones";
}

TEST(AssignProtocolsTest, DeterministicPerSeed) {
  const std::vector<std::size_t> sizes = {12, 30, 17, 25, 40, 11, 19};
  EXPECT_EQ(assign_protocols(sizes, mix_of(60, 30, 10), 1),
            assign_protocols(sizes, mix_of(60, 30, 10), 1));
  EXPECT_NE(assign_protocols(sizes, mix_of(60, 30, 10), 1),
            assign_protocols(sizes, mix_of(60, 30, 10), 2));
}

TEST(AssignProtocolsTest, EveryAskedForProtocolAppearsAndZeroWeightsDoNot) {
  const std::vector<std::size_t> sizes = {15, 20, 12};
  const auto small = assign_protocols(sizes, mix_of(98, 1, 1), 3);
  const std::set<WireProtocol> seen(small.begin(), small.end());
  EXPECT_EQ(seen.size(), 3u);
  const auto tb_only = assign_protocols(sizes, mix_of(0, 0, 1), 3);
  EXPECT_EQ(std::set<WireProtocol>(tb_only.begin(), tb_only.end()),
            std::set<WireProtocol>{WireProtocol::kTbGateway});
  const auto no_hx = assign_protocols(sizes, mix_of(1, 0, 1), 3);
  EXPECT_EQ(std::count(no_hx.begin(), no_hx.end(), WireProtocol::kHxBinary), 0);
}

TEST(AssignProtocolsTest, TheMixChangesOnlyTheProtocolOfAnInventory) {
  auto plain = generate_inventory(500, 8);
  auto mixed = generate_inventory(500, 8, mix_of(60, 30, 10));
  EXPECT_EQ(plain.dump(), generate_inventory(500, 8, ProtocolMix{}).dump());
  EXPECT_EQ(mixed.dump(), generate_inventory(500, 8, mix_of(60, 30, 10)).dump());
  std::set<std::string> protocols;
  for (auto& device : mixed["devices"]) {
    protocols.insert(device["protocol"].get<std::string>());
    device["protocol"] = "wm-json-v1";
  }
  EXPECT_EQ(protocols, (std::set<std::string>{"wm-json-v1", "hx-binary", "tb-gateway"}));
  EXPECT_EQ(plain.dump(), mixed.dump());
  const auto fleet = parse_fleet(generate_inventory(500, 8, mix_of(60, 30, 10)).dump());
  ASSERT_TRUE(fleet.ok()) << fleet.error().to_string();
  EXPECT_EQ(fleet->machines.size(), 500u);
  EXPECT_EQ(fleet->skipped_machines, 0u);
}

}  // namespace
}  // namespace wm::sim
