#include "devices/predictors.h"

#include <algorithm>
#include <cmath>

namespace wm::devices {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr double kMeanAbsToSigma = 1.2533;  // sigma of normal noise per mean |deviation|

double hours_since(std::int64_t origin_ms, std::int64_t ts_ms) {
  return static_cast<double>(ts_ms - origin_ms) / static_cast<double>(kHourMs);
}

std::int64_t at_hours(std::int64_t origin_ms, double hours) {
  return origin_ms + static_cast<std::int64_t>(std::llround(hours * static_cast<double>(kHourMs)));
}

}  // namespace

int bucket_readings(std::int64_t bucket_ms, std::int64_t cadence_ms) {
  if (cadence_ms <= 0) return 3;
  return static_cast<int>(std::clamp<std::int64_t>(bucket_ms / cadence_ms / 20, 1, 3));
}

// --- filter_clogging ----------------------------------------------------------------

void FilterLifePredictor::track_usage(std::int64_t ts_ms, std::int64_t litres) {
  if (first_ms_ == INT64_MIN) {
    first_ms_ = anchor_ms_ = last_ms_ = ts_ms;
    first_l_ = anchor_l_ = last_l_ = litres;
    return;
  }
  last_ms_ = ts_ms;
  last_l_ = litres;
  if (ts_ms - anchor_ms_ >= kDayMs) {
    const double day =
        static_cast<double>(litres - anchor_l_) / static_cast<double>(ts_ms - anchor_ms_);
    litres_per_ms_ = litres_per_ms_ > 0 ? 0.7 * litres_per_ms_ + 0.3 * day : day;
    anchor_ms_ = ts_ms;
    anchor_l_ = litres;
  }
}

double FilterLifePredictor::litres_per_day() const {
  if (litres_per_ms_ > 0) return litres_per_ms_ * kDayMs;
  if (first_ms_ == INT64_MIN || last_ms_ - first_ms_ < kDayMs / 4) return 0;
  return static_cast<double>(last_l_ - first_l_) / static_cast<double>(last_ms_ - first_ms_) *
         kDayMs;
}

std::optional<Judgement> FilterLifePredictor::on_telemetry(const protocols::Telemetry& t,
                                                           double rated_l, std::int64_t cadence_ms,
                                                           const PredictorConfig& config,
                                                           std::span<float> scratch) {
  track_usage(t.ts_ms, t.filter_l);
  if (t.flow_lpm <= config.flowing_lpm || t.pressure_kpa <= 1) return std::nullopt;
  // Flow per pressure says something about the filter only at the supply pressure the
  // machine usually has: when the supply fails (water_supply) the flow falls for another
  // reason, and not in proportion.
  const auto pressure = static_cast<float>(t.pressure_kpa);
  if (pressure_n_ < kPressureWarmup) {
    ++pressure_n_;
    pressure_mean_ += (pressure - pressure_mean_) / static_cast<float>(pressure_n_);
  } else if (pressure < config.filter_min_pressure_share * pressure_mean_) {
    return std::nullopt;
  } else {
    pressure_mean_ += (pressure - pressure_mean_) / 500.0F;
  }
  const auto point = bucket_.add(t.ts_ms, config.trend_bucket_ms, static_cast<double>(t.filter_l),
                                 t.flow_lpm / t.pressure_kpa,
                                 bucket_readings(config.trend_bucket_ms, cadence_ms));
  if (!point) return std::nullopt;
  const auto verdict =
      trend_.add(point->x, point->y, {0, config.filter_min_flow_share}, config, scratch);
  const double per_day = litres_per_day();
  auto eta_for = [&](double litres_left) -> std::optional<std::int64_t> {
    if (litres_left <= 0) return t.ts_ms;
    if (per_day <= 0) return std::nullopt;
    return t.ts_ms + static_cast<std::int64_t>(litres_left / per_day * kDayMs);
  };

  std::optional<Judgement> flow;
  if (verdict) {
    flow = verdict->judgement;
    if (verdict->eta_x) {
      const double left = std::max(0.0, *verdict->eta_x - static_cast<double>(t.filter_l));
      flow->litres_left = static_cast<std::int64_t>(std::llround(left));
      flow->eta_ms = eta_for(left);
    }
  }
  // The rated life alone opens nothing: a filter past its rating that still passes its
  // flow is not failing (and many are changed by the calendar anyway). It dates the
  // failure while the flow trend is significant but cannot say when yet.
  if (!flow) return std::nullopt;
  if (!flow->eta_ms && rated_l > 0 && flow->confidence > 0) {
    const double left = std::max(0.0, rated_l - static_cast<double>(t.filter_l));
    flow->litres_left = static_cast<std::int64_t>(std::llround(left));
    flow->eta_ms = eta_for(left);
  }
  return flow;
}

