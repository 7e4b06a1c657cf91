#include "protocols/messages.h"

#include <gtest/gtest.h>

#include <string>

namespace wm::protocols {
namespace {

TEST(FaultCode, NamesAndNumbersMatchSectionFour) {
  for (int number = 1; number <= 8; ++number) {
    const std::optional<FaultCode> code = fault_code_from_number(number);
    ASSERT_TRUE(code.has_value()) << number;
    EXPECT_EQ(static_cast<int>(*code), number);
    const std::string name = "E0" + std::to_string(number);
    EXPECT_EQ(to_string(*code), name);
    EXPECT_EQ(fault_code_from_string(name), code);
  }
}

TEST(FaultCode, RejectsUnknownNamesAndNumbers) {
  for (int number : {-1, 0, 9, 255, 256}) {
    EXPECT_FALSE(fault_code_from_number(number).has_value()) << number;
  }
  for (const char* name : {"", "E00", "E09", "e01", "E1", "E001", "E01 "}) {
    EXPECT_FALSE(fault_code_from_string(name).has_value()) << name;
  }
}

TEST(MaintenanceAction, NamesRoundTrip) {
  const std::pair<MaintenanceAction, const char*> actions[] = {
      {MaintenanceAction::kFilterChange, "filter_change"},
      {MaintenanceAction::kMembraneChange, "membrane_change"},
      {MaintenanceAction::kUvChange, "uv_change"},
      {MaintenanceAction::kCleaning, "cleaning"},
      {MaintenanceAction::kServiceStart, "service_start"},
      {MaintenanceAction::kServiceEnd, "service_end"},
  };
  for (const auto& [action, name] : actions) {
    EXPECT_EQ(to_string(action), name);
    EXPECT_EQ(maintenance_action_from_string(name), action);
  }
  EXPECT_FALSE(maintenance_action_from_string("repair").has_value());
  EXPECT_FALSE(maintenance_action_from_string("Cleaning").has_value());
  EXPECT_FALSE(maintenance_action_from_string("").has_value());
}

TEST(CommandKind, NamesRoundTrip) {
  const std::pair<CommandKind, const char*> kinds[] = {{CommandKind::kLock, "lock"},
                                                       {CommandKind::kUnlock, "unlock"},
                                                       {CommandKind::kDiagnose, "diagnose"}};
  for (const auto& [kind, name] : kinds) {
    EXPECT_EQ(to_string(kind), name);
    EXPECT_EQ(command_kind_from_string(name), kind);
  }
  EXPECT_FALSE(command_kind_from_string("reboot").has_value());
  EXPECT_FALSE(command_kind_from_string("LOCK").has_value());
}

TEST(EventType, NamesTheBody) {
  EXPECT_EQ(event_type(Event{0, 0, Dispense{}}), "dispense");
  EXPECT_EQ(event_type(Event{0, 0, Fault{}}), "fault");
  EXPECT_EQ(event_type(Event{0, 0, Maintenance{}}), "maintenance");
}

TEST(Messages, CompareByValue) {
  Telemetry a;
  Telemetry b;
  EXPECT_EQ(a, b);
  b.tank_pct = 0.0;  // present, even as zero, differs from absent
  EXPECT_NE(a, b);
  EXPECT_NE((Event{1, 2, Fault{FaultCode::kE01, true}}),
            (Event{1, 2, Fault{FaultCode::kE01, false}}));
}

}  // namespace
}  // namespace wm::protocols
