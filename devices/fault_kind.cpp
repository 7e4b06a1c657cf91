// DESIGN.md's fault table as data. One row per fault kind, in enum order, so that a
// lookup is an index and the table reads like the document it copies.
#include "devices/fault_kind.h"

#include <cstdlib>

#include "protocols/enum_names.h"

namespace wm::devices {
using wm::name_of;
using wm::parse_name;

namespace {

struct FaultRow {
  FaultKind kind;
  std::string_view name;
  Severity severity;
  Party school;
  Party community;
  Party mall;
};

constexpr Party kOp = Party::kOperator;
constexpr Party kProp = Party::kProperty;

// fault kind, name, severity, school, community, mall: DESIGN.md "Fault kinds and who
// answers for them". Changing a cell here changes who gets woken up; keep the tests in step.
constexpr std::array<FaultRow, kFaultKindCount> kFaultTable = {{
    {FaultKind::kWaterQuality, "water_quality", Severity::kP1, kOp, kOp, kOp},
    {FaultKind::kLeak, "leak", Severity::kP1, kOp, kOp, kOp},
    {FaultKind::kSitePowerOutage, "site_power_outage", Severity::kP1, kProp, kProp, kProp},
    {FaultKind::kWaterSupply, "water_supply", Severity::kP2, kProp, kProp, kProp},
    {FaultKind::kDeviceOffline, "device_offline", Severity::kP2, kOp, kOp, kOp},
    {FaultKind::kDispenseFailure, "dispense_failure", Severity::kP2, kOp, kOp, kOp},
    {FaultKind::kPumpFault, "pump_fault", Severity::kP2, kOp, kOp, kOp},
    {FaultKind::kUvFault, "uv_fault", Severity::kP2, kOp, kOp, kOp},
    {FaultKind::kHeaterFault, "heater_fault", Severity::kP3, kOp, kOp, kOp},
    {FaultKind::kCardReaderFault, "card_reader_fault", Severity::kP3, kOp, kOp, kOp},
    {FaultKind::kFilterClogging, "filter_clogging", Severity::kP3, kOp, kOp, kOp},
    {FaultKind::kMembraneDegradation, "membrane_degradation", Severity::kP3, kOp, kOp, kOp},
    {FaultKind::kTamper, "tamper", Severity::kP3, kProp, kProp, kProp},
    {FaultKind::kCleaningDue, "cleaning_due", Severity::kP4, kOp, kProp, kProp},
    {FaultKind::kCardService, "card_service", Severity::kP4, kProp, kOp, kOp},
    {FaultKind::kRefundDispute, "refund_dispute", Severity::kP3, kOp, kProp, kProp},
}};

constexpr bool table_is_in_enum_order() {
  for (std::size_t i = 0; i < kFaultTable.size(); ++i) {
    if (static_cast<std::size_t>(kFaultTable[i].kind) != i) return false;
  }
  return true;
}
static_assert(table_is_in_enum_order(), "kFaultTable rows must follow FaultKind's order");

const FaultRow& row(FaultKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  // An enum value outside the table can only come from a cast of garbage: a bug, not input.
  if (index >= kFaultTable.size()) std::abort();
  return kFaultTable[index];
}

constexpr std::array<std::string_view, 3> kSiteKindNames = {"school", "community", "mall"};
constexpr std::array<std::string_view, 2> kPartyNames = {"operator", "property"};
constexpr std::array<std::string_view, 4> kSeverityNames = {"P1", "P2", "P3", "P4"};

}  // namespace

const std::array<FaultKind, kFaultKindCount>& all_fault_kinds() {
  static const std::array<FaultKind, kFaultKindCount> kinds = [] {
    std::array<FaultKind, kFaultKindCount> out{};
    for (std::size_t i = 0; i < kFaultTable.size(); ++i) out[i] = kFaultTable[i].kind;
    return out;
  }();
  return kinds;
}

std::string_view to_string(FaultKind kind) { return row(kind).name; }

std::optional<FaultKind> fault_kind_from_string(std::string_view name) {
  for (const FaultRow& r : kFaultTable) {
    if (r.name == name) return r.kind;
  }
  return std::nullopt;
}

std::string_view to_string(Severity severity) { return name_of(severity, kSeverityNames, 1); }
std::optional<Severity> severity_from_string(std::string_view name) {
  return parse_name<Severity>(name, kSeverityNames, 1);
}

Severity severity_of(FaultKind kind) { return row(kind).severity; }

std::string_view to_string(SiteKind kind) { return name_of(kind, kSiteKindNames); }

std::optional<SiteKind> site_kind_from_string(std::string_view name) {
  return parse_name<SiteKind>(name, kSiteKindNames);
}

std::string_view to_string(Party party) { return name_of(party, kPartyNames); }

std::optional<Party> party_from_string(std::string_view name) {
  return parse_name<Party>(name, kPartyNames);
}

Party default_party(FaultKind kind, SiteKind site_kind) {
  const FaultRow& r = row(kind);
  switch (site_kind) {
    case SiteKind::kSchool:
      return r.school;
    case SiteKind::kCommunity:
      return r.community;
    case SiteKind::kMall:
      return r.mall;
  }
  std::abort();  // unreachable for a valid SiteKind
}

FaultKind fault_kind_of(protocols::FaultCode code) {
  switch (code) {
    case protocols::FaultCode::kE01:
      return FaultKind::kWaterSupply;
    case protocols::FaultCode::kE02:
      return FaultKind::kLeak;
    case protocols::FaultCode::kE03:
      return FaultKind::kWaterQuality;
    case protocols::FaultCode::kE04:
      return FaultKind::kPumpFault;
    case protocols::FaultCode::kE05:
      return FaultKind::kUvFault;
    case protocols::FaultCode::kE06:
      return FaultKind::kHeaterFault;
    case protocols::FaultCode::kE07:
      return FaultKind::kCardReaderFault;
    case protocols::FaultCode::kE08:
      return FaultKind::kDispenseFailure;
  }
  return FaultKind::kDispenseFailure;  // unreachable: every code is listed above
}

}  // namespace wm::devices
