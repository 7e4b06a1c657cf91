#include "simulator/fault_kind.h"

namespace wm::sim {
namespace {

struct KindInfo {
  FaultKind kind;
  std::string_view name;
  std::optional<protocols::FaultCode> code;
};

using protocols::FaultCode;

constexpr std::array<KindInfo, kFaultKindCount> kKinds = {{
    {FaultKind::kWaterQuality, "water_quality", FaultCode::kE03},
    {FaultKind::kLeak, "leak", FaultCode::kE02},
    {FaultKind::kUvFault, "uv_fault", FaultCode::kE05},
    {FaultKind::kWaterSupply, "water_supply", FaultCode::kE01},
    {FaultKind::kDispenseFailure, "dispense_failure", FaultCode::kE08},
    {FaultKind::kPumpFault, "pump_fault", FaultCode::kE04},
    {FaultKind::kHeaterFault, "heater_fault", FaultCode::kE06},
    {FaultKind::kCardReaderFault, "card_reader_fault", FaultCode::kE07},
    {FaultKind::kTamper, "tamper", std::nullopt},
    {FaultKind::kDeviceOffline, "device_offline", std::nullopt},
    {FaultKind::kSitePowerOutage, "site_power_outage", std::nullopt},
    {FaultKind::kCleaningDue, "cleaning_due", std::nullopt},
    {FaultKind::kFilterClogging, "filter_clogging", std::nullopt},
    {FaultKind::kMembraneDegradation, "membrane_degradation", std::nullopt},
}};

const KindInfo& info(FaultKind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

}  // namespace

const std::array<FaultKind, kFaultKindCount>& all_fault_kinds() {
  static const std::array<FaultKind, kFaultKindCount> kinds = [] {
    std::array<FaultKind, kFaultKindCount> all{};
    for (std::size_t i = 0; i < kFaultKindCount; ++i) all[i] = kKinds[i].kind;
    return all;
  }();
  return kinds;
}

std::string_view to_string(FaultKind kind) { return info(kind).name; }

std::optional<FaultKind> fault_kind_from_string(std::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::optional<protocols::FaultCode> fault_code_of(FaultKind kind) { return info(kind).code; }

bool sends_fault_events(WireProtocol protocol) { return protocol != WireProtocol::kTbGateway; }
bool sends_dispense_events(WireProtocol protocol) { return protocol != WireProtocol::kTbGateway; }
bool sends_maintenance_events(WireProtocol protocol) { return protocol == WireProtocol::kWmJson; }

bool can_show(FaultKind kind, WireProtocol protocol) {
  switch (kind) {
    case FaultKind::kDispenseFailure:
      return sends_dispense_events(protocol);
    case FaultKind::kCardReaderFault:
      return sends_fault_events(protocol);
    case FaultKind::kCleaningDue:
      return sends_maintenance_events(protocol);
    default:
      return true;
  }
}

bool degrades_slowly(FaultKind kind) {
  switch (kind) {
    case FaultKind::kFilterClogging:
    case FaultKind::kMembraneDegradation:
    case FaultKind::kWaterQuality:
    case FaultKind::kPumpFault:
    case FaultKind::kHeaterFault:
      return true;
    default:
      return false;
  }
}

bool slow_only(FaultKind kind) {
  return kind == FaultKind::kFilterClogging || kind == FaultKind::kMembraneDegradation;
}

}  // namespace wm::sim
