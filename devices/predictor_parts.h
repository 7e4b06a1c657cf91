// Pieces the fault predictors are built from (devices/predictors.h): a time bucket that
// averages readings into one trend point, a trend toward a limit judged against the
// machine's own baseline, and the debounce latch. Fixed size, no allocation.
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "devices/prediction.h"
#include "devices/trend_window.h"

namespace wm::devices {

// One evaluation of a predictor: how sure, when (if the trend says so) and the numbers
// behind it, from which the evidence sentence is written when a change is reported.
struct Judgement {
  double confidence = 0;
  std::optional<std::int64_t> eta_ms;  // only when the trend is meaningful (or failing now)
  std::optional<std::int64_t> litres_left;
  float value = 0;        // the fitted value now (or the short-term level)
  float baseline = 0;     // the machine's own normal
  float limit = 0;        // where it fails (bands: the half-width)
  float trend_z = 0;      // Mann–Kendall z toward the limit
  std::uint8_t path = 0;  // predictor-specific: which rule spoke (filter: 0 flow, 1 rated)
};

// Averages the readings of one time bucket; a bucket is closed by the first reading of a
// later one. Returns the closed bucket's mean when it had at least min_readings.
class BucketMean {
 public:
  struct Point {
    double x;
    double y;
  };
  std::optional<Point> add(std::int64_t ts_ms, std::int64_t bucket_ms, double x, double y,
                           int min_readings);
  void clear() { *this = BucketMean{}; }

 private:
  std::int64_t bucket_ = INT64_MIN;
  double sum_x_ = 0;
  double sum_y_ = 0;
  std::uint32_t n_ = 0;
};

// A value heading for a failure limit: the first baseline_buckets points after a reset
// are the machine's baseline; then each point is judged with a Theil–Sen / Mann–Kendall
// fit over the window: confidence is the lesser of the trend's significance toward the
// limit and how far the fitted value has come from the baseline toward it.
class LimitTrend {
 public:
  // One point (x must not decrease). Returns a judgement once the baseline is known and
  // the window holds min_trend_points; eta_x is in units of x.
  struct Verdict {
    Judgement judgement;
    std::optional<double> eta_x;
    double x_last = 0;
  };
  // The failure level: a fixed value, or a share of the learned baseline (share > 0).
  struct Limit {
    double value = 0;
    double share_of_baseline = 0;
  };
  std::optional<Verdict> add(double x, double y, Limit limit, const PredictorConfig& config,
                             std::span<float> scratch);
  void reset();
  void forget_trend() { window_.clear(); }  // the points so far; the baseline stays
  bool has_baseline(int needed) const { return baseline_points_ >= needed; }
  double baseline() const { return baseline_; }

 private:
  TrendWindow window_;
  float baseline_ = 0;
  static constexpr int kMaxBaselinePoints = 8;
  std::array<float, kMaxBaselinePoints> baseline_ys_{};
  std::uint8_t baseline_points_ = 0;
};

// Debounce with hysteresis: see PredictorConfig.
class ConfidenceLatch {
 public:
  enum class Step : std::uint8_t { kNone, kOpen, kClose };
  Step judge(double confidence, bool due, const PredictorConfig& config);
  bool active() const { return active_; }
  void reset() { *this = ConfidenceLatch{}; }

 private:
  bool active_ = false;
  std::uint8_t streak_ = 0;
};

}  // namespace wm::devices
