// The per-kind fault predictors of issue 4, one machine each. Each takes the machine's
// telemetry in event-time order and now and then (when a time bucket of readings closes)
// returns a Judgement: how sure it is that the fault is coming, and when. The debounce,
// the reports and the maintenance resets live in FleetPredictor (fleet_predictor.h).
//
// Every judgement is against the machine's own learned baseline; the limits are those of
// the physics (a share of the clean filter's flow, 90% salt rejection, the desk's TDS
// limit) and the tolerances are in PredictorConfig. Fixed size, no allocation; fit
// scratch is the caller's. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "devices/predictor_parts.h"
#include "protocols/messages.h"

namespace wm::devices {

// Readings a time bucket of bucket_ms needs to become a trend point: 3, so that one odd
// reading is not a point, unless the machine reports so seldom (cadence_ms) that a bucket
// holds fewer than 60 readings; then 1 in 20 of them, at least one.
int bucket_readings(std::int64_t bucket_ms, std::int64_t cadence_ms);

// filter_clogging: flow per unit of inlet pressure (dispensing readings only) falling as
// litres pass through the filter, extrapolated to filter_min_flow_share of the flow it
// had when clean (path 0); or the litres against the model's rated life (path 1). Time
// from litres by the machine's own usage rate.
class FilterLifePredictor {
 public:
  // cadence_ms: the machine's usual gap between readings (0: unknown), which sets how
  // many readings a time bucket needs (see bucket_readings()).
  std::optional<Judgement> on_telemetry(const protocols::Telemetry& t, double rated_l,
                                        std::int64_t cadence_ms, const PredictorConfig& config,
                                        std::span<float> scratch);
  void reset() { *this = FilterLifePredictor{}; }  // a new filter
  void forget_trend() { trend_.forget_trend(); }      // keeps the clean filter's flow
  double litres_per_day() const;

 private:
  void track_usage(std::int64_t ts_ms, std::int64_t litres);

  BucketMean bucket_;
  LimitTrend trend_;
  std::int64_t first_ms_ = INT64_MIN;
  std::int64_t first_l_ = 0;
  std::int64_t anchor_ms_ = 0;  // start of the current usage day
  std::int64_t anchor_l_ = 0;
  std::int64_t last_ms_ = 0;
  std::int64_t last_l_ = 0;
  double litres_per_ms_ = 0;  // EW of whole days' usage
  static constexpr std::uint16_t kPressureWarmup = 20;
  float pressure_mean_ = 0;  // inlet pressure of its dispensing readings
  std::uint16_t pressure_n_ = 0;
};

// A value trending toward a limit on event time (membrane_degradation: salt rejection of
// dispensing readings toward rejection_limit; water_quality: tds_out toward the limit).
class TimeTrendPredictor {
 public:
  enum class Signal : std::uint8_t { kSaltRejection, kProductTds };
  explicit TimeTrendPredictor(Signal signal) : signal_(signal) {}

  std::optional<Judgement> on_telemetry(const protocols::Telemetry& t, std::int64_t cadence_ms,
                                        const PredictorConfig& config, std::span<float> scratch);
  void reset() { *this = TimeTrendPredictor{signal_}; }
  void forget_trend() { trend_.forget_trend(); }  // keeps the baseline

 private:
  Signal signal_;
  BucketMean bucket_;
  LimitTrend trend_;
  std::int64_t origin_ms_ = INT64_MIN;
};

// A reading that must stay inside its learned band (pump_fault: pump current while the
// pump runs; heater_fault: product water temperature). The band is the machine's own
// level and spread, per hour of the day once that hour is learned (usage and ambient
// follow the clock); readings outside it do not teach it. Confidence from the recent
// level inside the band (half-way to the edge: 0, at the edge: 1) and the share of recent
// readings outside; eta is now when outside, else where a significant trend of the hourly
// means meets the edge.
class BandWatch {
 public:
  enum class Signal : std::uint8_t { kPumpCurrent, kWaterTemperature };
  explicit BandWatch(Signal signal) : signal_(signal) {}

  std::optional<Judgement> on_telemetry(const protocols::Telemetry& t,
                                        const PredictorConfig& config, std::span<float> scratch);
  // The evidence so far is forgotten (a technician was here); the band is kept.
  void forget_evidence();

 private:
  struct Stat {
    float mean = 0;
    float dev = 0;  // mean absolute deviation
    std::uint32_t n = 0;
  };
  std::optional<Judgement> observe(std::int64_t ts_ms, double value, const PredictorConfig& config,
                                   std::span<float> scratch);
  void take_warm_sample(std::int64_t ts_ms, double value, const PredictorConfig& config);

  static constexpr std::uint8_t kWarmSamples = 24;

  Signal signal_;
  Stat all_;
  std::array<Stat, 24> by_hour_{};
  std::int64_t first_ms_ = INT64_MIN;
  float recent_ = 0;   // EW of the signed position in the band (1 = at the edge)
  float outside_ = 0;  // EW share of readings outside the band
  std::array<float, kWarmSamples> warm_{};
  std::uint8_t warm_n_ = 0;
  bool stepped_out_ = false;  // out of the band by a sudden jump (see observe)
  std::int64_t warm_last_ms_ = 0;
  BucketMean bucket_;  // hourly means of the position, for the trend
  TrendWindow trend_;
};

}  // namespace wm::devices