// --- membrane_degradation and water_quality ----------------------------------------------

std::optional<Judgement> TimeTrendPredictor::on_telemetry(const protocols::Telemetry& t,
                                                          std::int64_t cadence_ms,
                                                          const PredictorConfig& config,
                                                          std::span<float> scratch) {
  double value = 0;
  LimitTrend::Limit limit;
  std::int64_t bucket_ms = config.trend_bucket_ms;
  if (signal_ == Signal::kSaltRejection) {
    // Only while water flows through the membrane: standing water creeps up in TDS.
    if (t.flow_lpm <= config.flowing_lpm || t.tds_in < config.min_tds_in_ppm) return std::nullopt;
    value = 1.0 - t.tds_out / t.tds_in;
    limit.value = config.rejection_limit;
  } else {
    value = t.tds_out;
    limit.value = config.tds_out_limit_ppm;
    bucket_ms = config.tds_bucket_ms;
  }
  if (origin_ms_ == INT64_MIN) origin_ms_ = t.ts_ms;
  if (t.ts_ms < origin_ms_) return std::nullopt;
  const auto point =
      bucket_.add(t.ts_ms, bucket_ms, hours_since(origin_ms_, t.ts_ms), value,
                  bucket_readings(bucket_ms, cadence_ms));
  if (!point) return std::nullopt;
  auto verdict = trend_.add(point->x, point->y, limit, config, scratch);
  if (!verdict) return std::nullopt;
  Judgement j = verdict->judgement;
  if (verdict->eta_x) j.eta_ms = std::max(t.ts_ms, at_hours(origin_ms_, *verdict->eta_x));
  // A failure "now" is dated by the newest reading, not the middle of its bucket.
  if (j.eta_ms && *verdict->eta_x <= verdict->x_last) j.eta_ms = t.ts_ms;
  return j;
}

// --- pump_fault and heater_fault ----------------------------------------------------------

// The band starts from the median of kWarmSamples readings spread over band_warmup_ms (and
// their median absolute deviation), so that a fault in the first hours, shorter than half
// of that span, cannot become the machine's normal.
void BandWatch::take_warm_sample(std::int64_t ts_ms, double value, const PredictorConfig& config) {
  const std::int64_t spacing = config.band_warmup_ms / kWarmSamples;
  if (warm_n_ > 0 && ts_ms - warm_last_ms_ < spacing) return;
  warm_[warm_n_++] = static_cast<float>(value);
  warm_last_ms_ = ts_ms;
  if (warm_n_ < kWarmSamples) return;
  std::array<float, kWarmSamples> sorted = warm_;
  auto median = [](std::array<float, kWarmSamples>& v) {
    std::nth_element(v.begin(), v.begin() + kWarmSamples / 2, v.end());
    return v[kWarmSamples / 2];
  };
  const float level = median(sorted);
  for (float& x : sorted) x = std::abs(x - level);
  constexpr float kMadToMeanAbs = 1.18F;  // mean |deviation| per median |deviation| (normal)
  all_.mean = level;
  all_.dev = kMadToMeanAbs * median(sorted);
  all_.n = std::max(all_.n, static_cast<std::uint32_t>(config.band_warmup_readings));
}

void BandWatch::forget_evidence() {
  stepped_out_ = false;
  recent_ = 0;
  outside_ = 0;
  bucket_.clear();
  trend_.clear();
}

std::optional<Judgement> BandWatch::on_telemetry(const protocols::Telemetry& t,
                                                 const PredictorConfig& config,
                                                 std::span<float> scratch) {
  if (signal_ == Signal::kWaterTemperature) return observe(t.ts_ms, t.temp_c, config, scratch);
  if (!t.pump_a) return std::nullopt;
  // Only while the pump runs: an idle pump draws nothing and says nothing about its health.
  const double running_floor =
      std::max(config.pump_floor_a, all_.n > 0 ? 0.3 * static_cast<double>(all_.mean) : 0.0);
  if (*t.pump_a <= running_floor) return std::nullopt;
  return observe(t.ts_ms, *t.pump_a, config, scratch);
}

