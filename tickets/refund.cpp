// Names of the refund enums (the words of API.md and of the stored rows).
#include "tickets/refund.h"

#include <array>

#include "protocols/enum_names.h"

namespace wm::tickets {
namespace {

constexpr std::array<std::string_view, 4> kChargeOutcomeNames = {"charged", "free", "overdraw",
                                                                 "unknown_card"};
constexpr std::array<std::string_view, 3> kRefundStateNames = {"approved", "pending_review",
                                                               "rejected"};
constexpr std::array<std::string_view, 2> kRefundOriginNames = {"dispense", "claim"};

}  // namespace

std::string_view to_string(ChargeOutcome outcome) { return name_of(outcome, kChargeOutcomeNames); }
std::optional<ChargeOutcome> charge_outcome_from_string(std::string_view name) {
  return parse_name<ChargeOutcome>(name, kChargeOutcomeNames);
}

std::string_view to_string(RefundState state) { return name_of(state, kRefundStateNames); }
std::optional<RefundState> refund_state_from_string(std::string_view name) {
  return parse_name<RefundState>(name, kRefundStateNames);
}

std::string_view to_string(RefundOrigin origin) { return name_of(origin, kRefundOriginNames); }
std::optional<RefundOrigin> refund_origin_from_string(std::string_view name) {
  return parse_name<RefundOrigin>(name, kRefundOriginNames);
}

}  // namespace wm::tickets
