// Who answers for a fault at a site: DESIGN.md's default table per site kind, unless the
// site's contract overrides the cell. Every decision names the rule that made it, so a
// ticket can show why it went where it went.
#pragma once

#include <string>

#include "devices/fault_kind.h"
#include "devices/inventory.h"

namespace wm::tickets {

struct Assignment {
  devices::Party party = devices::Party::kOperator;
  std::string org;   // the site's operator_org or property_org
  std::string rule;  // "default:mall/cleaning_due" or "contract:s-001/cleaning_due"
  bool operator==(const Assignment&) const = default;
};

class ResponsibilityMatrix {
 public:
  static Assignment assign(const devices::Site& site, devices::FaultKind kind);
};

}  // namespace wm::tickets
