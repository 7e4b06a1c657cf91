// Shorthands for the FleetDetector tests: a fleet of named machines, healthy readings to
// vary, and findings reduced to "wm-1 leak raised" for comparison. Test-only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "devices/fault_detector.h"
#include "protocols/messages.h"

namespace wm::devices::detector_test {

inline constexpr std::int64_t kSecond = 1000;
inline constexpr std::int64_t kMinute = 60 * kSecond;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;
inline constexpr std::int64_t kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

// A reading of a machine that is well, with every optional sensor present.
inline protocols::Telemetry healthy(std::int64_t ts_ms) {
  protocols::Telemetry t;
  t.ts_ms = ts_ms;
  t.tds_in = 180;
  t.tds_out = 12;
  t.flow_lpm = 0;
  t.pressure_kpa = 300;
  t.temp_c = 22;
  t.tank_pct = 80;
  t.uv_ok = true;
  t.leak = false;
  t.door = false;
  return t;
}

// Makers of a healthy reading with one value changed, for Fleet::readings.
inline auto with_tds(double ppm) {
  return [ppm](std::int64_t ts) {
    protocols::Telemetry t = healthy(ts);
    t.tds_out = ppm;
    return t;
  };
}

inline auto with_leak(bool wet) {
  return [wet](std::int64_t ts) {
    protocols::Telemetry t = healthy(ts);
    t.leak = wet;
    return t;
  };
}

inline auto with_door(bool open) {
  return [open](std::int64_t ts) {
    protocols::Telemetry t = healthy(ts);
    t.door = open;
    return t;
  };
}

inline auto with_flow(double lpm) {
  return [lpm](std::int64_t ts) {
    protocols::Telemetry t = healthy(ts);
    t.flow_lpm = lpm;
    return t;
  };
}

// "wm-1 leak raised": who, what, which way.
inline std::string summary(const Finding& f) {
  return f.subject + " " + std::string(to_string(f.kind)) + (f.raised ? " raised" : " cleared");
}

inline std::vector<std::string> summaries(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(summary(f));
  return out;
}

inline std::vector<Finding> of_kind(const std::vector<Finding>& findings, FaultKind kind) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (f.kind == kind) out.push_back(f);
  }
  return out;
}

// A FleetDetector with machines "wm-0", "wm-1", ... and one call per message, each
// returning what that message concluded.
class Fleet {
 public:
  explicit Fleet(DetectorConfig config = {}) : detector(config) {}

  MachineIndex add(const std::string& site_id = "s-1") {
    const MachineIndex m = next_++;
    detector.add_machine(m, device_id(m), site_id);
    return m;
  }
  static std::string device_id(MachineIndex m) { return "wm-" + std::to_string(m); }

  std::vector<Finding> telemetry(MachineIndex m, const protocols::Telemetry& t) {
    std::vector<Finding> out;
    detector.on_telemetry(m, t, out);
    return out;
  }
  // Readings from `from_ms` to `to_ms` inclusive, every `step_ms`, each made by
  // make(ts); all their findings.
  template <typename Make>
  std::vector<Finding> readings(MachineIndex m, std::int64_t from_ms, std::int64_t to_ms,
                                std::int64_t step_ms, Make make) {
    std::vector<Finding> out;
    for (std::int64_t ts = from_ms; ts <= to_ms; ts += step_ms)
      detector.on_telemetry(m, make(ts), out);
    return out;
  }
  std::vector<Finding> event(
      MachineIndex m, std::int64_t ts_ms,
      std::variant<protocols::Dispense, protocols::Fault, protocols::Maintenance> body) {
    protocols::Event e;
    e.ts_ms = ts_ms;
    e.body = std::move(body);
    std::vector<Finding> out;
    detector.on_event(m, e, out);
    return out;
  }
  std::vector<Finding> fault(MachineIndex m, std::int64_t ts_ms, protocols::FaultCode code,
                             bool active) {
    return event(m, ts_ms, protocols::Fault{code, active});
  }
  std::vector<Finding> dispense(MachineIndex m, std::int64_t ts_ms, const std::string& txn,
                                std::int64_t charged_fen, std::int64_t requested_ml,
                                std::int64_t dispensed_ml) {
    return event(m, ts_ms,
                 protocols::Dispense{txn, "card-1", charged_fen, requested_ml, dispensed_ml});
  }
  std::vector<Finding> maintenance(MachineIndex m, std::int64_t ts_ms,
                                   protocols::MaintenanceAction action) {
    return event(m, ts_ms, protocols::Maintenance{action, "staff-7"});
  }
  std::vector<Finding> status(MachineIndex m, std::int64_t ts_ms, bool online) {
    std::vector<Finding> out;
    detector.on_status(m, protocols::Status{ts_ms, online}, out);
    return out;
  }
  std::vector<Finding> heartbeat(MachineIndex m, std::int64_t ts_ms) {
    std::vector<Finding> out;
    detector.on_heartbeat(m, ts_ms, out);
    return out;
  }
  std::vector<Finding> advance(std::int64_t now_ms) {
    std::vector<Finding> out;
    detector.advance(now_ms, out);
    return out;
  }

  FleetDetector detector;

 private:
  MachineIndex next_ = 0;
};

}  // namespace wm::devices::detector_test