std::optional<Judgement> BandWatch::observe(std::int64_t ts_ms, double value,
                                            const PredictorConfig& config,
                                            std::span<float> scratch) {
  if (first_ms_ == INT64_MIN) first_ms_ = ts_ms;
  if (ts_ms < first_ms_) return std::nullopt;
  const auto hour = static_cast<std::size_t>((ts_ms / kHourMs) % 24);
  Stat& at_hour = by_hour_[hour];
  if (warm_n_ < kWarmSamples) take_warm_sample(ts_ms, value, config);
  const bool warm = warm_n_ >= kWarmSamples && ts_ms - first_ms_ >= config.band_warmup_ms;
  const bool by_hour = warm && at_hour.n >= 30;
  const Stat& base = by_hour ? at_hour : all_;
  const bool pump = signal_ == Signal::kPumpCurrent;
  const double width = std::max(
      {config.band_sigmas * kMeanAbsToSigma * static_cast<double>(base.dev),
       pump ? config.pump_floor_a : config.temp_floor_c,
       (pump ? config.pump_floor_share : config.temp_floor_share) * std::abs(all_.mean), 1e-6});
  const double position = (value - static_cast<double>(base.mean)) / width;

  // Learn: everything while young; afterwards only readings well inside the band, slowly,
  // with the deviation clipped, so that a drift inside the band neither drags the level
  // nor widens the band after it.
  auto learn = [&](Stat& s, std::uint32_t memory) {
    const double alpha = 1.0 / std::min<double>(s.n + 1.0, memory);
    const double r = s.n == 0 ? 0.0 : value - static_cast<double>(s.mean);
    if (s.n == 0) s.mean = static_cast<float>(value);
    const double clip = warm ? 2 * kMeanAbsToSigma * static_cast<double>(s.dev) : INFINITY;
    s.mean += static_cast<float>(alpha * r);
    s.dev += static_cast<float>(alpha * (std::min(std::abs(r), clip) - static_cast<double>(s.dev)));
    ++s.n;
  };
  if (!warm) {
    // Young: the plain mean only tells a running pump from an idle one; the band starts
    // from the samples' median (take_warm_sample).
    if (warm_n_ < kWarmSamples) learn(all_, UINT32_MAX);
    return std::nullopt;
  }
  if (std::abs(position) < 0.5) {
    learn(all_, 2000);
    learn(at_hour, 300);
  }

  recent_ += 0.2F * (static_cast<float>(std::clamp(position, -3.0, 3.0)) - recent_);
  outside_ += 0.1F * ((std::abs(position) >= 1 ? 1.0F : 0.0F) - outside_);
  const auto point =
      bucket_.add(ts_ms, config.band_bucket_ms, hours_since(first_ms_, ts_ms), position, 1);
  if (!point) return std::nullopt;
  // A jump of a whole band or more from one bucket to the next, out of the band, is a
  // sudden fault (the detectors' business: fault codes, far from the machine's own normal),
  // not wear: while the level stays out after such a jump, the band judges nothing (an
  // open prediction stays as it is).
  if (trend_.size() > 0 && std::abs(point->y) >= 1 &&
      std::abs(point->y - trend_.y(trend_.size() - 1)) >= 1) {
    stepped_out_ = true;
  } else if (stepped_out_ && std::abs(point->y) < 0.5) {
    // Back: the short-term level starts again from here, not from the fault's readings.
    stepped_out_ = false;
    recent_ = static_cast<float>(point->y);
    outside_ = 0;
  }
  // Back home in one step while the trend had carried the level far from it: a repair
  // (the wire need not say so). The drift before it says nothing about the part now in
  // place, and a line through the drift and the step would point the other way.
  if (trend_.size() >= config.min_trend_points && std::abs(point->y) < 0.25) {
    const double fitted = trend_.fit(scratch).at(point->x);
    if (std::abs(fitted) >= 0.5 && std::abs(point->y - fitted) >= 0.5) trend_.clear();
  }
  trend_.add(point->x, std::clamp(point->y, -3.0, 3.0));
  if (stepped_out_) return std::nullopt;

  Judgement j;
  j.baseline = base.mean;
  j.limit = static_cast<float>(width);
  j.value = static_cast<float>(base.mean + recent_ * width);
  const double level = std::abs(recent_);
  j.confidence = std::max(std::clamp((level - 0.5) / 0.5, 0.0, 1.0),
                          std::clamp((static_cast<double>(outside_) - 0.3) / 0.4, 0.0, 1.0));
  if (level >= 1 || outside_ >= 0.5F) {
    j.eta_ms = ts_ms;
    return j;
  }
  if (trend_.size() >= config.min_trend_points) {
    const TrendFit fit = trend_.fit(scratch);
    const double side = fit.at(fit.x_last) >= 0 ? 1.0 : -1.0;
    j.trend_z = static_cast<float>(fit.mk_z * side);
    const double significance =
        std::clamp((fit.mk_z * side - 1.64) / (config.trend_z_full - 1.64), 0.0, 1.0);
    // How far the level has come: the fitted line and the newest readings must agree.
    const double come = std::min(std::abs(fit.at(fit.x_last)), side * static_cast<double>(recent_));
    const double progress = std::clamp(come / 0.5, 0.0, 1.0);
    j.confidence = std::max(j.confidence, std::min(significance, progress));
    if (significance > 0 && fit.slope * side > 0) {
      if (const auto x = fit.x_at(side)) j.eta_ms = std::max(ts_ms, at_hours(first_ms_, *x));
    }
  }
  return j;
}

}  // namespace wm::devices
