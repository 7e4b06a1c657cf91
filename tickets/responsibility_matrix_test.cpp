// Every cell of DESIGN.md's responsibility table (16 fault kinds x 3 site kinds), and
// contract overrides. The expected table is DESIGN.md's text, copied here on purpose:
// it must not be derived from the code under test.
#include "tickets/responsibility_matrix.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "devices/design_table_for_test.h"

namespace wm::tickets {
namespace {

using devices::FaultKind;
using devices::Party;
using devices::SiteKind;

using devices::design_oracle::DesignRow;
using devices::design_oracle::kDesignTable;

devices::Site make_site(const std::string& id, SiteKind kind) {
  devices::Site site;
  site.id = id;
  site.name = "Site " + id;
  site.kind = kind;
  site.operator_org = "op-1";
  site.property_org = "pm-7";
  return site;
}

FaultKind kind_named(const char* name) {
  const std::optional<FaultKind> kind = devices::fault_kind_from_string(name);
  if (!kind) ADD_FAILURE() << "DESIGN.md names a fault kind the code lacks: " << name;
  return kind.value_or(FaultKind::kWaterQuality);
}

class DefaultCellTest : public testing::TestWithParam<std::tuple<DesignRow, SiteKind>> {};

TEST_P(DefaultCellTest, AssignsDesignPartyOrgAndRule) {
  const auto& [row, site_kind] = GetParam();
  const char* expected_party = site_kind == SiteKind::kSchool      ? row.school
                               : site_kind == SiteKind::kCommunity ? row.community
                                                                   : row.mall;
  const FaultKind kind = kind_named(row.kind);
  const devices::Site site = make_site("s-001", site_kind);

  const Assignment assignment = ResponsibilityMatrix::assign(site, kind);

  EXPECT_EQ(devices::to_string(assignment.party), expected_party);
  EXPECT_EQ(assignment.org, std::string(expected_party) == "operator" ? "op-1" : "pm-7");
  EXPECT_EQ(assignment.rule,
            "default:" + std::string(devices::to_string(site_kind)) + "/" + row.kind);
  EXPECT_EQ(devices::to_string(devices::severity_of(kind)), row.severity);
}

INSTANTIATE_TEST_SUITE_P(
    Design, DefaultCellTest,
    testing::Combine(testing::ValuesIn(kDesignTable),
                     testing::Values(SiteKind::kSchool, SiteKind::kCommunity, SiteKind::kMall)),
    [](const testing::TestParamInfo<std::tuple<DesignRow, SiteKind>>& cell_info) {
      return std::string(devices::to_string(std::get<1>(cell_info.param))) + "_" +
             std::get<0>(cell_info.param).kind;
    });

TEST(ResponsibilityMatrixTest, DesignTableCoversEveryFaultKind) {
  ASSERT_EQ(std::size(kDesignTable), devices::kFaultKindCount);
  for (const FaultKind kind : devices::all_fault_kinds()) {
    bool found = false;
    for (const DesignRow& row : kDesignTable) found = found || devices::to_string(kind) == row.kind;
    EXPECT_TRUE(found) << devices::to_string(kind) << " has no DESIGN.md row";
  }
}

TEST(ResponsibilityMatrixTest, ContractOverrideWinsAndNamesTheSite) {
  // DESIGN.md: cleaning_due at a school is the operator's by default.
  devices::Site site = make_site("s-001", SiteKind::kSchool);
  site.contract.overrides[FaultKind::kCleaningDue] = Party::kProperty;

  const Assignment assignment = ResponsibilityMatrix::assign(site, FaultKind::kCleaningDue);

  EXPECT_EQ(assignment, (Assignment{Party::kProperty, "pm-7", "contract:s-001/cleaning_due"}));
}

TEST(ResponsibilityMatrixTest, OverrideToOperatorPicksTheOperatorOrg) {
  // API.md's example contract: a mall where cleaning is the operator's job.
  devices::Site site = make_site("s-mall-9", SiteKind::kMall);
  site.operator_org = "op-3";
  site.contract.overrides[FaultKind::kCleaningDue] = Party::kOperator;

  EXPECT_EQ(ResponsibilityMatrix::assign(site, FaultKind::kCleaningDue),
            (Assignment{Party::kOperator, "op-3", "contract:s-mall-9/cleaning_due"}));
}

TEST(ResponsibilityMatrixTest, OverrideEqualToTheDefaultIsStillRecordedAsContract) {
  devices::Site site = make_site("s-002", SiteKind::kCommunity);
  site.contract.overrides[FaultKind::kLeak] = Party::kOperator;  // same as the default

  const Assignment assignment = ResponsibilityMatrix::assign(site, FaultKind::kLeak);

  EXPECT_EQ(assignment.party, Party::kOperator);
  EXPECT_EQ(assignment.rule, "contract:s-002/leak") << "the contract is why, not the table";
}

TEST(ResponsibilityMatrixTest, OverrideTouchesOnlyItsOwnCell) {
  devices::Site site = make_site("s-003", SiteKind::kMall);
  site.contract.overrides[FaultKind::kTamper] = Party::kOperator;
  site.contract.arbiter = "op-1";

  for (const FaultKind kind : devices::all_fault_kinds()) {
    const Assignment assignment = ResponsibilityMatrix::assign(site, kind);
    if (kind == FaultKind::kTamper) {
      EXPECT_EQ(assignment, (Assignment{Party::kOperator, "op-1", "contract:s-003/tamper"}));
    } else {
      EXPECT_EQ(assignment.party, devices::default_party(kind, SiteKind::kMall))
          << devices::to_string(kind);
      EXPECT_EQ(assignment.rule, "default:mall/" + std::string(devices::to_string(kind)));
    }
  }
}

TEST(ResponsibilityMatrixTest, OverridesOfOneSiteDoNotLeakToAnother) {
  devices::Site contracted = make_site("s-004", SiteKind::kSchool);
  contracted.contract.overrides[FaultKind::kCardService] = Party::kOperator;
  const devices::Site plain = make_site("s-005", SiteKind::kSchool);

  EXPECT_EQ(ResponsibilityMatrix::assign(contracted, FaultKind::kCardService).party,
            Party::kOperator);
  EXPECT_EQ(ResponsibilityMatrix::assign(plain, FaultKind::kCardService),
            (Assignment{Party::kProperty, "pm-7", "default:school/card_service"}));
}

TEST(ResponsibilityMatrixTest, EveryCellCanBeOverriddenBothWays) {
  for (const SiteKind site_kind : {SiteKind::kSchool, SiteKind::kCommunity, SiteKind::kMall}) {
    for (const FaultKind kind : devices::all_fault_kinds()) {
      for (const Party party : {Party::kOperator, Party::kProperty}) {
        devices::Site site = make_site("s-x", site_kind);
        site.contract.overrides[kind] = party;
        const Assignment assignment = ResponsibilityMatrix::assign(site, kind);
        EXPECT_EQ(assignment.party, party);
        EXPECT_EQ(assignment.org, party == Party::kOperator ? "op-1" : "pm-7");
        EXPECT_EQ(assignment.rule, "contract:s-x/" + std::string(devices::to_string(kind)));
      }
    }
  }
}

}  // namespace
}  // namespace wm::tickets
