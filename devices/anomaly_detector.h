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
// - Level: a robust Holt (level and local slope) EWMA, residuals clipped at huber_k
//   sigmas so a spike barely moves it; spread: an EWMA of the absolute residual of the
//   one-step forecast. z = residual / spread.
// - Season: when the series spans two periods (a day by default), a profile per hour of
//   the period around a slow level; a value that the profile explains is not surprising
//   (the smaller of the two z wins).
// - Calibration: the 99th percentile of the series' own recent |z| is tracked, so a
//   heavy-tailed series is judged against its own tails, not a Gaussian's.
// - Level shift: shift_run samples in a row beyond the threshold on one side are scored
//   high as they come, then the baseline re-learns at the new level (cause kShift).
// - Drift: the level moving away from a slow anchor, measured in the anchor's own long-
//   term spread, scores up to drift_max (a slow drift is not a spike).
// - Warm-up: the score is 0 for the first warmup samples and reaches full weight at
//   twice that; a gap of more than gap_restart intervals counts as a partial restart.
//
// Deterministic; fixed size (about 600 bytes), no allocation. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>

namespace wm::devices {

struct AnomalyConfig {
  int warmup_samples = 30;
  double level_samples = 10;    // time constant of the level, in typical intervals
  double spread_samples = 200;  // of the spread
  double anchor_samples = 600;  // of the slow anchor (drift) and the seasonal level
  double huber_k = 3;           // residuals are clipped here when learning
  int shift_run = 6;            // samples in a row beyond shift_z on one side: level shift
  double shift_z = 1.5;         // in calibrated units: 1 is the series' own 99th percentile of |z|
  std::int64_t season_ms = 86'400'000;  // 0: no seasonal profile
  double drift_max = 0.7;               // the highest score a drift alone gives
  double gap_restart = 100;             // a gap this many intervals long: partial warm-up
};

enum class AnomalyCause : std::uint8_t { kNone, kWarmup, kSpike, kShift, kDrift };

struct AnomalyVerdict {
  double score = 0;  // [0, 1]
  double z = 0;      // calibrated surprise of the sample (1 = the series' own 99th pct)
  AnomalyCause cause = AnomalyCause::kNone;
};

class AnomalyDetector {
 public:
  static constexpr int kSeasonBuckets = 24;

  explicit AnomalyDetector(AnomalyConfig config = {}) : config_(config) {}

  // One sample. Samples should come in event-time order; one older than the newest counts
  // as if it had the newest time. A non-finite value is scored 0 and not learned.
  AnomalyVerdict observe(std::int64_t ts_ms, double value);

  std::int64_t samples() const { return n_; }

 private:
  struct Bucket {
    float mean = 0;
    float dev = 0;
    std::uint32_t n = 0;
  };

  double spread_floor() const;
  int bucket_of(std::int64_t ts_ms) const;
  bool season_ready(const Bucket& b, std::int64_t ts_ms) const;
  double score_of(double u) const;
  void learn(double value, double expected, double steps, int bucket, bool outlier);

  AnomalyConfig config_;
  std::int64_t n_ = 0;
  std::int64_t first_ts_ = 0;
  std::int64_t last_ts_ = 0;
  double interval_ms_ = 0;  // running median of the gaps
  double level_ = 0;
  double slope_ = 0;       // per typical interval (Holt)
  double dev_ = 0;         // mean absolute residual around the level
  double anchor_ = 0;      // slow level: drift reference and seasonal centre
  double anchor_dev_ = 0;  // mean absolute distance of values from the anchor
  double q99_ = 2.5;       // running 99th percentile of |z| (in sigmas)
  double run_sum_ = 0;     // values of the current one-sided run beyond shift_z
  int run_ = 0;            // its length, signed by side
  std::array<Bucket, kSeasonBuckets> season_{};
};

}  // namespace wm::devices
