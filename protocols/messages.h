// Normalized messages: what every wire protocol decodes into and what the rest of
// the gateway consumes. Plain values, no behaviour; times are Unix milliseconds UTC,
// money integer fen, volumes integer millilitres (PROTOCOLS.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace wm::protocols {

// Fault codes of PROTOCOLS.md section 4; the enum value is the wire number.
enum class FaultCode : std::uint8_t {
  kE01 = 1,  // inlet water shortage
  kE02 = 2,  // leak detected
  kE03 = 3,  // product water TDS over limit
  kE04 = 4,  // pump over-current
  kE05 = 5,  // UV lamp failure
  kE06 = 6,  // heater / temperature fault
  kE07 = 7,  // card reader fault
  kE08 = 8,  // valve stuck
};
std::string_view to_string(FaultCode code);                       // "E01"
std::optional<FaultCode> fault_code_from_string(std::string_view);  // "E01" -> kE01
std::optional<FaultCode> fault_code_from_number(int number);        // 1 -> kE01

struct Telemetry {
  std::int64_t ts_ms = 0;
  std::uint32_t seq = 0;
  double tds_in = 0;        // ppm, 0..5000
  double tds_out = 0;       // ppm, 0..5000
  double flow_lpm = 0;      // 0..30
  double pressure_kpa = 0;  // 0..1000
  double temp_c = 0;        // -10..110
  std::optional<double> tank_pct;  // 0..100
  std::optional<bool> uv_ok;
  std::int64_t filter_l = 0;  // >= 0
  std::optional<double> pump_a;  // 0..20
  std::optional<bool> leak;
  std::optional<bool> door;
  // False when the wire format left seq out (tb-gateway hubs may): seq is then 0 and
  // the sample is ordered by ts alone. wm-json-v1 and hx-binary always carry seq.
  bool has_seq = true;

  bool operator==(const Telemetry&) const = default;
};

struct Dispense {
  std::string txn;   // 1..64 chars, unique per machine
  std::string card;  // 1..64 chars
  std::int64_t charged_fen = 0;   // >= 0
  std::int64_t requested_ml = 0;  // > 0
  std::int64_t dispensed_ml = 0;  // >= 0
  bool operator==(const Dispense&) const = default;
};

struct Fault {
  FaultCode code = FaultCode::kE01;
  bool active = false;  // raised (true) or cleared (false)
  bool operator==(const Fault&) const = default;
};

enum class MaintenanceAction : std::uint8_t {
  kFilterChange,
  kMembraneChange,
  kUvChange,
  kCleaning,
  kServiceStart,
  kServiceEnd,
};
std::string_view to_string(MaintenanceAction action);  // "filter_change"
std::optional<MaintenanceAction> maintenance_action_from_string(std::string_view);

struct Maintenance {
  MaintenanceAction action = MaintenanceAction::kCleaning;
  std::string staff;
  bool operator==(const Maintenance&) const = default;
};

struct Event {
  std::int64_t ts_ms = 0;
  std::uint32_t seq = 0;
  std::variant<Dispense, Fault, Maintenance> body;
  bool operator==(const Event&) const = default;
};
std::string_view event_type(const Event& event);  // "dispense", "fault", "maintenance"

// Retained status message; the machine's MQTT will is the same with online=false.
struct Status {
  std::int64_t ts_ms = 0;
  bool online = false;
  bool operator==(const Status&) const = default;
};

// hx-binary heartbeat (PROTOCOLS.md section 2): proves that the machine is alive and
// carries no telemetry.
struct Heartbeat {
  std::int64_t ts_ms = 0;
  std::uint32_t seq = 0;
  bool operator==(const Heartbeat&) const = default;
};

enum class CommandKind : std::uint8_t { kLock, kUnlock, kDiagnose };
std::string_view to_string(CommandKind kind);  // "lock"
std::optional<CommandKind> command_kind_from_string(std::string_view);

// Gateway to machine.
struct Command {
  std::int64_t ts_ms = 0;
  CommandKind cmd = CommandKind::kDiagnose;
  std::string reason;
  std::string ticket;
  bool operator==(const Command&) const = default;
};

}  // namespace wm::protocols
