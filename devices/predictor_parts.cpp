#include "devices/predictor_parts.h"

#include <algorithm>
#include <cmath>

namespace wm::devices {

std::optional<BucketMean::Point> BucketMean::add(std::int64_t ts_ms, std::int64_t bucket_ms,
                                                 double x, double y, int min_readings) {
  const std::int64_t bucket = ts_ms >= 0 ? ts_ms / bucket_ms : (ts_ms + 1) / bucket_ms - 1;
  std::optional<Point> closed;
  if (bucket != bucket_) {
    if (bucket < bucket_) return std::nullopt;  // out of order: ignored
    if (n_ >= static_cast<std::uint32_t>(std::max(min_readings, 1))) {
      closed = Point{sum_x_ / n_, sum_y_ / n_};
    }
    bucket_ = bucket;
    sum_x_ = sum_y_ = 0;
    n_ = 0;
  }
  sum_x_ += x;
  sum_y_ += y;
  ++n_;
  return closed;
}

std::optional<LimitTrend::Verdict> LimitTrend::add(double x, double y, Limit failure,
                                                   const PredictorConfig& config,
                                                   std::span<float> scratch) {
  // The baseline is the median of the first points: one odd bucket among them (a supply
  // failure on the first day) does not become the machine's normal.
  const int needed = std::clamp(config.baseline_buckets, 1, kMaxBaselinePoints);
  if (baseline_points_ < needed) {
    // Kept sorted by insertion (at most kMaxBaselinePoints).
    std::size_t i = baseline_points_++;
    const auto value = static_cast<float>(y);
    for (; i > 0 && baseline_ys_[i - 1] > value; --i) baseline_ys_[i] = baseline_ys_[i - 1];
    baseline_ys_[i] = value;
    const std::size_t n = baseline_points_;
    baseline_ = n % 2 == 1 ? baseline_ys_[n / 2] : (baseline_ys_[n / 2 - 1] + baseline_ys_[n / 2]) / 2;
  }
  window_.add(x, y);
  if (baseline_points_ < needed || window_.size() < config.min_trend_points) {
    return std::nullopt;
  }
  const double limit = failure.share_of_baseline > 0
                           ? failure.share_of_baseline * static_cast<double>(baseline_)
                           : failure.value;
  TrendFit fit = window_.fit(scratch);
  // A trend that has just begun is flatter over the whole window than over its newer
  // half: when the newer half alone is significant and steeper toward the limit, it says
  // when (the earlier, more cautious eta).
  const double toward = limit >= baseline_ ? 1.0 : -1.0;
  if (window_.size() >= 2 * config.min_trend_points) {
    const TrendFit recent = window_.fit(scratch, window_.size() / 2);
    if (recent.mk_z * toward >= 1.64 && recent.slope * toward > fit.slope * toward) {
      fit.slope = recent.slope;
      fit.intercept = recent.intercept;
    }
  }
  Verdict v;
  Judgement& j = v.judgement;
  v.x_last = fit.x_last;
  const double now = fit.at(fit.x_last);
  const double span = limit - baseline_;
  const double direction = span >= 0 ? 1.0 : -1.0;
  j.value = static_cast<float>(now);
  j.baseline = baseline_;
  j.limit = static_cast<float>(limit);
  j.trend_z = static_cast<float>(fit.mk_z * direction);

  // Beyond the limit already: failing now, if most recent points agree.
  if ((now - limit) * direction >= 0) {
    int beyond = 0, recent = std::min(window_.size(), 4);
    for (int i = window_.size() - recent; i < window_.size(); ++i) {
      beyond += (window_.y(i) - limit) * direction >= 0;
    }
    j.confidence = 2 * beyond >= recent ? 1.0 : 0.5;
    v.eta_x = fit.x_last;
    return v;
  }
  const double significance =
      std::clamp((fit.mk_z * direction - 1.64) / (config.trend_z_full - 1.64), 0.0, 1.0);
  const double progress =
      std::abs(span) > 0 ? std::clamp((now - baseline_) / span / config.progress_full, 0.0, 1.0)
                         : 1.0;
  j.confidence = std::min(significance, progress);
  if (significance > 0 && fit.slope * direction > 0) v.eta_x = fit.x_at(limit);
  return v;
}

void LimitTrend::reset() { *this = LimitTrend{}; }

ConfidenceLatch::Step ConfidenceLatch::judge(double confidence, bool due,
                                             const PredictorConfig& config) {
  const bool against =
      active_ ? confidence < config.clear_confidence : confidence >= config.open_confidence && due;
  if (!against) {
    streak_ = 0;
    return Step::kNone;
  }
  if (++streak_ < std::max(active_ ? config.clear_confirm : config.confirm, 1)) return Step::kNone;
  streak_ = 0;
  active_ = !active_;
  return active_ ? Step::kOpen : Step::kClose;
}

}  // namespace wm::devices
