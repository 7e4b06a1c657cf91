#include "devices/fault_reason.h"

#include <cstdio>
#include <cstdlib>

#include "devices/fault_detector.h"

namespace wm::devices {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string ratio(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

FaultReason reason_of(protocols::FaultCode code) {
  return static_cast<FaultReason>(static_cast<std::uint8_t>(code) - 1);
}

FaultKind kind_of(FaultReason reason) {
  switch (reason) {
    case FaultReason::kE01:
    case FaultReason::kE02:
    case FaultReason::kE03:
    case FaultReason::kE04:
    case FaultReason::kE05:
    case FaultReason::kE06:
    case FaultReason::kE07:
    case FaultReason::kE08:
      return fault_kind_of(static_cast<protocols::FaultCode>(static_cast<int>(reason) + 1));
    case FaultReason::kTdsHigh:
      return FaultKind::kWaterQuality;
    case FaultReason::kLeakSensor:
    case FaultReason::kIdleFlow:
      return FaultKind::kLeak;
    case FaultReason::kUvOff:
      return FaultKind::kUvFault;
    case FaultReason::kLowPressure:
      return FaultKind::kWaterSupply;
    case FaultReason::kDoorOpen:
      return FaultKind::kTamper;
    case FaultReason::kShortDispense:
      return FaultKind::kDispenseFailure;
    case FaultReason::kCleaningInterval:
      return FaultKind::kCleaningDue;
    case FaultReason::kOffline:
      return FaultKind::kDeviceOffline;
    case FaultReason::kPumpOverload:
      return FaultKind::kPumpFault;
    case FaultReason::kTemperatureOff:
      return FaultKind::kHeaterFault;
  }
  std::abort();  // unreachable for a valid FaultReason
}

FaultReason reason_of(SensorSignal signal) {
  switch (signal) {
    case SensorSignal::kTdsOut:
      return FaultReason::kTdsHigh;
    case SensorSignal::kLeakSensor:
      return FaultReason::kLeakSensor;
    case SensorSignal::kIdleFlow:
      return FaultReason::kIdleFlow;
    case SensorSignal::kUvOk:
      return FaultReason::kUvOff;
    case SensorSignal::kInletPressure:
      return FaultReason::kLowPressure;
    case SensorSignal::kDoor:
      return FaultReason::kDoorOpen;
    case SensorSignal::kPumpCurrent:
      return FaultReason::kPumpOverload;
    case SensorSignal::kWaterTemperature:
      return FaultReason::kTemperatureOff;
  }
  std::abort();  // unreachable for a valid SensorSignal
}

std::string seconds_text(std::int64_t ms) { return std::to_string(ms / 1000) + " s"; }

std::string describe(SensorSignal signal, bool raised, std::optional<double> value,
                     std::int64_t held_ms, const DetectorConfig& config) {
  const std::string held = " for " + seconds_text(held_ms);
  const std::string reading = value ? " " + number(*value) : "";
  switch (signal) {
    case SensorSignal::kTdsOut:
      if (raised) {
        return "tds_out" + reading + " ppm above " + number(config.tds_out_limit_ppm) + " ppm" +
               held;
      }
      return "tds_out" + reading + " ppm below " + number(config.tds_out_clear_ppm) + " ppm" + held;
    case SensorSignal::kLeakSensor:
      return (raised ? "leak sensor wet" : "leak sensor dry") + held;
    case SensorSignal::kIdleFlow:
      if (raised) {
        return "flow" + reading + " L/min above " + number(config.idle_flow_lpm) + " L/min" + held +
               " with no dispense";
      }
      return "flow" + reading + " L/min at most " + number(config.idle_flow_lpm) + " L/min" + held;
    case SensorSignal::kUvOk:
      return (raised ? "uv_ok false" : "uv_ok true") + held;
    case SensorSignal::kInletPressure:
      if (raised) {
        return "inlet pressure" + reading + " kPa below " + number(config.supply_pressure_min_kpa) +
               " kPa" + held;
      }
      return "inlet pressure" + reading + " kPa at or above " +
             number(config.supply_pressure_min_kpa) + " kPa" + held;
    case SensorSignal::kDoor:
      if (raised) return "door open outside a service visit" + held;
      return (value && *value > 0 ? "door open during a service visit" : "door closed") + held;
    case SensorSignal::kPumpCurrent:
      if (raised) {
        return "pump current" + (value ? " " + ratio(*value) + " times" : std::string(" above")) +
               " the machine's own running current (limit " + ratio(config.pump_overload_ratio) +
               ")" + held;
      }
      return "pump current back under " + ratio(config.pump_normal_ratio) +
             " times its own running current" + held;
    case SensorSignal::kWaterTemperature:
      if (raised) {
        return "water temperature" + (value ? " " + ratio(*value) + " C" : std::string("")) +
               " away from the machine's own (limit " + number(config.temp_off_c) + " C)" + held;
      }
      return "water temperature back within " + number(config.temp_normal_c) +
             " C of the machine's own" + held;
  }
  std::abort();  // unreachable for a valid SensorSignal
}

}  // namespace wm::devices
