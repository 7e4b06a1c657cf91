// Slow fault episodes (`wm-sim run --degradation RATE`): a part wears out over days to
// weeks (degradation.h says how the readings move), fails, and is repaired some time
// after the failure. A FaultInjector decides when one starts and when the repair can
// come; the functions here decide how it unfolds on one machine:
//
//   filter_clogging       fouling that fails the filter after 300-900 L at 250 ppm inlet
//                         TDS (fewer at higher TDS, in proportion), so sooner on a busy
//                         machine; the failure is the sale that takes the flow below 70%
//                         of the clean filter's (known only when it happens); repaired
//                         4 to 36 h later with a filter_change
//   membrane_degradation  salt rejection falls below 90% 5 to 25 days after the onset;
//                         repaired 4 to 36 h later with a membrane_change, always before
//                         the product water gets near 50 ppm
//   water_quality         salt rejection keeps falling until the product water crosses
//                         50 ppm, 4 to 20 days after the onset (E03); the membrane's own
//                         90% rejection falls on the way, and is a second truth line
//                         (membrane_degradation, same onset); repaired 30 min to 3 h
//                         after the crossing with a membrane and a filter change
//   pump_fault            running current up 15-40% of nominal over 3 to 15 days, then
//                         the pump seizes (2-3 times nominal, even idle; E04); repaired
//                         1 to 8 h later
//   heater_fault          product water 5 degC off its set point 3 to 15 days after the
//                         onset (E06), still moving; repaired 2 to 12 h later
//
// Codes are raised at the failure where the protocol carries fault events. The repair is
// a technician's visit (service_start, door open, the work, the degradation and codes
// cleared, door closed, service_end) on a machine that sends maintenance events; elsewhere
// the technician resets the machine silently (a new filter shows as filter_l back at 0).
// Pure functions of their arguments and the random stream.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/messages.h"
#include "simulator/fault_episode.h"
#include "simulator/machine_profile.h"

namespace wm::sim {

struct SlowEpisode {
  // kind, onset, codes; failure_ms (INT64_MAX for a filter until it clogs); the actions
  // up to the failure: the degradation starting, the codes raised.
  Episode episode;
  // water_quality: the membrane's own failure on the way (membrane_degradation).
  std::optional<std::int64_t> membrane_failure_ms;
  // From the failure to the repair's start (the technician's arrival), and the latest
  // start that still keeps the product water clear of 50 ppm (membrane_degradation).
  std::int64_t repair_delay_ms = 0;
  std::int64_t repair_latest_ms = INT64_MAX;
};

// A slow fault of `kind` (degrades_slowly(kind)) starting at onset_ms on a machine whose
// physical character is `profile`.
SlowEpisode plan_degradation(FaultKind kind, const EpisodeMachine& machine,
                             const MachineProfile& profile, std::int64_t onset_ms,
                             SeededRandom& random);

// The repair of a slow fault of `kind` whose failure raised `codes`, the technician
// arriving at start_ms: cleared_ms is the fix, the actions the visit's steps.
Episode plan_degradation_repair(FaultKind kind, const std::vector<protocols::FaultCode>& codes,
                                const EpisodeMachine& machine, std::int64_t start_ms,
                                SeededRandom& random);

}  // namespace wm::sim
