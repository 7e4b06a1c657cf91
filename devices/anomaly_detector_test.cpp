// The streaming anomaly score on synthetic series: clean, noisy, spike, step, drift,
// daily cycle, irregular timestamps; warm-up, no look-ahead, determinism, scale; a daily
// peak that fails to come, a noise-free cycle, a nightly job, a noisier regime, a flat line.
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

// n samples every five minutes from a midnight (UTC), value(i) for sample i.
template <class Value>
Series series_of(int n, Value value) {
  constexpr std::int64_t kMidnight = kT0 - kT0 % 86'400'000;
  Series s;
  for (int i = 0; i < n; ++i) {
    s.ts.push_back(kMidnight + i * kStep);
    s.v.push_back(value(i));
  }
  return s;
}

// A working day: 20 at night, 80 from 09:00 to 18:00. (The seasonal profile has 15-minute
// slots: a step in the middle of one is smeared over it, one on the clock is learned sharp.)
double working_day(int i) {
  const int hour = (i % kPerDay) / 12;
  return hour >= 9 && hour < 18 ? 80 : 20;
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
  EXPECT_GE(max_in(s, 1500, 2500), 0.2);  // but the departure shows,
  EXPECT_LT(max_in(s, 1500, 2500), 0.5);  // below the alarm line (drift_max)
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

TEST(AnomalyDetectorTest, DailyPeakThatFailsToComeIsSeen) {
  // A local forecast finds nothing wrong with a quiet day; the learned cycle does.
  constexpr std::size_t kDay = kPerDay;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0, 1);
    const auto s = scores(series_of(
        10 * kPerDay, [&](int i) { return (i / kPerDay == 8 ? 20 : working_day(i)) + g(rng); }));
    EXPECT_LT(max_in(s, 2 * kDay, 8 * kDay), 0.5) << "seed " << seed;  // the cycle is learned
    EXPECT_GE(max_in(s, 8 * kDay + 108, 8 * kDay + 120), 0.9) << "seed " << seed;
    EXPECT_LT(max_in(s, 9 * kDay, 10 * kDay), 0.5) << "seed " << seed;  // its return is not news
  }
}

TEST(AnomalyDetectorTest, NoiseFreeCycleRaisesNoAlarm) {
  // Steps of 60 twice a day with no noise at all: expected from the third day on.
  const auto s = scores(series_of(10 * kPerDay, working_day));
  EXPECT_LT(max_in(s, 2 * kPerDay, s.size()), 0.5);
}

TEST(AnomalyDetectorTest, NightlyJobIsLearnedButADaytimeSpikeIsNot) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, 1);
  std::uniform_int_distribution<int> jitter(0, 4);  // 03:00 to 03:20
  std::vector<int> job(10);
  for (int& j : job) j = 36 + jitter(rng);
  const auto s = scores(series_of(10 * kPerDay, [&](int i) {
    const int day = i / kPerDay, k = i % kPerDay;
    return 50 + g(rng) + (k == job[day] ? 20 : 0) + (day == 9 && k == 180 ? 20 : 0);
  }));
  for (int day = 2; day < 10; ++day) {
    EXPECT_LT(s[static_cast<std::size_t>(day * kPerDay + job[day])], 0.5) << "day " << day;
  }
  EXPECT_GE(s[9 * kPerDay + 180], 0.9);  // 20 sigma at 15:00, never seen at that time
}

TEST(AnomalyDetectorTest, NoisierRegimeIsSeenThenLearned) {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> g(0, 1);
  const auto s = scores(series_of(3000, [&](int i) { return 50 + g(rng) * (i >= 2500 ? 4 : 1); }));
  EXPECT_LT(max_in(s, 0, 2500), 0.5);
  EXPECT_GE(max_in(s, 2500, 2600), 0.5);
  EXPECT_LT(max_in(s, 2700, 3000), 0.5);
}

TEST(AnomalyDetectorTest, FlatLineIsQuietAndAStepOnItIsNot) {
  const auto s = scores(series_of(1200, [](int i) { return i < 1000 ? 42.0 : 43.0; }));
  EXPECT_EQ(max_in(s, 0, 1000), 0.0);
  EXPECT_GE(s[1000], 0.9);
  EXPECT_LT(max_in(s, 1010, 1200), 0.5);
}

}  // namespace
}  // namespace wm::devices
