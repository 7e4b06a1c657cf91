// Fault kinds of DESIGN.md, their severity and their default responsible party per
// site kind. The per-site contract overrides live in the inventory; the decision
// (which rule assigned a ticket) lives in tickets/ResponsibilityMatrix.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocols/messages.h"

namespace wm::devices {

enum class FaultKind : std::uint8_t {
  kWaterQuality,
  kLeak,
  kSitePowerOutage,
  kWaterSupply,
  kDeviceOffline,
  kDispenseFailure,
  kPumpFault,
  kUvFault,
  kHeaterFault,
  kCardReaderFault,
  kFilterClogging,
  kMembraneDegradation,
  kTamper,
  kCleaningDue,
  kCardService,
  kRefundDispute,
};
inline constexpr std::size_t kFaultKindCount = 16;
const std::array<FaultKind, kFaultKindCount>& all_fault_kinds();

std::string_view to_string(FaultKind kind);  // "water_quality"
std::optional<FaultKind> fault_kind_from_string(std::string_view name);

enum class Severity : std::uint8_t { kP1 = 1, kP2 = 2, kP3 = 3, kP4 = 4 };
std::string_view to_string(Severity severity);  // "P1"
std::optional<Severity> severity_from_string(std::string_view name);
Severity severity_of(FaultKind kind);

enum class SiteKind : std::uint8_t { kSchool, kCommunity, kMall };
std::string_view to_string(SiteKind kind);  // "school"
std::optional<SiteKind> site_kind_from_string(std::string_view name);

// Which side of the service boundary answers for a fault.
enum class Party : std::uint8_t { kOperator, kProperty };
std::string_view to_string(Party party);  // "operator"
std::optional<Party> party_from_string(std::string_view name);

// The fault kind a machine's own fault code reports (PROTOCOLS.md section 4 against
// DESIGN.md's table): E01 water_supply, E02 leak, E03 water_quality, E04 pump_fault,
// E05 uv_fault, E06 heater_fault, E07 card_reader_fault, E08 dispense_failure.
FaultKind fault_kind_of(protocols::FaultCode code);

// The default cell of DESIGN.md's table (before any contract override).
Party default_party(FaultKind kind, SiteKind site_kind);

}  // namespace wm::devices
