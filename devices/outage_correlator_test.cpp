#include "devices/outage_correlator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wm::devices {
namespace {

using Type = OutageCorrelator::Decision::Type;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;

// Machines 0..count-1 at `site`.
OutageCorrelator site_of(const std::string& site, MachineIndex count) {
  OutageCorrelator c(OutageCorrelator::Config{2 * kMinute, 0.5});
  for (MachineIndex m = 0; m < count; ++m) c.place(m, site);
  return c;
}

TEST(OutageCorrelatorTest, TheOfflineMachinesMustFitInOneWindow) {
  OutageCorrelator c = site_of("s-1", 4);
  std::vector<OutageCorrelator::Decision> out;
  c.went_offline(0, 0, out);
  c.went_offline(1, 100 * kSecond, out);
  c.went_offline(2, 200 * kSecond, out);  // any window of 120 s holds only two of them
  EXPECT_THAT(out, IsEmpty());
  c.went_offline(3, 210 * kSecond, out);  // 100, 200 and 210 s: three of four
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].type, Type::kSiteDown);
  EXPECT_EQ(out[0].at_ms, 210 * kSecond);
  EXPECT_EQ(out[0].offline, 3u);
  EXPECT_EQ(out[0].members, 4u);
  EXPECT_TRUE(c.site_down(*c.site_of(0)));
}

TEST(OutageCorrelatorTest, AWindowClosesOnlyForMachinesOfASiteThatIsUp) {
  OutageCorrelator c = site_of("s-1", 4);
  std::vector<OutageCorrelator::Decision> out;
  c.went_offline(0, 0, out);
  c.advance(2 * kMinute - 1, out);
  EXPECT_THAT(out, IsEmpty());
  c.advance(2 * kMinute, out);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].type, Type::kMachineOffline);
  EXPECT_EQ(out[0].machine, 0u);
  EXPECT_EQ(out[0].at_ms, 2 * kMinute);
  out.clear();
  c.advance(10 * kMinute, out);
  EXPECT_THAT(out, IsEmpty());  // reported once
}

TEST(OutageCorrelatorTest, OtherSitesDoNotCount) {
  OutageCorrelator c = site_of("s-1", 2);
  c.place(2, "s-2");
  c.place(3, "s-2");
  std::vector<OutageCorrelator::Decision> out;
  c.went_offline(0, 0, out);
  c.went_offline(2, 0, out);
  EXPECT_THAT(out, IsEmpty());
}

TEST(OutageCorrelatorTest, TheSiteIsUpWhenNoMoreThanTheFractionAreDark) {
  OutageCorrelator c = site_of("s-1", 4);
  std::vector<OutageCorrelator::Decision> out;
  for (MachineIndex m = 0; m < 4; ++m) c.went_offline(m, m * kSecond, out);
  ASSERT_THAT(out, SizeIs(1));
  out.clear();
  c.came_back(0, 10 * kMinute, out);  // 3 of 4 dark
  EXPECT_THAT(out, IsEmpty());
  c.came_back(0, 10 * kMinute, out);  // not offline: nothing
  EXPECT_THAT(out, IsEmpty());
  c.came_back(1, 11 * kMinute, out);  // 2 of 4: half is not more than half
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].type, Type::kSiteUp);
  EXPECT_EQ(out[0].offline, 2u);
  out.clear();
  c.advance(13 * kMinute - 1, out);
  EXPECT_THAT(out, IsEmpty());
  c.advance(13 * kMinute, out);  // the window of the two still dark runs from the recovery
  ASSERT_THAT(out, SizeIs(2));
  EXPECT_EQ(out[0].machine, 2u);
  EXPECT_EQ(out[1].machine, 3u);
}

TEST(OutageCorrelatorTest, AMachineMovedAwayFromADownSiteCanBringItUp) {
  OutageCorrelator c = site_of("s-1", 3);
  std::vector<OutageCorrelator::Decision> out;
  c.went_offline(0, 0, out);
  c.went_offline(1, 0, out);
  ASSERT_THAT(out, SizeIs(1));
  out.clear();
  c.place(1, "s-2");  // inventory fix: it never stood there. s-1: 1 of 2 dark
  c.place(3, "s-1");  // and a new machine: 1 of 3 dark
  c.advance(kSecond, out);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].type, Type::kSiteUp);
  EXPECT_EQ(out[0].members, 3u);
  EXPECT_EQ(c.site_id(*c.site_of(1)), "s-2");
}

TEST(OutageCorrelatorTest, ARestoredOutageHoldsItsMachinesUntilEnoughComeBack) {
  OutageCorrelator c = site_of("s-1", 4);
  EXPECT_FALSE(c.restore_down("s-nowhere", 0));
  ASSERT_TRUE(c.restore_down("s-1", 0));
  EXPECT_TRUE(c.site_down(*c.site_of(0)));
  std::vector<OutageCorrelator::Decision> out;
  c.advance(10 * kMinute, out);  // covered by the outage: no window runs
  EXPECT_THAT(out, IsEmpty());
  c.came_back(0, 11 * kMinute, out);  // 3 of 4 dark
  EXPECT_THAT(out, IsEmpty());
  c.came_back(1, 12 * kMinute, out);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].type, Type::kSiteUp);
  EXPECT_EQ(out[0].at_ms, 12 * kMinute);
  EXPECT_EQ(out[0].offline, 2u);
  out.clear();
  c.advance(14 * kMinute, out);
  ASSERT_THAT(out, SizeIs(2));
  EXPECT_EQ(out[0].type, Type::kMachineOffline);
  EXPECT_EQ(out[0].at_ms, 14 * kMinute);
}

}  // namespace
}  // namespace wm::devices
