// Names of the enums of messages.h as they appear on the wire (PROTOCOLS.md).
#include "protocols/messages.h"

#include <array>
#include <utility>

namespace wm::protocols {
namespace {

constexpr std::array<std::pair<FaultCode, std::string_view>, 8> kFaultCodeNames = {{
    {FaultCode::kE01, "E01"},
    {FaultCode::kE02, "E02"},
    {FaultCode::kE03, "E03"},
    {FaultCode::kE04, "E04"},
    {FaultCode::kE05, "E05"},
    {FaultCode::kE06, "E06"},
    {FaultCode::kE07, "E07"},
    {FaultCode::kE08, "E08"},
}};

constexpr std::array<std::pair<MaintenanceAction, std::string_view>, 6> kMaintenanceActionNames = {{
    {MaintenanceAction::kFilterChange, "filter_change"},
    {MaintenanceAction::kMembraneChange, "membrane_change"},
    {MaintenanceAction::kUvChange, "uv_change"},
    {MaintenanceAction::kCleaning, "cleaning"},
    {MaintenanceAction::kServiceStart, "service_start"},
    {MaintenanceAction::kServiceEnd, "service_end"},
}};

constexpr std::array<std::pair<CommandKind, std::string_view>, 3> kCommandKindNames = {{
    {CommandKind::kLock, "lock"},
    {CommandKind::kUnlock, "unlock"},
    {CommandKind::kDiagnose, "diagnose"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                         Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "unknown";  // only reachable with a value cast from outside the enum
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view name) {
  for (const auto& [value, candidate] : names) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(FaultCode code) { return name_of(kFaultCodeNames, code); }

std::optional<FaultCode> fault_code_from_string(std::string_view name) {
  return value_of(kFaultCodeNames, name);
}

std::optional<FaultCode> fault_code_from_number(int number) {
  for (const auto& [code, name] : kFaultCodeNames) {
    if (static_cast<int>(code) == number) return code;
  }
  return std::nullopt;
}

std::string_view to_string(MaintenanceAction action) {
  return name_of(kMaintenanceActionNames, action);
}

std::optional<MaintenanceAction> maintenance_action_from_string(std::string_view name) {
  return value_of(kMaintenanceActionNames, name);
}

std::string_view event_type(const Event& event) {
  struct TypeName {
    std::string_view operator()(const Dispense&) const { return "dispense"; }
    std::string_view operator()(const Fault&) const { return "fault"; }
    std::string_view operator()(const Maintenance&) const { return "maintenance"; }
  };
  return std::visit(TypeName{}, event.body);
}

std::string_view to_string(CommandKind kind) { return name_of(kCommandKindNames, kind); }

std::optional<CommandKind> command_kind_from_string(std::string_view name) {
  return value_of(kCommandKindNames, name);
}

}  // namespace wm::protocols
