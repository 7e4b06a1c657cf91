#include "devices/seq_tracker.h"

#include <gtest/gtest.h>

namespace wm::devices {
namespace {

using V = SeqTracker::Verdict;

TEST(SeqTrackerTest, InOrderMessagesAreNewAndARedeliveryIsADuplicate) {
  SeqTracker t;
  EXPECT_EQ(t.observe(10, 1000).verdict, V::kNew);
  EXPECT_EQ(t.observe(11, 2000).verdict, V::kNew);
  EXPECT_EQ(t.observe(11, 2000).verdict, V::kDuplicate);
  EXPECT_EQ(t.observe(10, 1000).verdict, V::kDuplicate);
}

TEST(SeqTrackerTest, GapsAreCountedAndLateArrivalsTakenOnce) {
  SeqTracker t;
  (void)t.observe(1, 1000);
  auto jump = t.observe(5, 5000);
  EXPECT_EQ(jump.verdict, V::kNew);
  EXPECT_EQ(jump.missing, 3u);
  EXPECT_EQ(t.observe(3, 3000).verdict, V::kLate);
  EXPECT_EQ(t.observe(3, 3000).verdict, V::kDuplicate);
  EXPECT_EQ(t.observe(4, 4000).verdict, V::kLate);
}

TEST(SeqTrackerTest, WrapAroundIsAStepForward) {
  SeqTracker t;
  (void)t.observe(4294967294u, 1000);
  EXPECT_EQ(t.observe(4294967295u, 2000).verdict, V::kNew);
  auto wrapped = t.observe(0, 3000);
  EXPECT_EQ(wrapped.verdict, V::kNew);
  EXPECT_EQ(wrapped.missing, 0u);
  EXPECT_EQ(t.observe(1, 4000).verdict, V::kNew);
  EXPECT_EQ(t.observe(4294967295u, 2000).verdict, V::kDuplicate);  // redelivered across it
}

TEST(SeqTrackerTest, AMachineThatRebootsIsNotTakenForBillionsOfDuplicates) {
  SeqTracker t;
  for (std::uint32_t s = 0; s < 50; ++s) (void)t.observe(s, 1000 + s);
  // Rebooted: counts from 0 again, with a newer time.
  EXPECT_EQ(t.observe(0, 10'000).verdict, V::kRestart);
  EXPECT_EQ(t.observe(1, 10'001).verdict, V::kNew);
  EXPECT_EQ(t.observe(2, 10'002).verdict, V::kNew);
  // An old message of before the reboot, redelivered late, is not news either way.
  EXPECT_NE(t.observe(40, 1040).verdict, V::kNew);
}

TEST(SeqTrackerTest, ARebootAfterAFarCountIsARestart) {
  SeqTracker t;
  (void)t.observe(3'000'000'000u, 1000);
  EXPECT_EQ(t.observe(0, 2000).verdict, V::kRestart);
  EXPECT_EQ(t.newest_seq(), 0u);
}

TEST(SeqTrackerTest, MessagesWithoutSeqAreOrderedByTime) {
  SeqTracker t;
  EXPECT_EQ(t.observe_unsequenced(1000).verdict, V::kNew);
  EXPECT_EQ(t.observe_unsequenced(1000).verdict, V::kDuplicate);
  EXPECT_EQ(t.observe_unsequenced(3000).verdict, V::kNew);
  EXPECT_EQ(t.observe_unsequenced(2000).verdict, V::kLate);
}

}  // namespace
}  // namespace wm::devices
