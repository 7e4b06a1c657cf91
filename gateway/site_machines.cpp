#include "gateway/site_machines.h"

namespace wm::gateway {

SiteMachines::SiteMachines(const devices::Inventory& inventory, std::uint64_t version)
    : version_(version) {
  // devices() is sorted by id, so each site's list is too.
  for (const auto& [id, device] : inventory.devices()) by_site_[device.site].push_back(id);
}

const std::vector<std::string>& SiteMachines::of(std::string_view site_id) const {
  static const std::vector<std::string> kNone;
  const auto it = by_site_.find(site_id);
  return it == by_site_.end() ? kNone : it->second;
}

std::shared_ptr<const SiteMachines> SiteMachinesCache::get(const devices::Inventory& inventory,
                                                           std::uint64_t version) {
  std::lock_guard lock(mu_);
  if (current_ == nullptr || current_->version() != version) {
    current_ = std::make_shared<const SiteMachines>(inventory, version);
  }
  return current_;
}

}  // namespace wm::gateway
