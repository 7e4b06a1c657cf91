// The streaming anomaly score on synthetic series: clean, noisy, spike, step, drift,
// daily cycle, irregular timestamps; warm-up, no look-ahead, determinism, scale.
#include "devices/anomaly_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace wm::devices {
namespace {

constexpr std::int64_t kStep = 5 * 60'000;  // five minutes
constexpr std::int64_t kT0 = 1'600'000'000'000;
constexpr int kPerDay = 288;

struct Series {
  std::vector<std::int64_t> ts;
  std::vector<double> v;
};

// level + daily swing + gaussian noise, every five minutes; `edit` changes sample i.
template <class Edit>
Series make(std::uint64_t seed, int n, double swing, double noise, Edit edit) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0, 1);
  Series s;
  for (int i = 0; i < n; ++i) {
    double v = 50 + swing * std::sin(2 * std::numbers::pi * i / kPerDay) + noise * g(rng);
    s.ts.push_back(kT0 + i * kStep);
    s.v.push_back(edit(i, v));
  }
  return s;
}
Series make(std::uint64_t seed, int n, double swing, double noise) {
  return make(seed, n, swing, noise, [](int, double v) { return v; });
}

std::vector<double> scores(const Series& s, AnomalyConfig config = {}) {
  AnomalyDetector d(config);
  std::vector<double> out;
  for (std::size_t i = 0; i < s.v.size(); ++i) out.push_back(d.observe(s.ts[i], s.v[i]).score);
  return out;
}

double max_in(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return *std::max_element(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(to));
}

TEST(AnomalyDetectorTest, CleanAndNoisySeriesStayBelowHalf) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto flat = scores(make(seed, 4000, 0, 1));
    const auto cyclic = scores(make(seed, 4000, 10, 1));
    for (std::size_t i = 0; i < flat.size(); ++i) {
      ASSERT_GE(flat[i], 0.0);
      ASSERT_LE(flat[i], 1.0);
    }
    EXPECT_LT(max_in(flat, 0, flat.size()), 0.5) << "seed " << seed;
    EXPECT_LT(max_in(cyclic, 0, cyclic.size()), 0.5) << "seed " << seed;
  }
}

TEST(AnomalyDetectorTest, WarmUpGivesZeroScores) {
  AnomalyDetector d;
  for (int i = 0; i < AnomalyConfig{}.warmup_samples; ++i) {
    const AnomalyVerdict v = d.observe(kT0 + i * kStep, i % 2 ? 1e6 : -1e6);
    EXPECT_EQ(v.score, 0.0);
    EXPECT_EQ(v.cause, AnomalyCause::kWarmup);
  }
}

TEST(AnomalyDetectorTest, SpikeScoresHighAndOnlyThere) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto s =
        scores(make(seed, 3000, 0, 1, [](int i, double v) { return i == 2000 ? v + 10 : v; }));
    EXPECT_GE(s[2000], 0.9) << "seed " << seed;
    EXPECT_LT(max_in(s, 2001, 3000), 0.5) << "seed " << seed;
    EXPECT_LT(max_in(s, 0, 2000), 0.5) << "seed " << seed;
  }
}

TEST(AnomalyDetectorTest, SpikeOnADailyCycleIsSeen) {
  const auto s =
      scores(make(7, 4000, 10, 1, [](int i, double v) { return i == 3000 ? v + 12 : v; }));
  EXPECT_GE(s[3000], 0.5);
  EXPECT_LT(max_in(s, 0, 3000), 0.5);
}

TEST(AnomalyDetectorTest, LevelShiftIsFlaggedThenRelearned) {
  AnomalyDetector d;
  const Series series = make(3, 3000, 0, 1, [](int i, double v) { return i >= 2000 ? v + 15 : v; });
  std::vector<AnomalyVerdict> v;
  for (std::size_t i = 0; i < series.v.size(); ++i)
    v.push_back(d.observe(series.ts[i], series.v[i]));
  EXPECT_GE(v[2000].score, 0.9);
  EXPECT_TRUE(std::any_of(v.begin() + 2000, v.begin() + 2020,
                          [](const AnomalyVerdict& x) { return x.cause == AnomalyCause::kShift; }));
  for (std::size_t i = 2050; i < v.size(); ++i) ASSERT_LT(v[i].score, 0.5) << i;
}

TEST(AnomalyDetectorTest, DriftIsNotASpikeButADepartureIsSeen) {
  // 0.1 sigma per sample from sample 1500 on: never a jump, 100 sigma in 1000 samples.
  const auto s = scores(make(5, 3000, 0, 1, [](int i, double v) {
    return i >= 1500 ? v + 0.1 * std::min(i - 1500, 1000) : v;
  }));
  EXPECT_LT(max_in(s, 0, 1500), 0.5);
  EXPECT_LT(max_in(s, 1500, 1520), 0.5);  // the start of a drift is not a spike
  EXPECT_GE(max_in(s, 1500, 2500), 0.3);  // but the departure shows
  EXPECT_LT(max_in(s, 2800, 3000), 0.5);  // and the new level is learned
}

TEST(AnomalyDetectorTest, IrregularTimestampsAndGapsAreHandled) {
  std::mt19937_64 rng(9);
  std::uniform_int_distribution<std::int64_t> gap(30'000, 600'000);
  std::normal_distribution<double> g(0, 1);
  AnomalyDetector d;
  std::int64_t ts = kT0;
  double worst = 0;
  for (int i = 0; i < 3000; ++i) {
    ts += gap(rng);
    if (i == 1500) ts += 3LL * 86'400'000;  // three days of silence
    worst = std::max(worst, d.observe(ts, 20 + g(rng)).score);
  }
  EXPECT_LT(worst, 0.5);
  EXPECT_GE(d.observe(ts + 60'000, 20 + 12).score, 0.9);
}

TEST(AnomalyDetectorTest, ScoresDoNotDependOnUnitsOrOffset) {
  const Series a = make(11, 2500, 3, 1, [](int i, double v) { return i == 2000 ? v + 9 : v; });
  Series b = a;
  for (double& v : b.v) v = v * 1e6 + 3e9;
  const auto sa = scores(a), sb = scores(b);
  for (std::size_t i = 0; i < sa.size(); ++i) ASSERT_NEAR(sa[i], sb[i], 1e-3) << i;
}

TEST(AnomalyDetectorTest, NoLookAheadAndDeterministic) {
  const Series s = make(13, 3000, 10, 2, [](int i, double v) { return i % 700 == 0 ? v + 20 : v; });
  const auto full = scores(s);
  EXPECT_EQ(full, scores(s));  // same input, same scores
  Series prefix = s;
  prefix.ts.resize(1234);
  prefix.v.resize(1234);
  const auto head = scores(prefix);
  for (std::size_t i = 0; i < head.size(); ++i) ASSERT_EQ(head[i], full[i]) << i;
}

TEST(AnomalyDetectorTest, NonFiniteValuesAreScoredZeroAndNotLearned) {
  AnomalyDetector d;
  for (int i = 0; i < 100; ++i) d.observe(kT0 + i * kStep, 5.0 + (i % 3) * 0.1);
  EXPECT_EQ(d.observe(kT0 + 100 * kStep, NAN).score, 0.0);
  EXPECT_EQ(d.samples(), 100);
}

}  // namespace
}  // namespace wm::devices
