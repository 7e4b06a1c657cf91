// Names of the card enums (the words of API.md and of the stored rows) and the token check.
#include "tickets/card.h"

#include <array>

#include "protocols/enum_names.h"

namespace wm::tickets {
namespace {

constexpr std::array<std::string_view, 3> kCardStateNames = {"active", "lost", "closed"};
constexpr std::array<std::string_view, 5> kFlagReasonNames = {
    "overdraw", "used_while_lost", "used_while_closed", "unknown_card", "claim_on_delivered"};

}  // namespace

std::string_view to_string(CardState state) { return name_of(state, kCardStateNames); }
std::optional<CardState> card_state_from_string(std::string_view name) {
  return parse_name<CardState>(name, kCardStateNames);
}

std::string_view to_string(FlagReason reason) { return name_of(reason, kFlagReasonNames); }
std::optional<FlagReason> flag_reason_from_string(std::string_view name) {
  return parse_name<FlagReason>(name, kFlagReasonNames);
}

Status check_card_token(std::string_view token, std::string_view field) {
  if (token.empty()) {
    return make_error("missing_field", std::string(field), "a card token is required");
  }
  bool printable = true;
  for (const char c : token)
    printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (token.size() > kMaxCardTokenChars || !printable) {
    return make_error("out_of_range", std::string(field),
                      "a card token is 1 to 64 bytes without control characters");
  }
  return Ok{};
}

}  // namespace wm::tickets
