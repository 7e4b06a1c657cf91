// Fault episodes: what one injected fault does on one machine (or a whole site), from
// the moment it starts to the moment it is fixed, as a list of timed actions — set a
// MachineCondition, raise or clear a fault code, a technician's maintenance step, power
// off or on. A FaultInjector decides when a fault starts; the functions here decide how
// it unfolds, with a machine's own behaviour in each protocol:
//
//   water_quality      product TDS climbs over 20 min to 6 h to 70-180 ppm; the failure is
//                      the moment it crosses 50 ppm, where E03 is raised; fixed 30 min to
//                      3 h later with a membrane and filter change
//   leak               leak sensor wet and E02, 30 min to 4 h
//   uv_fault           uv_ok false and E05, 2 to 12 h, fixed with a UV lamp change
//   water_supply       inlet pressure down to 0-25 kPa and E01, 20 min to 3 h; the building
//                      restores the supply (no technician)
//   dispense_failure   sales deliver 0-10% of the water with E08 (valve stuck), or 10-40%
//                      without a code (flow stops mid-dispense); charged in full; 30 min
//                      to 4 h. Without a code, the failure is the first short sale
//                      (failure_at_first_short_sale: the injector learns it as it happens)
//   pump_fault         pump current 2-3 times nominal, even idle, and E04, 1 to 8 h
//   heater_fault       product water drifts to 35-50 degC over 15-45 min and E06, 2 to 12 h
//   card_reader_fault  no sale can start, E07, 1 to 8 h
//   tamper             service door open 5 to 30 min, no visit, no code
//   device_offline     the machine powers off for 30 min to 6 h
//   site_power_outage  every machine of the site powers off for 30 min to 4 h; each boots
//                      within a minute of the power coming back
//
// Slow faults, which build up over days to weeks, are planned in degradation_episode.h
// with the same steps (DegradationChange starts and ends the wear).
//
// Codes are raised only where the protocol carries fault events (wm-json-v1, hx-binary).
// A machine that sends maintenance events (wm-json-v1) is fixed by a technician's visit:
// service_start, door open, the maintenance work, the fix (sensor normal, code cleared),
// door closed, service_end. Elsewhere the fix is the sensor going back to normal and the
// code clearing. Pure functions of their arguments and the random stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "protocols/messages.h"
#include "simulator/degradation.h"
#include "simulator/fault_kind.h"
#include "simulator/machine_condition.h"
#include "simulator/protocol_mix.h"
#include "simulator/seeded_random.h"

namespace wm::sim {

// A machine losing (on false) or regaining (on true) power: it is silent in between.
struct PowerChange {
  bool on = true;
  bool operator==(const PowerChange&) const = default;
};

// One step of an episode on machine `machine` (an index into the fleet's machines).
struct FaultAction {
  std::int64_t at_ms = 0;
  std::size_t machine = 0;
  std::variant<MachineCondition, protocols::Fault, protocols::Maintenance, PowerChange,
               DegradationChange>
      change;
  bool operator==(const FaultAction&) const = default;
};

// What the planner needs to know of a machine.
struct EpisodeMachine {
  std::size_t index = 0;
  WireProtocol protocol = WireProtocol::kWmJson;
  bool hot_water = false;
};

struct Episode {
  FaultKind kind = FaultKind::kLeak;
  std::int64_t onset_ms = 0;
  std::int64_t failure_ms = 0;
  std::int64_t cleared_ms = 0;              // sensor normal, code cleared, machine back
  std::vector<protocols::FaultCode> codes;  // raised on the wire
  std::vector<FaultAction> actions;         // in time order; ties in the order given
  // Nothing shows the fault until a customer is shorted: failure_ms is not known yet.
  bool failure_at_first_short_sale = false;
  std::int64_t ends_ms() const { return actions.empty() ? cleared_ms : actions.back().at_ms; }
};

// A fault of `kind` starting at onset_ms on one machine. Requires can_show(kind, protocol)
// and a kind that is not site-wide (kSitePowerOutage) nor kCleaningDue.
Episode plan_machine_fault(FaultKind kind, const EpisodeMachine& machine, std::int64_t onset_ms,
                           SeededRandom& random);

// Appends the fix at fix_ms to `e` (and sets e.cleared_ms). A machine that sends
// maintenance events gets a technician (when `technician`) who arrives no earlier than
// earliest_ms, opens the door (over the `faulty` condition), does `work` in the last
// minutes before the fix and closes up after it; elsewhere the sensors simply go back to
// normal. The codes of e.codes are cleared at the fix. Requires fix_ms >= earliest_ms +
// 10 minutes.
void add_fix(Episode& e, const EpisodeMachine& m, const MachineCondition& faulty,
             std::int64_t earliest_ms, std::int64_t fix_ms,
             const std::vector<protocols::MaintenanceAction>& work, bool technician,
             SeededRandom& random);

// A power outage of the site whose machines are `machines`, starting at onset_ms.
Episode plan_site_outage(const std::vector<EpisodeMachine>& machines, std::int64_t onset_ms,
                         SeededRandom& random);

// A routine technician's visit starting at start_ms on a machine that sends maintenance
// events: service_start, door open, the work (e.g. cleaning; none for an inspection),
// door closed, service_end; 15 to 45 minutes.
std::vector<FaultAction> plan_visit(std::size_t machine, std::int64_t start_ms,
                                    std::optional<protocols::MaintenanceAction> work,
                                    SeededRandom& random);

}  // namespace wm::sim
