#include "devices/trend_window.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace wm::devices {
namespace {

std::vector<float> scratch() { return std::vector<float>(TrendWindow::kScratch); }

TEST(TrendWindowTest, ExactLineHasItsSlopeAndSignificantRise) {
  TrendWindow w;
  auto s = scratch();
  for (int i = 0; i < 10; ++i) w.add(i, 2.0 + 0.5 * i);
  const TrendFit f = w.fit(s);
  EXPECT_EQ(f.points, 10);
  EXPECT_NEAR(f.slope, 0.5, 1e-6);
  EXPECT_NEAR(f.intercept, 2.0, 1e-5);
  EXPECT_GT(f.mk_z, 3.0);
  ASSERT_TRUE(f.x_at(7.0).has_value());
  EXPECT_NEAR(*f.x_at(7.0), 10.0, 1e-4);
  EXPECT_FALSE(f.x_at(-10).has_value() && *f.x_at(-10) > f.x_last);  // behind: now
}

TEST(TrendWindowTest, OneWildPointDoesNotBendTheLine) {
  TrendWindow w;
  auto s = scratch();
  for (int i = 0; i < 12; ++i) w.add(i, i == 6 ? 100.0 : 1.0 - 0.1 * i);
  const TrendFit f = w.fit(s);
  EXPECT_NEAR(f.slope, -0.1, 1e-3);
  EXPECT_LT(f.mk_z, -2.33);
}

TEST(TrendWindowTest, NoiseAloneIsNotSignificant) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> n(0, 1);
  int significant = 0;
  auto s = scratch();
  for (int trial = 0; trial < 200; ++trial) {
    TrendWindow w;
    for (int i = 0; i < 24; ++i) w.add(i, n(rng));
    significant += std::abs(w.fit(s).mk_z) > 2.33;
  }
  EXPECT_LE(significant, 10);  // about 2% expected
}

TEST(TrendWindowTest, KeepsTheNewestPointsAndCanFitOnlyTheNewest) {
  TrendWindow w;
  auto s = scratch();
  for (int i = 0; i < 40; ++i) w.add(i, i < 30 ? 0.0 : static_cast<double>(i - 30));
  EXPECT_EQ(w.size(), TrendWindow::kCapacity);
  EXPECT_EQ(w.x(0), 8.0);
  const TrendFit recent = w.fit(s, 10);
  EXPECT_EQ(recent.points, 10);
  EXPECT_NEAR(recent.slope, 1.0, 1e-6);
  EXPECT_EQ(w.fit(s, 2).points, 2);
}

}  // namespace
}  // namespace wm::devices
