// FaultKind: the faults wm-sim injects — the kinds of DESIGN.md's table that a machine's
// sensors, fault codes, events or silence can show — and what each wire protocol can carry
// of them (PROTOCOLS.md). The names are DESIGN.md's ("water_quality"), so a ground-truth
// file can be compared with the gateway's tickets as it is. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocols/messages.h"
#include "simulator/protocol_mix.h"

namespace wm::sim {

enum class FaultKind : std::uint8_t {
  kWaterQuality,     // product water TDS climbs above 50 ppm (E03)
  kLeak,             // leak sensor wet (E02)
  kUvFault,          // UV lamp out (E05)
  kWaterSupply,      // inlet pressure collapses (E01)
  kDispenseFailure,  // charged, little or no water (E08 when the valve is stuck)
  kPumpFault,        // pump over-current (E04)
  kHeaterFault,      // product water leaves its temperature band (E06)
  kCardReaderFault,  // no card can be read, no sale (E07)
  kTamper,           // service door open outside a technician's visit
  kDeviceOffline,    // one machine silent
  kSitePowerOutage,  // every machine of a site silent
  kCleaningDue,      // the hygiene interval passed without a cleaning (from skipped visits)
  // Slow faults only (degradation.h): flow per inlet pressure below 70% of the clean
  // filter's, and salt rejection below 90%.
  kFilterClogging,
  kMembraneDegradation,
};
inline constexpr std::size_t kFaultKindCount = 14;
const std::array<FaultKind, kFaultKindCount>& all_fault_kinds();

std::string_view to_string(FaultKind kind);  // "water_quality"
std::optional<FaultKind> fault_kind_from_string(std::string_view name);

// The code a machine raises for the kind (PROTOCOLS.md section 4), if the kind has one.
std::optional<protocols::FaultCode> fault_code_of(FaultKind kind);

// What a protocol can put on the wire: wm-json-v1 sends every event; hx-binary sends
// dispense and fault frames but no maintenance; a tb-gateway hub sends telemetry only.
bool sends_fault_events(WireProtocol protocol);
bool sends_dispense_events(WireProtocol protocol);
bool sends_maintenance_events(WireProtocol protocol);

// Whether a machine speaking `protocol` can show `kind` at all: a tb-gateway machine
// cannot show a dispense failure or a dead card reader (both live only in events), and
// cleaning_due needs maintenance events. Site-wide kinds are shown by any machine.
bool can_show(FaultKind kind, WireProtocol protocol);

// Whether a slow degradation episode can end in `kind` (degradation.h): filter_clogging,
// membrane_degradation, water_quality, pump_fault, heater_fault. The first two come from
// nothing else; --faults draws among the kinds that are not slow_only().
bool degrades_slowly(FaultKind kind);
bool slow_only(FaultKind kind);

}  // namespace wm::sim
