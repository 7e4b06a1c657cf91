// The machines of each site, for the hotline look-up: a caller who names a place gets its
// machines without a walk over the whole fleet (10k machines) under the fleet's lock.
// An index belongs to one version of the inventory (FleetState::inventory_version()) and
// is built again when the inventory changes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "devices/inventory.h"

namespace wm::gateway {

class SiteMachines {
 public:
  SiteMachines(const devices::Inventory& inventory, std::uint64_t version);

  // The ids of the machines of `site_id`, sorted; empty for a site without machines.
  const std::vector<std::string>& of(std::string_view site_id) const;
  std::uint64_t version() const { return version_; }

 private:
  std::uint64_t version_;
  std::map<std::string, std::vector<std::string>, std::less<>> by_site_;
};

// The index of the newest inventory version seen. Thread-safe.
class SiteMachinesCache {
 public:
  // The index of `inventory` at `version`: the one kept, or one built now. Call it where
  // the inventory cannot change meanwhile (inside FleetState::read).
  std::shared_ptr<const SiteMachines> get(const devices::Inventory& inventory,
                                          std::uint64_t version);

 private:
  std::mutex mu_;
  std::shared_ptr<const SiteMachines> current_;
};

}  // namespace wm::gateway
