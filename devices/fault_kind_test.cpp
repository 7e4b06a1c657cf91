// The fault table checked cell by cell against DESIGN.md "Fault kinds and who answers
// for them". The expectations are DESIGN.md's text, copied here independently of
// fault_kind.cpp, so a typo in either place fails.
#include "devices/fault_kind.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "devices/design_table_for_test.h"

namespace wm::devices {
namespace {

using design_oracle::DesignRow;
using design_oracle::kDesignTable;

class FaultTableRowTest : public testing::TestWithParam<DesignRow> {};

TEST_P(FaultTableRowTest, SeverityAndDefaultPartiesMatchDesign) {
  const DesignRow& row = GetParam();
  const std::optional<FaultKind> kind = fault_kind_from_string(row.kind);
  ASSERT_TRUE(kind.has_value()) << row.kind;
  EXPECT_EQ(to_string(*kind), row.kind);
  EXPECT_EQ(to_string(severity_of(*kind)), row.severity);
  EXPECT_EQ(to_string(default_party(*kind, SiteKind::kSchool)), row.school);
  EXPECT_EQ(to_string(default_party(*kind, SiteKind::kCommunity)), row.community);
  EXPECT_EQ(to_string(default_party(*kind, SiteKind::kMall)), row.mall);
}

INSTANTIATE_TEST_SUITE_P(Design, FaultTableRowTest, testing::ValuesIn(kDesignTable),
                         [](const testing::TestParamInfo<DesignRow>& row_info) {
                           return std::string(row_info.param.kind);
                         });

TEST(FaultKindTest, AllFaultKindsListsEachKindOnceInDesignOrder) {
  const auto& kinds = all_fault_kinds();
  ASSERT_EQ(kinds.size(), std::size(kDesignTable));
  std::set<FaultKind> distinct(kinds.begin(), kinds.end());
  EXPECT_EQ(distinct.size(), kFaultKindCount);
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(to_string(kinds[i]), kDesignTable[i].kind) << "position " << i;
  }
}

TEST(FaultKindTest, NamesRoundTrip) {
  for (const FaultKind kind : all_fault_kinds()) {
    EXPECT_EQ(fault_kind_from_string(to_string(kind)), kind) << to_string(kind);
  }
}

TEST(FaultKindTest, UnknownOrMisspelledNamesAreRejected) {
  EXPECT_EQ(fault_kind_from_string(""), std::nullopt);
  EXPECT_EQ(fault_kind_from_string("leek"), std::nullopt);
  EXPECT_EQ(fault_kind_from_string("Leak"), std::nullopt);
  EXPECT_EQ(fault_kind_from_string("water-quality"), std::nullopt);
  EXPECT_EQ(fault_kind_from_string("leak "), std::nullopt);
}

TEST(SeverityTest, NamesAreP1ToP4AndOrderByUrgency) {
  EXPECT_EQ(to_string(Severity::kP1), "P1");
  EXPECT_EQ(to_string(Severity::kP2), "P2");
  EXPECT_EQ(to_string(Severity::kP3), "P3");
  EXPECT_EQ(to_string(Severity::kP4), "P4");
  // The enum value is the number in the name, so "more urgent" is "smaller".
  EXPECT_LT(Severity::kP1, Severity::kP4);
  EXPECT_EQ(static_cast<int>(Severity::kP3), 3);
}

TEST(SiteKindTest, NamesRoundTripAndUnknownIsRejected) {
  EXPECT_EQ(to_string(SiteKind::kSchool), "school");
  EXPECT_EQ(to_string(SiteKind::kCommunity), "community");
  EXPECT_EQ(to_string(SiteKind::kMall), "mall");
  for (const SiteKind kind : {SiteKind::kSchool, SiteKind::kCommunity, SiteKind::kMall}) {
    EXPECT_EQ(site_kind_from_string(to_string(kind)), kind);
  }
  EXPECT_EQ(site_kind_from_string("hospital"), std::nullopt);
  EXPECT_EQ(site_kind_from_string("School"), std::nullopt);
  EXPECT_EQ(site_kind_from_string(""), std::nullopt);
}

TEST(PartyTest, NamesRoundTripAndUnknownIsRejected) {
  EXPECT_EQ(to_string(Party::kOperator), "operator");
  EXPECT_EQ(to_string(Party::kProperty), "property");
  EXPECT_EQ(party_from_string("operator"), Party::kOperator);
  EXPECT_EQ(party_from_string("property"), Party::kProperty);
  EXPECT_EQ(party_from_string("vendor"), std::nullopt);
  EXPECT_EQ(party_from_string(""), std::nullopt);
}

}  // namespace
}  // namespace wm::devices

namespace wm::devices {
namespace {

TEST(FaultKindOfCodeTest, EachMachineCodeReportsItsKind) {
  using protocols::FaultCode;
  EXPECT_EQ(fault_kind_of(FaultCode::kE01), FaultKind::kWaterSupply);
  EXPECT_EQ(fault_kind_of(FaultCode::kE02), FaultKind::kLeak);
  EXPECT_EQ(fault_kind_of(FaultCode::kE03), FaultKind::kWaterQuality);
  EXPECT_EQ(fault_kind_of(FaultCode::kE04), FaultKind::kPumpFault);
  EXPECT_EQ(fault_kind_of(FaultCode::kE05), FaultKind::kUvFault);
  EXPECT_EQ(fault_kind_of(FaultCode::kE06), FaultKind::kHeaterFault);
  EXPECT_EQ(fault_kind_of(FaultCode::kE07), FaultKind::kCardReaderFault);
  EXPECT_EQ(fault_kind_of(FaultCode::kE08), FaultKind::kDispenseFailure);
}

}  // namespace
}  // namespace wm::devices

namespace wm::devices {
namespace {

TEST(SeverityNameTest, RoundTrips) {
  for (Severity s : {Severity::kP1, Severity::kP2, Severity::kP3, Severity::kP4}) {
    EXPECT_EQ(severity_from_string(to_string(s)), s);
  }
  EXPECT_FALSE(severity_from_string("P5").has_value());
  EXPECT_FALSE(severity_from_string("p1").has_value());
}

}  // namespace
}  // namespace wm::devices
