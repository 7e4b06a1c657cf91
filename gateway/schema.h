// The database schema as an ordered list of migrations. Migration i (1-based) brings
// the schema from version i-1 to i. Never edit a released migration: append a new one.
#pragma once

#include <string_view>
#include <vector>

namespace wm::gateway {

const std::vector<std::string_view>& schema_migrations();

}  // namespace wm::gateway
