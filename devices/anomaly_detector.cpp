#include "devices/anomaly_detector.h"

#include <algorithm>
#include <cmath>

namespace wm::devices {
namespace {

// For normal noise, sigma is this times the mean absolute deviation (sqrt(pi / 2)).
constexpr double kMeanAbsToSigma = 1.2533;
// |z| at the 90th percentile of normal noise, and the gap to its 99th: the calibration never
// goes below them, so a very clean series is not judged against tails thinner than a
// Gaussian's.
constexpr double kMinQ90 = 1.645;
constexpr double kMinTail = 0.93;
// Beyond the 90th percentile, each such step of |z| is another factor of ten: the gap to the
// 99th percentile, but at most kTailShare of it (a Gaussian's tail on that scale), so a
// heavy tail widens the scale without being extrapolated heavier still.
constexpr double kTailShare = 0.37;
// Visits of a slot of the seasonal profile that its running means remember.
constexpr double kSlotMemory = 12;
// Slots either side whose memory of surprises counts as "about this time".
constexpr int kRecallSlots = 2;
// Bits of surprise that noise alone reaches now and then in a few periods of a slot: only a
// remembered surprise beyond this discounts a new one.
constexpr double kRareBits = 4;
// A surprise as large as the one remembered counts this many bits: it takes about twice the
// remembered one to score 0.5.
constexpr double kRecurrentBits = 3;
// Residuals are clipped at this many local sigmas when the forecasts are compared.
constexpr double kCompareClip = 10;
// A sample counts at most this many bits in the CUSUM, so one huge spike is one event.
constexpr double kChangeCap = 6;

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

double AnomalyDetector::floor_of(double scale) const { return 1e-9 + 1e-6 * std::abs(scale); }

int AnomalyDetector::slot_of(std::int64_t ts_ms) const {
  const std::int64_t period = config_.season_ms;
  const std::int64_t phase = ((ts_ms % period) + period) % period;
  return static_cast<int>(phase * kSeasonSlots / period);
}

std::int64_t AnomalyDetector::period_of(std::int64_t ts_ms) const {
  const std::int64_t p = config_.season_ms;
  return ts_ms >= 0 ? ts_ms / p : -((-ts_ms + p - 1) / p);
}

double AnomalyDetector::bits_of(double abs_z, int model) const {
  const double q90 = std::max(q90_[model], kMinQ90);
  const double tail = std::max(std::min(q99_[model] - q90, kTailShare * q99_[model]), kMinTail);
  if (abs_z <= q90) return abs_z / q90;
  return 1.0 + (abs_z - q90) / tail;
}

double AnomalyDetector::recalled(const Slot& slot, std::int64_t period) {
  // The largest surprise of earlier periods: the last one's in full, older ones halved per
  // period since, so what came yesterday at this time is expected, what came last week hardly.
  if (slot.period >= period) return slot.peak_before;
  const auto ago = static_cast<double>(std::min<std::int64_t>(period - slot.period, 60));
  const double older = std::max(slot.peak, slot.peak_before) * std::pow(0.5, ago);
  return ago == 1 ? std::max<double>(slot.peak, older) : older;
}

double AnomalyDetector::recurrent_bits(int slot, std::int64_t period) const {
  double bits = 0;
  for (int k = -kRecallSlots; k <= kRecallSlots; ++k) {
    bits = std::max(bits, recalled(season_[(slot + k + kSeasonSlots) % kSeasonSlots], period));
  }
  return bits;
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
  const bool warm = n_ > config_.warmup_samples;

  // The two forecasts, their residuals, and which one judges this sample.
  const double floor = floor_of(level_);
  const double sigma_local = std::max(kMeanAbsToSigma * dev_, floor);
  const double r_local = value - (level_ + slope_ * std::min(steps, config_.level_samples));
  const bool seasonal = config_.season_ms > 0;
  const int slot = seasonal ? slot_of(ts_ms) : 0;
  const std::int64_t period = seasonal ? period_of(ts_ms) : 0;
  const Slot& s = season_[slot];
  const double slot_mean = s.n > 0 ? s.mean : 0.0;
  const double r_season = value - (anchor_ + slot_mean + fast_);
  const double sigma_season =
      std::max(kMeanAbsToSigma * 0.5 * (season_dev_ + (s.n > 0 ? s.dev : season_dev_)), floor);
  const bool season_ready = seasonal && s.n >= 2 && ts_ms - first_ts_ >= 2 * config_.season_ms;
  const bool use_season = season_ready && err_season_ < config_.season_gain * err_local_;
  const int model = use_season ? 1 : 0;
  const double z_local = r_local / sigma_local;
  const double z_season = r_season / sigma_season;
  const double z = use_season ? z_season : z_local;
  const double abs_z = std::abs(z);
  const double raw_bits = bits_of(abs_z, model);
  // A surprise that recurs at about this time of the period is part of the pattern.
  const double recurrent = seasonal ? recurrent_bits(slot, period) : 0.0;
  const double bits = recurrent > kRareBits ? raw_bits * kRecurrentBits / recurrent : raw_bits;
  const double q99 = std::max(q99_[model], std::max(q90_[model], kMinQ90) + kMinTail);

  // A run of samples beyond shift_z on one side is a level shift: re-learn there.
  bool shifted = false;
  const int side = warm && abs_z > config_.shift_z * q99 ? (z > 0 ? 1 : -1) : 0;
  if (side != 0 && run_ * side > 0) {
    run_ += side;
    run_level_ += 0.5 * (value - run_level_);  // recent-weighted: the first may overshoot
  } else {
    run_ = side;
    run_level_ = value;
  }
  if (std::abs(run_) >= config_.shift_run) {
    relearn_at(run_level_, slot_mean);
    shifted = true;
  } else {
    if (season_ready) {
      // The comparison of the forecasts: mean squared residuals, both clipped on the local
      // scale, so that the few samples a cycle explains (its rises and falls) count.
      const double clip = kCompareClip * sigma_local;
      compared_ += 1;
      const double a = std::max(alpha_for(steps, config_.spread_samples), 1.0 / compared_);
      err_local_ += a * (std::pow(std::min(std::abs(r_local), clip), 2) - err_local_);
      err_season_ += a * (std::pow(std::min(std::abs(r_season), clip), 2) - err_season_);
    }
    learn(value, steps, slot, r_local, r_season, abs_z > q99);
  }

  if (warm) {
    // Change: a CUSUM of the surprise above an allowance per sample.
    cusum_ = shifted ? 0.0
                     : std::clamp(cusum_ + std::min(bits, kChangeCap) - config_.change_allow, 0.0,
                                  2 * config_.change_bits);
    // Calibration: track the 90th and 99th percentiles of each forecast's |z| (up p of a
    // step when exceeded, down 1 - p otherwise), faster while young.
    const double rate = n_ < 10 * config_.warmup_samples ? 0.05 : 0.01;
    track(0, std::abs(z_local), rate);
    if (season_ready) track(1, std::abs(z_season), rate);
    if (seasonal) {
      Slot& here = season_[slot];
      here.peak_before = static_cast<float>(recalled(here, period));
      here.peak = static_cast<float>(here.period == period ? std::max<double>(here.peak, raw_bits)
                                                           : raw_bits);
      here.period = period;
    }
  }
  // Drift: the deseasonalised level away from the slow one, in the slow one's own spread.
  const double drift = std::abs(fast_) / std::max(kMeanAbsToSigma * anchor_dev_, floor);

  const double spike_score = squash(bits, config_.spike_bits, 8);
  const double change_score = squash(cusum_, config_.change_bits, 4);
  const double drift_score = shifted ? 0 : config_.drift_max * squash(drift, 4, 4);
  const double weight = std::clamp(
      static_cast<double>(n_ - config_.warmup_samples) / std::max(config_.warmup_samples, 1), 0.0,
      1.0);
  v.z = bits;
  v.score = std::clamp(weight * std::max({spike_score, change_score, drift_score}), 0.0, 1.0);
  if (!warm) {
    v.cause = AnomalyCause::kWarmup;
  } else if (shifted) {
    v.cause = AnomalyCause::kShift;
  } else if (v.score >= 0.5) {
    v.cause = spike_score >= std::max(change_score, drift_score) ? AnomalyCause::kSpike
              : change_score >= drift_score                      ? AnomalyCause::kShift
                                                                 : AnomalyCause::kDrift;
  }
  return v;
}

void AnomalyDetector::track(int model, double abs_z, double rate) {
  q90_[model] += rate * q90_[model] * (abs_z > q90_[model] ? 0.9 : -0.1);
  q99_[model] += rate * q99_[model] * (abs_z > q99_[model] ? 0.99 : -0.01);
  q90_[model] = std::max(q90_[model], 0.1);
  q99_[model] = std::max(q99_[model], q90_[model]);
}

void AnomalyDetector::relearn_at(double level, double slot_mean) {
  level_ = level;
  slope_ = 0;
  anchor_ = level - slot_mean;
  fast_ = 0;
  cusum_ = 0;
  run_ = 0;
  run_level_ = 0;
}

void AnomalyDetector::learn(double value, double steps, int slot, double r_local, double r_season,
                            bool outlier) {
  const bool young = n_ <= config_.warmup_samples;
  const double young_alpha = 1.0 / static_cast<double>(n_);
  auto alpha = [&](double samples) {
    const double a = alpha_for(steps, samples);
    return young ? std::max(a, young_alpha) : a;
  };
  const double floor = floor_of(level_);
  // An outlier teaches a spread less than a normal sample (spikes must not widen it), unless
  // a change is under way: a noisier regime is to be learned.
  const bool damp = outlier && !young && cusum_ < config_.change_bits;
  const double spread_alpha = alpha(config_.spread_samples) * (damp ? 0.25 : 1.0);

  // Local: Holt's linear smoothing, so a smooth swing does not leave the level lagging.
  const double sigma = std::max(kMeanAbsToSigma * dev_, floor);
  const double clip = young ? INFINITY : config_.huber_k * sigma;
  const double previous = level_;
  level_ = (value - r_local) + alpha(config_.level_samples) * std::clamp(r_local, -clip, clip);
  slope_ +=
      alpha(2 * config_.level_samples) * ((level_ - previous) / std::max(steps, 1.0) - slope_);
  dev_ += spread_alpha * (std::min(std::abs(r_local), clip) - dev_);

  // The slow deseasonalised level: over about a period (600 intervals without a season).
  Slot& s = season_[slot];
  const bool seasonal = config_.season_ms > 0;
  const double per_period =
      seasonal && interval_ms_ > 0 ? static_cast<double>(config_.season_ms) / interval_ms_ : 600;
  const double a_anchor = alpha(std::clamp(per_period, 50.0, 20'000.0));
  const double anchor_clip =
      young ? INFINITY : config_.huber_k * std::max(kMeanAbsToSigma * anchor_dev_, floor);
  const double ra = value - (s.n > 0 ? s.mean : 0.0) - anchor_;
  anchor_ += a_anchor * std::clamp(ra, -anchor_clip, anchor_clip);
  anchor_dev_ += a_anchor * (std::min(std::abs(ra), anchor_clip) - anchor_dev_);
  if (!seasonal) return;

  // The fast correction and the slot's profile around the slow level.
  const double season_sigma =
      std::max(kMeanAbsToSigma * 0.5 * (season_dev_ + (s.n > 0 ? s.dev : season_dev_)), floor);
  const double season_clip = young ? INFINITY : config_.huber_k * season_sigma;
  fast_ += alpha(config_.level_samples) * std::clamp(r_season, -season_clip, season_clip);
  season_dev_ += spread_alpha * (std::min(std::abs(r_season), season_clip) - season_dev_);
  if (s.n == 0) {
    s.mean = static_cast<float>(value - anchor_);
    s.dev = static_cast<float>(season_dev_);
  }
  const double slot_alpha = 1.0 / std::min<double>(s.n + 1.0, kSlotMemory);
  const double slot_clip =
      s.n < 3 ? INFINITY : config_.huber_k * std::max(kMeanAbsToSigma * s.dev, floor);
  s.mean +=
      static_cast<float>(slot_alpha * std::clamp(value - anchor_ - s.mean, -slot_clip, slot_clip));
  s.dev += static_cast<float>(slot_alpha * (std::min(std::abs(r_season), season_clip) - s.dev));
  if (s.n < UINT32_MAX) ++s.n;
}

}  // namespace wm::devices
