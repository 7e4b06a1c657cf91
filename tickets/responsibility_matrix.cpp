// The contract cell first, then DESIGN.md's default: the same order a person reads a
// site's service agreement, so the recorded rule matches what they would look up.
#include "tickets/responsibility_matrix.h"

namespace wm::tickets {

Assignment ResponsibilityMatrix::assign(const devices::Site& site, devices::FaultKind kind) {
  Assignment assignment;
  const std::string kind_name(devices::to_string(kind));
  if (const auto cell = site.contract.overrides.find(kind); cell != site.contract.overrides.end()) {
    assignment.party = cell->second;
    assignment.rule = "contract:" + site.id + "/" + kind_name;
  } else {
    assignment.party = devices::default_party(kind, site.kind);
    assignment.rule = "default:" + std::string(devices::to_string(site.kind)) + "/" + kind_name;
  }
  assignment.org =
      assignment.party == devices::Party::kOperator ? site.operator_org : site.property_org;
  return assignment;
}

}  // namespace wm::tickets
