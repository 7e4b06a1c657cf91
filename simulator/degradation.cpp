#include "simulator/degradation.h"

#include <algorithm>
#include <cmath>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

double days_between(std::int64_t from_ms, std::int64_t to_ms) {
  return static_cast<double>(std::max<std::int64_t>(0, to_ms - from_ms)) /
         static_cast<double>(kMsPerDay);
}

}  // namespace

double Degradation::salt_passage(double clean, std::int64_t ts_ms) const {
  if (kind != FaultKind::kMembraneDegradation && kind != FaultKind::kWaterQuality) return clean;
  return clean * std::exp(passage_growth_per_day * days_between(onset_ms, ts_ms));
}

double Degradation::flow_share(double fouled_litres) const {
  if (kind != FaultKind::kFilterClogging) return 1.0;
  return 1.0 / (1.0 + resistance_per_litre * std::max(0.0, fouled_litres));
}

double Degradation::clogging_litres() const {
  if (kind != FaultKind::kFilterClogging || resistance_per_litre <= 0) return INFINITY;
  return (1.0 / kCloggedFlowShare - 1.0) / resistance_per_litre;
}

double Degradation::pump_share(std::int64_t ts_ms) const {
  if (kind != FaultKind::kPumpFault || failure_ms <= onset_ms) return 1.0;
  const double worn = std::clamp(
      static_cast<double>(ts_ms - onset_ms) / static_cast<double>(failure_ms - onset_ms), 0.0, 1.0);
  return 1.0 + pump_rise * std::pow(worn, 1.5);
}

bool Degradation::pump_seized(std::int64_t ts_ms) const {
  return kind == FaultKind::kPumpFault && ts_ms >= failure_ms;
}

double Degradation::temp_offset_c(std::int64_t ts_ms) const {
  if (kind != FaultKind::kHeaterFault) return 0.0;
  return temp_drift_c_per_day * days_between(onset_ms, ts_ms);
}

}  // namespace wm::sim
