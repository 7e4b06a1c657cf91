// Degradation: a part of a machine wearing out over days to weeks (issue 4's slow faults),
// as the SimulatedMachine applies it to its readings and sales. Unlike a MachineCondition
// (a sudden fault or an open door, replaced whole by the next one) a degradation runs
// beside the others: a routine visit or an unrelated fault leaves it alone, and only its
// own repair ends it.
//
// The functions below give the true (noiseless) values; the machine puts its sensor
// noise on top. A planner (degradation_episode.h) dates the failure where the true value
// crosses the limit, so the ground truth and the readings agree:
//
//   filter_clogging       cake filtration: at a given inlet pressure the flow is
//                         1 / (1 + resistance_per_litre * L) of the clean filter's, L the
//                         litres through the filter since the fouling began. Fails below
//                         70% (kCloggedFlowShare); the litres decide when, so a busy
//                         machine clogs sooner in days
//   membrane_degradation  salt passage (1 - salt rejection) grows e-fold every
//   water_quality         1 / passage_growth_per_day days from the membrane's own. The
//                         membrane fails below 90% rejection (kFailedRejection), the
//                         product water when its TDS crosses 50 ppm (kTdsLimitPpm)
//   pump_fault            the current while the pump runs rises to (1 + pump_rise) times
//                         its nominal along (t / D)^1.5, D = failure - onset; at the
//                         failure the pump seizes and draws pump_stall times nominal,
//                         even idle
//   heater_fault          product water moves temp_drift_c_per_day away from its set
//                         point (down on hot-water models, whose element scales; up on
//                         the others, whose cooling fails); fails kHeaterMarginC away
//
// Plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "simulator/fault_kind.h"

namespace wm::sim {

inline constexpr double kCloggedFlowShare = 0.7;  // of the clean filter's flow per pressure
inline constexpr double kFailedRejection = 0.9;   // salt rejection below this: a spent membrane
inline constexpr double kTdsLimitPpm = 50;        // DESIGN.md's product-water limit
inline constexpr double kHeaterMarginC = 5;       // from the set point: users notice

struct Degradation {
  FaultKind kind = FaultKind::kFilterClogging;
  std::int64_t onset_ms = 0;
  std::int64_t failure_ms = INT64_MAX;  // time-driven kinds; a filter's litres decide its own
  double resistance_per_litre = 0;      // filter_clogging
  double passage_growth_per_day = 0;    // membrane_degradation, water_quality
  double pump_rise = 0;                 // pump_fault: share of nominal added by the failure
  double pump_stall = 1;                // pump_fault: current after it, times nominal
  double temp_drift_c_per_day = 0;      // heater_fault, signed

  // Salt passage of a membrane whose own (clean) passage is `clean`, at ts_ms.
  [[nodiscard]] double salt_passage(double clean, std::int64_t ts_ms) const;
  // Share of the clean filter's flow after `fouled_litres` since the fouling began.
  [[nodiscard]] double flow_share(double fouled_litres) const;
  // Litres after which flow_share() falls below kCloggedFlowShare (filter_clogging).
  [[nodiscard]] double clogging_litres() const;
  // Current of the running pump, times its nominal (before the seizure).
  [[nodiscard]] double pump_share(std::int64_t ts_ms) const;
  // The pump has seized: it draws pump_stall times nominal whether or not it runs.
  [[nodiscard]] bool pump_seized(std::int64_t ts_ms) const;
  // Degrees added to the product water temperature.
  [[nodiscard]] double temp_offset_c(std::int64_t ts_ms) const;

  bool operator==(const Degradation&) const = default;
};

// An episode step: a degradation begins (`started`) or is repaired (nullopt). A repair on
// a machine that sends no maintenance events may renew the filter without a word on the
// wire (filter_renewed); elsewhere the filter_change event does that.
struct DegradationChange {
  std::optional<Degradation> started;
  bool filter_renewed = false;
  bool operator==(const DegradationChange&) const = default;
};

}  // namespace wm::sim
