// The predictors' parts: buckets, the debounce latch and the limit trend.
#include <gtest/gtest.h>

#include <vector>

#include "devices/predictor_parts.h"

namespace wm::devices {
namespace {

TEST(BucketMeanTest, ClosesABucketOnTheFirstReadingOfALaterOne) {
  BucketMean b;
  EXPECT_FALSE(b.add(0, 100, 1, 10, 2));
  EXPECT_FALSE(b.add(50, 100, 3, 20, 2));
  const auto closed = b.add(120, 100, 5, 99, 2);
  ASSERT_TRUE(closed);
  EXPECT_DOUBLE_EQ(closed->x, 2);
  EXPECT_DOUBLE_EQ(closed->y, 15);
  EXPECT_FALSE(b.add(250, 100, 0, 0, 2));  // the bucket of 120 had one reading: too few
  EXPECT_FALSE(b.add(10, 100, 0, 0, 1));   // older than the current bucket: ignored
}

TEST(ConfidenceLatchTest, OpensAndClearsOnlyAfterConfirmations) {
  PredictorConfig c;
  c.confirm = 2;
  c.clear_confirm = 3;
  ConfidenceLatch latch;
  using Step = ConfidenceLatch::Step;
  EXPECT_EQ(latch.judge(0.9, true, c), Step::kNone);
  EXPECT_EQ(latch.judge(0.1, true, c), Step::kNone);  // streak broken
  EXPECT_EQ(latch.judge(0.9, true, c), Step::kNone);
  EXPECT_EQ(latch.judge(0.9, false, c), Step::kNone);  // not due: no open
  EXPECT_EQ(latch.judge(0.9, true, c), Step::kNone);
  EXPECT_EQ(latch.judge(0.9, true, c), Step::kOpen);
  // Between the thresholds nothing changes (hysteresis).
  for (int i = 0; i < 10; ++i) EXPECT_EQ(latch.judge(0.45, true, c), Step::kNone);
  EXPECT_EQ(latch.judge(0.1, true, c), Step::kNone);
  EXPECT_EQ(latch.judge(0.1, true, c), Step::kNone);
  EXPECT_EQ(latch.judge(0.1, true, c), Step::kClose);
  EXPECT_FALSE(latch.active());
}

TEST(LimitTrendTest, LearnsItsBaselineThenJudgesTheWayToTheLimit) {
  PredictorConfig c;
  std::vector<float> scratch(TrendWindow::kScratch);
  LimitTrend t;
  // Baseline 0.96 for four points, then falling 0.005 per point toward 0.90.
  std::optional<LimitTrend::Verdict> v;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(t.add(i, 0.96, {0.90, 0}, c, scratch));
  EXPECT_DOUBLE_EQ(t.baseline(), 0.96F);
  for (int i = 4; i < 14; ++i) v = t.add(i, 0.96 - 0.005 * (i - 3), {0.90, 0}, c, scratch);
  ASSERT_TRUE(v);
  EXPECT_GE(v->judgement.confidence, 0.6);
  ASSERT_TRUE(v->eta_x);
  EXPECT_NEAR(*v->eta_x, 3 + 0.06 / 0.005, 0.5);
  EXPECT_GT(v->judgement.trend_z, 2.33F);
}

TEST(LimitTrendTest, AFlatSeriesHasNoConfidenceAndNoEta) {
  PredictorConfig c;
  std::vector<float> scratch(TrendWindow::kScratch);
  LimitTrend t;
  std::optional<LimitTrend::Verdict> v;
  for (int i = 0; i < 20; ++i) v = t.add(i, 10.0 + (i % 3) * 0.1, {50, 0}, c, scratch);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->judgement.confidence, 0.0);
  EXPECT_FALSE(v->eta_x);
}

TEST(LimitTrendTest, BeyondTheLimitIsFailingNow) {
  PredictorConfig c;
  std::vector<float> scratch(TrendWindow::kScratch);
  LimitTrend t;
  std::optional<LimitTrend::Verdict> v;
  for (int i = 0; i < 10; ++i) v = t.add(i, i < 4 ? 1.0 : 0.5, {0, 0.7}, c, scratch);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->judgement.confidence, 1.0);
  ASSERT_TRUE(v->eta_x);
  EXPECT_EQ(*v->eta_x, 9.0);
}

}  // namespace
}  // namespace wm::devices
