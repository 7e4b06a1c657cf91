#include "devices/anomaly_detector.h"

#include <algorithm>
#include <cmath>

namespace wm::devices {
namespace {

// For normal noise, sigma is this times the mean absolute deviation (sqrt(pi / 2)).
constexpr double kMeanAbsToSigma = 1.2533;
// |z| at the 99th percentile of normal noise: the calibration never goes below it, so a
// very clean series is not judged against tails narrower than a Gaussian's.
constexpr double kMinQ99 = 2.5;

// Weight of a new sample for an EWMA of `samples` typical intervals, when `steps`
// intervals have passed since the previous sample.
double alpha_for(double steps, double samples) {
  return 1.0 - std::pow(1.0 - 1.0 / std::max(samples, 1.0), steps);
}

// Smooth, monotone map of a ratio to [0, 1]: 0.5 at u == half, steeper with `power`.
double squash(double u, double half, double power) {
  if (!(u > 0)) return 0;
  return 1.0 / (1.0 + std::pow(half / u, power));
}

}  // namespace

double AnomalyDetector::spread_floor() const { return 1e-9 + 1e-6 * std::abs(level_); }

int AnomalyDetector::bucket_of(std::int64_t ts_ms) const {
  const std::int64_t period = config_.season_ms;
  const std::int64_t phase = ((ts_ms % period) + period) % period;
  return static_cast<int>(phase * kSeasonBuckets / period);
}

bool AnomalyDetector::season_ready(const Bucket& b, std::int64_t ts_ms) const {
  return config_.season_ms > 0 && ts_ms - first_ts_ >= 2 * config_.season_ms && b.n >= 3;
}

double AnomalyDetector::score_of(double u) const {
  // 0.03 at the series' own 99th percentile, 0.5 at 1.8 times it, 0.95 at 3 times.
  return squash(u, 1.8, 6);
}

AnomalyVerdict AnomalyDetector::observe(std::int64_t ts_ms, double value) {
  AnomalyVerdict v;
  if (!std::isfinite(value)) return v;
  if (n_ == 0) {
    n_ = 1;
    first_ts_ = last_ts_ = ts_ms;
    level_ = anchor_ = value;
    v.cause = AnomalyCause::kWarmup;
    return v;
  }
  ++n_;
  ts_ms = std::max(ts_ms, last_ts_);
  const auto dt = static_cast<double>(ts_ms - last_ts_);
  last_ts_ = ts_ms;
  if (dt > 0) {
    if (interval_ms_ == 0) {
      interval_ms_ = dt;
    } else if (dt != interval_ms_) {
      // Running median: a small multiplicative step toward each gap (faster at first).
      const double step = n_ < 50 ? 1.3 : 1.05;
      interval_ms_ =
          dt > interval_ms_ ? std::min(dt, interval_ms_ * step) : std::max(dt, interval_ms_ / step);
    }
  }
  const double steps = interval_ms_ > 0 ? std::clamp(dt / interval_ms_, 0.25, 1e4) : 1.0;
  if (steps > config_.gap_restart) n_ = std::min<std::int64_t>(n_, config_.warmup_samples + 1);

  // Surprise against the level, and against the seasonal profile when it is learned.
  const double floor = spread_floor();
  const double sigma = std::max(kMeanAbsToSigma * dev_, floor);
  const double expected = level_ + slope_ * std::min(steps, config_.level_samples);
  double z = (value - expected) / sigma;
  const int bucket = config_.season_ms > 0 ? bucket_of(ts_ms) : 0;
  if (config_.season_ms > 0 && season_ready(season_[bucket], ts_ms)) {
    const Bucket& b = season_[bucket];
    const double season_sigma = std::max(kMeanAbsToSigma * b.dev, floor);
    const double zs = (value - anchor_ - b.mean) / season_sigma;
    if (std::abs(zs) < std::abs(z)) z = zs;
  }
  const double q = std::max(q99_, kMinQ99);
  const double u = std::abs(z) / q;
  const bool warm = n_ > config_.warmup_samples;

  // A run of samples beyond shift_z on one side is a level shift.
  bool shifted = false;
  const int side = u > config_.shift_z ? (z > 0 ? 1 : -1) : 0;
  if (side != 0 && run_ * side > 0) {
    run_ += side;
    run_sum_ += value;
  } else {
    run_ = side;
    run_sum_ = side != 0 ? value : 0;
  }
  if (warm && std::abs(run_) >= config_.shift_run) {
    level_ = anchor_ = run_sum_ / std::abs(run_);
    slope_ = 0;
    run_ = 0;
    run_sum_ = 0;
    shifted = true;
  } else {
    learn(value, expected, steps, bucket, u > 1);
  }

  // Drift: the level away from the slow anchor, in the anchor's own long-term spread.
  const double anchor_sigma = std::max(kMeanAbsToSigma * anchor_dev_, floor);
  const double drift = std::abs(level_ - anchor_) / anchor_sigma;
  const double spike_score = score_of(u);
  const double drift_score = shifted ? 0 : config_.drift_max * squash(drift, 4, 4);

  if (warm) {
    // Calibration: track the 99th percentile of |z| (up 0.99 of a step when exceeded,
    // down 0.01 otherwise), faster while young.
    const double rate = n_ < 10 * config_.warmup_samples ? 0.05 : 0.01;
    q99_ += rate * q99_ * (std::abs(z) > q99_ ? 0.99 : -0.01);
    q99_ = std::max(q99_, 0.5);
  }
  const double weight = std::clamp(
      static_cast<double>(n_ - config_.warmup_samples) / std::max(config_.warmup_samples, 1), 0.0,
      1.0);
  v.z = u;
  v.score = std::clamp(weight * std::max(spike_score, drift_score), 0.0, 1.0);
  if (!warm) {
    v.cause = AnomalyCause::kWarmup;
  } else if (shifted) {
    v.cause = AnomalyCause::kShift;
  } else if (v.score >= 0.5) {
    v.cause = spike_score >= drift_score ? AnomalyCause::kSpike : AnomalyCause::kDrift;
  }
  return v;
}

void AnomalyDetector::learn(double value, double expected, double steps, int bucket, bool outlier) {
  const bool young = n_ <= config_.warmup_samples;
  const double young_alpha = 1.0 / static_cast<double>(n_);
  auto alpha = [&](double samples) {
    const double a = alpha_for(steps, samples);
    return young ? std::max(a, young_alpha) : a;
  };
  const double floor = spread_floor();
  const double sigma = std::max(kMeanAbsToSigma * dev_, floor);
  const double clip = young ? INFINITY : config_.huber_k * sigma;
  // Holt's linear smoothing: the level follows a local slope, so a smooth swing (a daily
  // cycle) does not leave the level lagging and the spread inflated.
  const double r = value - expected;
  const double previous = level_;
  level_ = expected + alpha(config_.level_samples) * std::clamp(r, -clip, clip);
  const double a_slope = alpha(2 * config_.level_samples);
  slope_ += a_slope * ((level_ - previous) / std::max(steps, 1.0) - slope_);
  // An outlier teaches the spread less than a normal sample: spikes must not widen it.
  const double spread_alpha = alpha(config_.spread_samples) * (outlier && !young ? 0.25 : 1.0);
  dev_ += spread_alpha * (std::min(std::abs(r), clip) - dev_);

  const double a_anchor = alpha(config_.anchor_samples);
  const double anchor_sigma = std::max(kMeanAbsToSigma * anchor_dev_, floor);
  const double anchor_clip = young ? INFINITY : config_.huber_k * anchor_sigma;
  const double ra = value - anchor_;
  anchor_ += a_anchor * std::clamp(ra, -anchor_clip, anchor_clip);
  anchor_dev_ += a_anchor * (std::min(std::abs(ra), anchor_clip) - anchor_dev_);

  if (config_.season_ms <= 0) return;
  Bucket& b = season_[bucket];
  if (b.n == 0) b.mean = static_cast<float>(value - anchor_);
  const double rs = value - anchor_ - b.mean;
  const double b_alpha = 1.0 / std::min<double>(b.n + 1.0, 30.0);
  const double b_clip =
      b.n < 3 ? INFINITY : config_.huber_k * std::max(kMeanAbsToSigma * b.dev, floor);
  b.mean += static_cast<float>(b_alpha * std::clamp(rs, -b_clip, b_clip));
  b.dev += static_cast<float>(b_alpha * (std::min(std::abs(rs), b_clip) - b.dev));
  if (b.n < UINT32_MAX) ++b.n;
}

}  // namespace wm::devices
