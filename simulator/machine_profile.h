// MachineProfile: the fixed physical character of one simulated machine — the water
// its site is supplied with, the state of its membrane, its pump and tank — drawn once
// from the run seed. Values that belong to a building (inlet TDS, mains pressure,
// ambient water temperature) are drawn per site so that neighbouring machines agree,
// then varied a little per machine.
#pragma once

#include <cstdint>
#include <string>

#include "simulator/fleet.h"

namespace wm::sim {

struct MachineProfile {
  double tds_in_ppm = 250;       // inlet total dissolved solids, 100..400
  double salt_rejection = 0.96;  // share of TDS the RO membrane removes
  double pressure_kpa = 300;     // inlet static pressure, 250..350
  double water_temp_c = 20;      // product water; ~90 on hot-water models
  bool hot_water = false;        // model name ending in "H", e.g. "RO-400H"
  double flow_lpm = 2.0;         // dispensing flow
  double pump_a = 2.2;           // booster pump current while running, 1.5..3
  double tank_l = 20;            // purified-water tank
  double production_lpm = 1.0;   // RO output refilling the tank (RO-400: 400 gal/day)
  double popularity = 1.0;       // multiplies the site kind's usage curve
  double initial_filter_l = 0;   // litres on the filter set when the run starts
  double initial_tank_pct = 90;
};

// Hot-water models carry an "H" at the end of their name, e.g. "RO-400H".
bool hot_water_model(const std::string& model);

MachineProfile draw_profile(const FleetSite& site, const FleetMachine& machine, std::uint64_t seed);

}  // namespace wm::sim
