// The refund arithmetic at its edges: the undelivered share and its rounding, the
// no-water evidence around exactly half, the local day, and the site's auto limit.
#include "tickets/refund_policy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "tickets/ticket_test_util.h"

namespace wm::tickets {
namespace {

TEST(UndeliveredShareTest, ExactShares) {
  EXPECT_EQ(undelivered_share_fen(100, 500, 0), 100);
  EXPECT_EQ(undelivered_share_fen(100, 500, 250), 50);
  EXPECT_EQ(undelivered_share_fen(100, 500, 500), 0);
  EXPECT_EQ(undelivered_share_fen(0, 500, 0), 0);
}

TEST(UndeliveredShareTest, RoundsUpToTheFenInTheCustomersFavour) {
  // 99 * 499 / 500 = 98.802 -> 99; 50 * 1 / 3 = 16.67 -> 17; 1 * 1 / 500 = 0.002 -> 1.
  EXPECT_EQ(undelivered_share_fen(99, 500, 1), 99);
  EXPECT_EQ(undelivered_share_fen(50, 3, 2), 17);
  EXPECT_EQ(undelivered_share_fen(1, 500, 499), 1);
  // 7 * 2 / 4 = 3.5 -> 4.
  EXPECT_EQ(undelivered_share_fen(7, 4, 2), 4);
}

TEST(UndeliveredShareTest, OverPourAndNegativeInputsGiveNothingBack) {
  EXPECT_EQ(undelivered_share_fen(100, 500, 600), 0);
  EXPECT_EQ(undelivered_share_fen(100, 0, 0), 0);
  EXPECT_EQ(undelivered_share_fen(-5, 500, 0), 0);
  EXPECT_EQ(undelivered_share_fen(100, 500, -10), 100) << "a negative reading counts as none";
}

TEST(UndeliveredShareTest, NoOverflowAtInt64Extremes) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(undelivered_share_fen(kMax, kMax, 0), kMax);
  EXPECT_EQ(undelivered_share_fen(kMax, kMax, kMax - 1), 1);
  // kMax * (kMax/2 + 1) / kMax rounds to kMax/2 + 1 exactly.
  EXPECT_EQ(undelivered_share_fen(kMax, kMax, kMax / 2), kMax - kMax / 2);
  EXPECT_EQ(undelivered_share_fen(3, kMax, 1), 3);
}

TEST(NoWaterEvidenceTest, BelowHalfIsEvidenceExactlyHalfIsNot) {
  EXPECT_TRUE(no_water_evidence(500, 0, false));
  EXPECT_TRUE(no_water_evidence(500, 249, false));
  EXPECT_FALSE(no_water_evidence(500, 250, false)) << "exactly half delivered";
  EXPECT_FALSE(no_water_evidence(500, 251, false));
  // Odd requests compare exactly: 2 < 2.5 is below half, 3 is not.
  EXPECT_TRUE(no_water_evidence(5, 2, false));
  EXPECT_FALSE(no_water_evidence(5, 3, false));
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(no_water_evidence(kMax, kMax / 2, false));
  EXPECT_FALSE(no_water_evidence(kMax, kMax / 2 + 1, false));
}

TEST(NoWaterEvidenceTest, ActiveFailureCountsUnlessEverythingCame) {
  EXPECT_TRUE(no_water_evidence(500, 499, true));
  EXPECT_FALSE(no_water_evidence(500, 500, true));
  EXPECT_FALSE(no_water_evidence(500, 600, true));
  EXPECT_FALSE(no_water_evidence(0, 0, true)) << "nothing was asked";
}

TEST(FullyDeliveredTest, OnlyWithoutAnActiveFailure) {
  EXPECT_TRUE(fully_delivered(500, 500, false));
  EXPECT_TRUE(fully_delivered(500, 510, false));
  EXPECT_FALSE(fully_delivered(500, 499, false));
  EXPECT_FALSE(fully_delivered(500, 500, true));
}

TEST(LocalDayTest, ChangesAtLocalMidnight) {
  const devices::Site beijing = testutil::site();  // +08:00
  const std::int64_t midnight = testutil::local(480, 2026, 11, 24, 0);
  EXPECT_EQ(local_day(beijing, midnight), testutil::days_from_civil(2026, 11, 24));
  EXPECT_EQ(local_day(beijing, midnight - 1), testutil::days_from_civil(2026, 11, 23));
  devices::Site west = beijing;
  west.utc_offset_min = -330;
  EXPECT_EQ(local_day(west, testutil::local(-330, 2026, 11, 24, 0)),
            testutil::days_from_civil(2026, 11, 24));
  EXPECT_EQ(local_day(west, testutil::local(-330, 2026, 11, 24, 0) - 1),
            testutil::days_from_civil(2026, 11, 23));
  devices::Site utc = beijing;
  utc.utc_offset_min = 0;
  EXPECT_EQ(local_day(utc, -1), -1) << "floor before 1970";
  EXPECT_EQ(local_day(utc, 0), 0);
}

TEST(AutoLimitTest, ContractWinsOverThePolicy) {
  RefundPolicy policy;
  devices::Site site = testutil::site();
  EXPECT_EQ(auto_limit_fen(policy, site), 2000) << "DESIGN.md default";
  policy.auto_limit_fen = 500;
  EXPECT_EQ(auto_limit_fen(policy, site), 500);
  site.contract.refund_auto_limit_fen = 0;
  EXPECT_EQ(auto_limit_fen(policy, site), 0);
  site.contract.refund_auto_limit_fen = 5000;
  EXPECT_EQ(auto_limit_fen(policy, site), 5000);
}

}  // namespace
}  // namespace wm::tickets
