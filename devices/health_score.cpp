#include "devices/health_score.h"

#include <algorithm>
#include <cmath>

namespace wm::devices {
namespace {

double weight_of(FaultKind kind, const HealthWeights& w) {
  switch (severity_of(kind)) {
    case Severity::kP1:
      return w.p1;
    case Severity::kP2:
      return w.p2;
    case Severity::kP3:
      return w.p3;
    case Severity::kP4:
      return w.p4;
  }
  return w.p4;
}

}  // namespace

int health_score(std::span<const FaultKind> active_faults, std::span<const Prediction> predictions,
                 std::int64_t now_ms, const HealthWeights& weights) {
  double penalty = 0;
  std::array<bool, kFaultKindCount> active{};
  for (FaultKind kind : active_faults) {
    if (active[static_cast<std::size_t>(kind)]) continue;  // a kind counts once
    active[static_cast<std::size_t>(kind)] = true;
    penalty += weight_of(kind, weights);
  }
  for (const Prediction& p : predictions) {
    if (active[static_cast<std::size_t>(p.kind)]) continue;
    const double ahead = static_cast<double>(std::max<std::int64_t>(p.eta_ms - now_ms, 0));
    const double horizon = static_cast<double>(std::max<std::int64_t>(weights.horizon_ms, 1));
    const double closeness =
        1.0 - (1.0 - weights.far_closeness) * std::clamp(ahead / horizon, 0.0, 1.0);
    penalty += weight_of(p.kind, weights) * std::clamp(p.confidence, 0.0, 1.0) * closeness;
  }
  return static_cast<int>(std::lround(std::clamp(100.0 - penalty, 0.0, 100.0)));
}

}  // namespace wm::devices
