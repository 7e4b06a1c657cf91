// A streaming anomaly score for any numeric series: each sample (event time, value) gets
// a score in [0, 1] against a baseline learned from the series itself, with no knowledge
// of its range, units or sampling rate in advance. Used by `wm-gateway backtest` so that
// an operator can replay recorded history and choose thresholds; 0.5 is the intended
// "worth a look" threshold, scores near 1 are rare.
//
// How the score is made (all on event time; nothing looks ahead, so a score once given
// never changes when later samples arrive):
// - The sampling interval is learned (a running median of the gaps). Time constants are
//   counted in typical intervals, so irregular timestamps and gaps weigh by their length.
// - Two forecasts of each sample. Local: a robust Holt (level and local slope) EWMA,
//   residuals clipped at huber_k sigmas so a spike barely moves it. Seasonal (a day by
//   default): a slow deseasonalised level, a profile per slot of the period around it and
//   a fast correction. The seasonal one is used once the series spans two periods, and only
//   while its long-run (clipped, squared) error is clearly below the local one's, so the
//   rises and falls of a cycle weigh in the comparison: a series without a cycle is
//   judged by the local forecast, and in one with a cycle a peak that fails to come (or a
//   flat line where a swing is due) is a surprise, not an excuse.
// - Surprise, in bits: -log10 of the tail probability of |residual / spread| under the
//   series' own distribution of it (its 90th and 99th percentiles are tracked per forecast;
//   beyond, a Gaussian-shaped tail on that scale). Heavy-tailed series are judged against
//   their own tails; a clean one never against tails thinner than a Gaussian's.
// - Recurrence: each slot remembers its largest surprise of the previous periods; a surprise
//   that came yesterday at about this time (a nightly job) counts only for how much larger
//   it is now.
// - Spike score: a smooth map of the bits of the sample itself (0.5 at spike_bits).
// - Change score: a CUSUM of the bits above change_allow per sample, so a run of moderately
//   surprising samples (a small level shift, a noisier regime, denser spikes) adds up.
// - Level shift: shift_run samples in a row beyond the threshold on one side make both
//   forecasts re-learn at the new level (cause kShift): a step is one event, not a day of
//   alarms.
// - Drift: the level moving away from the slow deseasonalised level, in its own long-term
//   spread, scores up to drift_max: shown, but alone never past 0.5 (a slow drift is not a
//   spike, and the slow level may simply be catching up).
// - Warm-up: the score is 0 for the first warmup samples and reaches full weight at
//   twice that; a gap of more than gap_restart intervals counts as a partial restart.
//
// Deterministic; fixed size (about 3 KB), no allocation. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>

namespace wm::devices {

struct AnomalyConfig {
  int warmup_samples = 30;
  double level_samples = 10;            // time constant of the local level, in typical intervals
  double spread_samples = 200;          // of the spreads and of the comparison of the forecasts
  double huber_k = 3;                   // residuals are clipped here when learning
  int shift_run = 5;                    // samples in a row beyond shift_z on one side: level shift
  double shift_z = 1.5;                 // in calibrated units: 1 is the series' own 99th pct of |z|
  std::int64_t season_ms = 86'400'000;  // 0: no seasonal forecast
  double season_gain = 0.8;  // the seasonal forecast is used while its mean squared error
                             // is below this share of the local one's
  double spike_bits = 5;     // bits of surprise of one sample that score 0.5
  double change_allow = 2;   // bits per sample that the CUSUM lets pass
  double change_bits = 8;    // CUSUM total that scores 0.5
  double drift_max = 0.45;   // the highest score a drift alone gives (below 0.5)
  double gap_restart = 100;  // a gap this many intervals long: partial warm-up
};

enum class AnomalyCause : std::uint8_t { kNone, kWarmup, kSpike, kShift, kDrift };

struct AnomalyVerdict {
  double score = 0;  // [0, 1]
  double z = 0;      // surprise of the sample in bits (2 = the series' own 99th percentile)
  AnomalyCause cause = AnomalyCause::kNone;
};

class AnomalyDetector {
 public:
  static constexpr int kSeasonSlots = 96;

  explicit AnomalyDetector(AnomalyConfig config = {}) : config_(config) {}

  // One sample. Samples should come in event-time order; one older than the newest counts
  // as if it had the newest time. A non-finite value is scored 0 and not learned.
  AnomalyVerdict observe(std::int64_t ts_ms, double value);

  std::int64_t samples() const { return n_; }

 private:
  struct Slot {
    float mean = 0;         // value minus the deseasonalised level
    float dev = 0;          // mean absolute residual of the seasonal forecast here
    float peak = 0;         // largest surprise (bits) in the period of the last visit
    float peak_before = 0;  // recalled from the periods before that
    std::uint32_t n = 0;
    std::int64_t period = 0;  // of the last visit
  };

  double floor_of(double scale) const;
  int slot_of(std::int64_t ts_ms) const;
  std::int64_t period_of(std::int64_t ts_ms) const;
  double bits_of(double abs_z, int model) const;
  double recurrent_bits(int slot, std::int64_t period) const;
  static double recalled(const Slot& slot, std::int64_t period);
  void track(int model, double abs_z, double rate);
  void learn(double value, double steps, int slot, double r_local, double r_season, bool outlier);
  void relearn_at(double level, double slot_mean);

  AnomalyConfig config_;
  std::int64_t n_ = 0;
  std::int64_t first_ts_ = 0;
  std::int64_t last_ts_ = 0;
  double interval_ms_ = 0;  // running median of the gaps
  // Local forecast.
  double level_ = 0;
  double slope_ = 0;  // per typical interval (Holt)
  double dev_ = 0;    // mean absolute residual of the local forecast
  // Seasonal forecast: anchor_ + the slot's mean + fast_.
  double anchor_ = 0;      // slow deseasonalised level; also the drift reference
  double anchor_dev_ = 0;  // mean absolute distance of deseasonalised values from it
  double fast_ = 0;        // fast correction of the seasonal forecast
  double season_dev_ = 0;  // mean absolute residual of the seasonal forecast
  double err_local_ = 0;   // long-run mean absolute error of each, on the same samples
  double err_season_ = 0;
  double compared_ = 0;  // samples on which they were compared
  // Calibration of each forecast (0 local, 1 seasonal): running 90th and 99th percentiles
  // of its |z|.
  double q90_[2] = {1.645, 1.645};
  double q99_[2] = {2.576, 2.576};
  double cusum_ = 0;
  double run_level_ = 0;  // recent-weighted mean of the current one-sided run beyond shift_z
  int run_ = 0;           // its length, signed by side
  std::array<Slot, kSeasonSlots> season_{};
};

}  // namespace wm::devices
