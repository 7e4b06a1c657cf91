// Why a fault kind is active on a machine. FleetDetector keeps the set of active reasons
// per machine: a kind is raised by each reason that starts and cleared when its last
// reason ends (water_quality from E03 and from a sustained tds_out are two reasons).
// Also the words a finding's evidence uses for the debounced sensor signals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "devices/fault_kind.h"
#include "protocols/messages.h"

namespace wm::devices {

struct DetectorConfig;

// The first eight are the machine's own fault codes E01..E08, in order.
enum class FaultReason : std::uint8_t {
  kE01,
  kE02,
  kE03,
  kE04,
  kE05,
  kE06,
  kE07,
  kE08,
  kTdsHigh,           // tds_out sustained above the limit
  kLeakSensor,        // leak sensor wet
  kIdleFlow,          // flow with no dispense under way
  kUvOff,             // uv_ok false
  kLowPressure,       // inlet pressure collapsed
  kDoorOpen,          // door open outside a service visit
  kShortDispense,     // charged, little or no water
  kCleaningInterval,  // hygiene interval passed
  kOffline,           // silent or its will fired
  kPumpOverload,      // pump current far above the machine's own running current
  kTemperatureOff,    // product water far from the machine's own temperature
};
inline constexpr std::size_t kFaultReasonCount = 19;

FaultReason reason_of(protocols::FaultCode code);
FaultKind kind_of(FaultReason reason);

// The debounced sensor signals of a machine, in the order FleetDetector stores them.
enum class SensorSignal : std::uint8_t {
  kTdsOut,
  kLeakSensor,
  kIdleFlow,
  kUvOk,
  kInletPressure,
  kDoor,
  kPumpCurrent,
  kWaterTemperature,
};
inline constexpr std::size_t kSensorSignalCount = 8;

FaultReason reason_of(SensorSignal signal);

// For people: what a signal showed when it was raised or cleared. `value` is the reading
// that completed the change (absent when a timer completed it; for booleans 1 or 0; pump
// current: times the machine's own; water temperature: degrees off its own);
// `held_ms` is how long the readings had said so.
std::string describe(SensorSignal signal, bool raised, std::optional<double> value,
                     std::int64_t held_ms, const DetectorConfig& config);

// "150 s": whole seconds, for evidence.
std::string seconds_text(std::int64_t ms);

}  // namespace wm::devices
