#include "gateway/auth.h"

#include <gtest/gtest.h>

#include <set>

#include "gateway/test_support.h"

namespace wm::gateway {
namespace {

TEST(AuthTest, TokensAreRandomAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = new_token();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.substr(0, 3), "wm_");
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AuthTest, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthTest, AuthenticatesOnlyStoredBearerTokens) {
  testing::TempDir dir;
  Store store(dir.file("g.db"));
  const std::string token = new_token();
  store.add_token(sha256_hex(token), "property", "pm-7", 1);
  Authenticator auth(store);
  auto who = auth.authenticate("Bearer " + token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->role, Role::kProperty);
  EXPECT_EQ(who->org, "pm-7");
  EXPECT_FALSE(auth.authenticate(token).has_value());  // no scheme
  EXPECT_FALSE(auth.authenticate("Basic " + token).has_value());
  EXPECT_FALSE(auth.authenticate("Bearer ").has_value());
  EXPECT_FALSE(auth.authenticate("Bearer " + new_token()).has_value());
}

TEST(AuthTest, ScopeFollowsTheSiteOrgs) {
  auto inv = testing::test_inventory();
  const auto& school = *inv.site("s-001");  // op-1 / pm-7
  const auto& mall = *inv.site("s-002");    // op-1 / pm-8
  EXPECT_TRUE(can_see_site({Role::kAdmin, "x"}, school));
  EXPECT_TRUE(can_see_site({Role::kAgent, "x"}, mall));
  EXPECT_TRUE(can_see_site({Role::kOperator, "op-1"}, mall));
  EXPECT_FALSE(can_see_site({Role::kOperator, "op-2"}, mall));
  EXPECT_TRUE(can_see_site({Role::kProperty, "pm-7"}, school));
  EXPECT_FALSE(can_see_site({Role::kProperty, "pm-7"}, mall));
  EXPECT_FALSE(can_see_site({Role::kSelfService, "pm-7"}, school));
}

TEST(AuthTest, GrantsNeedAnOrgOfTheRightType) {
  auto inv = testing::test_inventory();
  EXPECT_TRUE(validate_grant(Role::kProperty, "pm-7", inv).ok());
  EXPECT_FALSE(validate_grant(Role::kProperty, "op-1", inv).ok());
  EXPECT_FALSE(validate_grant(Role::kOperator, "nope", inv).ok());
  EXPECT_TRUE(validate_grant(Role::kAdmin, "anything", inv).ok());
  EXPECT_EQ(role_from_string("selfservice"), Role::kSelfService);
  EXPECT_FALSE(role_from_string("root").has_value());
}

}  // namespace
}  // namespace wm::gateway
