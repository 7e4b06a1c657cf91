#include "simulator/machine_profile.h"

#include <algorithm>

#include "simulator/seeded_random.h"

namespace wm::sim {
namespace {

constexpr double kLitresPerGallon = 3.785;
constexpr double kMinutesPerDay = 24 * 60;

// "RO-600" -> 600 gallons per day; 400 when the name carries no rating.
double rated_gallons_per_day(const std::string& model) {
  double gallons = 0;
  for (char c : model) {
    if (c >= '0' && c <= '9') gallons = gallons * 10 + (c - '0');
  }
  return gallons >= 50 && gallons <= 2000 ? gallons : 400;
}

}  // namespace

bool hot_water_model(const std::string& model) { return !model.empty() && model.back() == 'H'; }

MachineProfile draw_profile(const FleetSite& site, const FleetMachine& machine,
                            std::uint64_t seed) {
  SeededRandom site_random = SeededRandom::for_stream(seed, "site:" + site.id);
  const double site_tds = site_random.uniform(110, 380);
  const double site_pressure = site_random.uniform(260, 340);
  const double site_temp = site_random.uniform(16, 23);

  SeededRandom random = SeededRandom::for_stream(seed, "machine:" + machine.id);
  MachineProfile p;
  p.tds_in_ppm = std::clamp(site_tds * random.normal(1.0, 0.03), 100.0, 400.0);
  // 96-98% rejection keeps product water at about 5-20 ppm over that inlet range.
  p.salt_rejection = random.uniform(0.955, 0.975);
  p.pressure_kpa = std::clamp(site_pressure + random.normal(0, 6), 250.0, 350.0);
  p.hot_water = hot_water_model(machine.model);
  p.water_temp_c = p.hot_water ? random.uniform(88, 94)
                               : std::clamp(site_temp + random.normal(0, 0.6), 15.0, 25.0);
  p.flow_lpm = random.uniform(1.85, 2.15);
  p.pump_a = random.uniform(1.8, 2.6);
  p.tank_l = p.hot_water ? 10 : 20;
  p.production_lpm = rated_gallons_per_day(machine.model) * kLitresPerGallon / kMinutesPerDay;
  // Some machines sit by the canteen door, some in a corner.
  p.popularity = std::clamp(random.normal(1.0, 0.25), 0.4, 1.8);
  p.initial_filter_l = random.uniform(0, 0.7) * static_cast<double>(machine.filter_rated_l);
  p.initial_tank_pct = random.uniform(75, 100);
  return p;
}

}  // namespace wm::sim
