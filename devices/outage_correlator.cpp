#include "devices/outage_correlator.h"

#include <algorithm>

namespace wm::devices {

std::optional<SiteIndex> OutageCorrelator::site_of(MachineIndex machine) const {
  if (machine >= machines_.size() || machines_[machine].site == kNoSite) return std::nullopt;
  return machines_[machine].site;
}

void OutageCorrelator::place(MachineIndex machine, std::string_view site_id) {
  if (machine >= machines_.size()) machines_.resize(std::size_t{machine} + 1);
  auto [it, inserted] = site_index_.try_emplace(std::string(site_id), SiteIndex{0});
  if (inserted) {
    it->second = static_cast<SiteIndex>(sites_.size());
    sites_.push_back(Site{std::string(site_id), {}, 0, false});
  }
  const SiteIndex to = it->second;
  Member& member = machines_[machine];
  if (member.site == to) return;

  const bool offline = member.liveness != Liveness::kOnline;
  if (member.site != kNoSite) {
    Site& from = sites_[member.site];
    std::erase(from.members, machine);
    if (offline) --from.offline;
  }
  member.site = to;
  Site& site = sites_[to];
  site.members.push_back(machine);
  if (offline) ++site.offline;
  // A moved machine follows its new site: it waits where the site is up (its window
  // keeps its start) and is covered where the site is down.
  if (member.liveness == Liveness::kSuppressed && !site.down) wait(member, member.window_start_ms);
  if (member.liveness == Liveness::kWaiting && site.down) member.liveness = Liveness::kSuppressed;
  membership_changed_ = true;
}

bool OutageCorrelator::more_than_fraction(std::uint32_t offline, const Site& site) const {
  return static_cast<double>(offline) > config_.fraction * static_cast<double>(site.members.size());
}

// The most offline machines of the site whose offline times fit in one window.
std::uint32_t OutageCorrelator::largest_cluster(const Site& site) {
  scratch_.clear();
  for (MachineIndex m : site.members) {
    if (machines_[m].liveness != Liveness::kOnline) scratch_.push_back(machines_[m].offline_ms);
  }
  std::sort(scratch_.begin(), scratch_.end());
  std::size_t best = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < scratch_.size(); ++last) {
    while (scratch_[last] - scratch_[first] > config_.window_ms) ++first;
    best = std::max(best, last - first + 1);
  }
  return static_cast<std::uint32_t>(best);
}

void OutageCorrelator::wait(Member& member, std::int64_t from_ms) {
  member.liveness = Liveness::kWaiting;
  member.window_start_ms = from_ms;
  next_window_close_ms_ = std::min(next_window_close_ms_, from_ms + config_.window_ms);
}

void OutageCorrelator::went_offline(MachineIndex machine, std::int64_t at_ms,
                                    std::vector<Decision>& out) {
  if (machine >= machines_.size()) return;
  Member& member = machines_[machine];
  if (member.site == kNoSite || member.liveness != Liveness::kOnline) return;
  Site& site = sites_[member.site];
  ++site.offline;
  member.offline_ms = at_ms;
  member.window_start_ms = at_ms;
  if (site.down) {
    member.liveness = Liveness::kSuppressed;
    return;
  }
  wait(member, at_ms);

  const std::uint32_t cluster = largest_cluster(site);
  if (cluster < 2 || !more_than_fraction(cluster, site)) return;
  // Do not wait for the window: the threshold is reached, and the machines still
  // waiting are part of the outage.
  site.down = true;
  for (MachineIndex m : site.members) {
    if (machines_[m].liveness == Liveness::kWaiting) machines_[m].liveness = Liveness::kSuppressed;
  }
  out.push_back({Decision::Type::kSiteDown, member.site, 0, at_ms, cluster,
                 static_cast<std::uint32_t>(site.members.size())});
}

void OutageCorrelator::came_back(MachineIndex machine, std::int64_t at_ms,
                                 std::vector<Decision>& out) {
  if (machine >= machines_.size()) return;
  Member& member = machines_[machine];
  if (member.site == kNoSite || member.liveness == Liveness::kOnline) return;
  member.liveness = Liveness::kOnline;
  Site& site = sites_[member.site];
  --site.offline;
  if (site.down && !more_than_fraction(site.offline, site)) site_up(member.site, at_ms, out);
}

void OutageCorrelator::site_up(SiteIndex index, std::int64_t at_ms, std::vector<Decision>& out) {
  Site& site = sites_[index];
  site.down = false;
  // The machines still dark are on their own now: each gets a window from here.
  for (MachineIndex m : site.members) {
    if (machines_[m].liveness == Liveness::kSuppressed) wait(machines_[m], at_ms);
  }
  out.push_back({Decision::Type::kSiteUp, index, 0, at_ms, site.offline,
                 static_cast<std::uint32_t>(site.members.size())});
}

bool OutageCorrelator::restore_down(std::string_view site_id, std::int64_t at_ms) {
  const auto it = site_index_.find(std::string(site_id));
  if (it == site_index_.end() || sites_[it->second].members.empty()) return false;
  Site& site = sites_[it->second];
  site.down = true;
  for (MachineIndex m : site.members) {
    Member& member = machines_[m];
    if (member.liveness == Liveness::kOnline) {
      ++site.offline;
      member.offline_ms = at_ms;
      member.window_start_ms = at_ms;
    }
    if (member.liveness != Liveness::kReported) member.liveness = Liveness::kSuppressed;
  }
  return true;
}

void OutageCorrelator::advance(std::int64_t now_ms, std::vector<Decision>& out) {
  if (membership_changed_) {
    membership_changed_ = false;
    for (SiteIndex s = 0; s < sites_.size(); ++s) {
      if (sites_[s].down && !more_than_fraction(sites_[s].offline, sites_[s])) {
        site_up(s, now_ms, out);
      }
    }
  }
  if (now_ms < next_window_close_ms_) return;
  next_window_close_ms_ = kNever;
  for (MachineIndex m = 0; m < machines_.size(); ++m) {
    Member& member = machines_[m];
    if (member.liveness != Liveness::kWaiting) continue;
    const std::int64_t closes_ms = member.window_start_ms + config_.window_ms;
    if (now_ms < closes_ms) {
      next_window_close_ms_ = std::min(next_window_close_ms_, closes_ms);
      continue;
    }
    member.liveness = Liveness::kReported;
    out.push_back({Decision::Type::kMachineOffline, member.site, m, closes_ms, 0, 0});
  }
}

}  // namespace wm::devices
