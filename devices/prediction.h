// What the fault predictors say about a machine (issue 4): a fault that is coming, with
// the event time it is expected (and the litres left, where litres wear the part out),
// and how sure the predictor is. The ticket desk opens `predicted` tickets from opened
// predictions, moves their due time on revisions and resolves them on cleared ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "devices/fault_kind.h"

namespace wm::devices {

struct Prediction {
  FaultKind kind = FaultKind::kFilterClogging;
  std::int64_t at_ms = 0;                   // event time of the judgement
  std::int64_t eta_ms = 0;                  // predicted failure time (== at_ms: failing now)
  std::optional<std::int64_t> litres_left;  // filter_clogging only
  double confidence = 0;                    // 0..1
  std::string evidence;                     // for people: "salt rejection 93.1% falling ..."
  bool operator==(const Prediction&) const = default;
};

struct PredictionChange {
  enum class Change : std::uint8_t {
    kOpened,   // a new prediction: open a predicted ticket due before eta
    kRevised,  // eta (or litres) moved markedly: move the ticket's predicted failure time
    kCleared,  // gone: maintenance fixed it or the trend recovered; resolve the ticket
  };
  std::string subject;  // device id
  std::string site_id;
  Change change = Change::kOpened;
  // For kCleared: kind, at_ms and evidence (why) are set; eta_ms == at_ms, confidence 0.
  Prediction prediction;
};

std::string_view to_string(PredictionChange::Change change);  // "opened"

// Settings shared by every predictor. Tolerances are in the units of the physics (a
// share of the machine's own baseline, degrees, ppm), never fitted to one data source.
struct PredictorConfig {
  // Debounce: a prediction opens after `confirm` evaluations in a row at or above
  // open_confidence with its eta within horizon_ms, and clears after `clear_confirm` in a
  // row below clear_confidence (hysteresis: a recovery must last), or at once on the
  // maintenance that fixes it. Evaluations come once per closed bucket (hours).
  double open_confidence = 0.6;
  double clear_confidence = 0.3;
  int confirm = 2;
  int clear_confirm = 6;
  std::int64_t horizon_ms = 10LL * 86'400'000;  // do not open for a failure further away
  // A trend counts only when Mann–Kendall says so: z at least this (p = 0.01 one-sided)
  // gives full weight; z at 1.64 (p = 0.05) none.
  double trend_z_full = 2.33;
  // ... and when the fitted value has moved this share of the way from the machine's own
  // baseline to the limit (an effect, not just a significant wiggle).
  double progress_full = 0.25;

  double flowing_lpm = 0.2;  // a reading with more flow than this is taken while dispensing
  std::int64_t trend_bucket_ms = 6LL * 3'600'000;  // readings averaged into one trend point
  int baseline_buckets = 5;  // the median of the first buckets after a reset: the baseline (<= 8)
  int min_trend_points = 6;

  // filter_clogging: flow per inlet pressure falls to this share of the clean filter's.
  double filter_min_flow_share = 0.7;
  // ... judged only from readings at no less than this share of the machine's usual inlet
  // pressure while dispensing (a failing supply is water_supply, not the filter).
  double filter_min_pressure_share = 0.7;
  // membrane_degradation: salt rejection 1 - tds_out / tds_in below this.
  double rejection_limit = 0.90;
  double min_tds_in_ppm = 20;  // below this the ratio is noise
  // water_quality early warning: tds_out trend toward the desk's hard limit.
  double tds_out_limit_ppm = 50;
  // ... raised only this close to the limit: further out the membrane's own prediction
  // speaks for the same cause, and a water-quality ticket is one to act on at once.
  std::int64_t tds_horizon_ms = 3LL * 86'400'000;
  std::int64_t tds_min_warning_ms = 12LL * 3'600'000;  // ... and no closer than this
  std::int64_t tds_bucket_ms = 3'600'000;

  // Bands (pump current, product water temperature): half-width is the largest of
  // band_sigmas of the machine's own spread (same hour of day once learned), an absolute
  // floor and a share of the baseline.
  double band_sigmas = 4;
  double pump_floor_a = 0.05;
  double pump_floor_share = 0.10;
  double temp_floor_c = 1.5;
  double temp_floor_share = 0;
  int band_warmup_readings = 60;
  std::int64_t band_warmup_ms = 24LL * 3'600'000;  // a whole daily cycle
  std::int64_t band_bucket_ms = 3 * 3'600'000;  // one trend point and one evaluation
};

}  // namespace wm::devices
