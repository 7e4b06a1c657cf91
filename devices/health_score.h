// Health of one machine, 0 (needs someone now) to 100 (nothing known against it), from
// its active faults and its open predictions (API.md: the twin's `health`; fleet health).
//
//   health = 100 - sum of penalties, clamped to [0, 100], rounded
//   active fault:  weight of its severity (P1 60, P2 35, P3 20, P4 8)
//   prediction:    weight of its kind's severity x confidence x closeness, where closeness
//                  is 1 when the eta is now or past and falls linearly to 0.25 at
//                  `horizon_ms` ahead (and stays 0.25 beyond)
//   a kind both active and predicted counts once, as the active fault.
//
// So one P1 fault leaves 40; a filter predicted to clog tomorrow with confidence 0.8 costs
// about 15. Pure function of its arguments.
#pragma once

#include <cstdint>
#include <span>

#include "devices/fault_kind.h"
#include "devices/prediction.h"

namespace wm::devices {

struct HealthWeights {
  double p1 = 60;
  double p2 = 35;
  double p3 = 20;
  double p4 = 8;
  std::int64_t horizon_ms = 10LL * 86'400'000;
  double far_closeness = 0.25;
};

int health_score(std::span<const FaultKind> active_faults, std::span<const Prediction> predictions,
                 std::int64_t now_ms, const HealthWeights& weights = {});

}  // namespace wm::devices
