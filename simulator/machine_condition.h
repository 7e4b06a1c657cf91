// MachineCondition: what an injected fault does to a machine's physics, as the
// SimulatedMachine applies it to its readings and sales. The default is a healthy
// machine; a FaultInjector sets a condition when a fault starts and the healthy one
// (or a technician's open door) when it is fixed. Plain values, no behaviour beyond the
// ramp arithmetic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

namespace wm::sim {

struct MachineCondition {
  // Drifting readings (product TDS, water temperature) move from their normal value to
  // their target between ramp_start_ms and ramp_start_ms + ramp_ms, then stay there.
  std::int64_t ramp_start_ms = 0;
  std::int64_t ramp_ms = 0;
  std::optional<double> tds_out_ppm;   // water_quality: where product TDS heads
  std::optional<double> temp_c;        // heater_fault: where the water temperature heads
  std::optional<double> pressure_kpa;  // water_supply: the inlet pressure left, about
  double pump_factor = 1.0;            // pump_fault: current drawn, times nominal, even idle
  double delivered_share = 1.0;        // dispense_failure: share of the requested water
  bool leak = false;
  bool uv_failed = false;
  bool door_open = false;
  bool card_reader_failed = false;  // no sale can start

  // Share of the way from normal to target at ts_ms, in [0, 1].
  [[nodiscard]] double ramp(std::int64_t ts_ms) const {
    if (ts_ms < ramp_start_ms) return 0.0;
    if (ramp_ms <= 0) return 1.0;
    return std::min(1.0, static_cast<double>(ts_ms - ramp_start_ms) / static_cast<double>(ramp_ms));
  }

  bool operator==(const MachineCondition&) const = default;
};

}  // namespace wm::sim
