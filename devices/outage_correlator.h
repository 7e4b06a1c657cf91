// Tells a site that lost power (or its uplink) from machines that failed on their own.
// When most machines of one site go offline within a short window, the property manager
// gets ONE site_power_outage instead of a device_offline per machine; a machine that
// goes offline while the rest of its site is up waits out the window, then is reported
// on its own.
//
// Each offline machine waits window_ms (of fleet event time) before it is reported. If
// meanwhile MORE than `fraction` of its site's machines, and at least two, are offline
// with offline times within window_ms of each other, the site is down at once and the
// waiting machines are not reported (nor are those that drop while it stays down). The
// site is up again when no more than `fraction` of its machines are offline; the ones
// still offline then wait a window of their own, counted from that moment.
//
// Times are fleet event time (the caller maps each machine's clock onto it). The caller
// decides when a machine is offline or back; this class only correlates. Memory: a few
// words per machine and per site. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wm::devices {

using MachineIndex = std::uint32_t;  // dense, stable ids chosen by the caller
using SiteIndex = std::uint32_t;     // dense ids given by OutageCorrelator, in order of first use

class OutageCorrelator {
 public:
  struct Config {
    std::int64_t window_ms = 2 * 60'000;
    double fraction = 0.5;
  };

  struct Decision {
    enum class Type : std::uint8_t {
      kSiteDown,        // raise site_power_outage for `site`
      kSiteUp,          // clear it
      kMachineOffline,  // `machine` waited out its window with its site up: device_offline
    };
    Type type = Type::kSiteDown;
    SiteIndex site = 0;
    MachineIndex machine = 0;   // kMachineOffline only
    std::int64_t at_ms = 0;     // fleet event time of the decision
    std::uint32_t offline = 0;  // site decisions: machines offline (kSiteDown: those in the window)
    std::uint32_t members = 0;  // site decisions: machines of the site
  };

  explicit OutageCorrelator(Config config) : config_(config) {}

  // Declares a machine at a site, or moves it there. Idempotent.
  void place(MachineIndex machine, std::string_view site_id);

  // The caller judged the machine offline as of at_ms (ignored when it is already).
  void went_offline(MachineIndex machine, std::int64_t at_ms, std::vector<Decision>& out);
  // The machine spoke again at at_ms (ignored when it was not offline).
  void came_back(MachineIndex machine, std::int64_t at_ms, std::vector<Decision>& out);
  // Fleet event time has reached now_ms: windows that close report their machines.
  void advance(std::int64_t now_ms, std::vector<Decision>& out);
  // Start-up: the site was down (an open outage) as of at_ms. It is down again, with every
  // member offline as of at_ms (covered by the outage) until it comes back; the site comes
  // up by the usual count. No decision. False when the site has no machines.
  bool restore_down(std::string_view site_id, std::int64_t at_ms);

  std::optional<SiteIndex> site_of(MachineIndex machine) const;
  const std::string& site_id(SiteIndex site) const { return sites_.at(site).id; }
  bool site_down(SiteIndex site) const { return sites_.at(site).down; }

 private:
  enum class Liveness : std::uint8_t {
    kOnline,
    kWaiting,     // offline, its window running
    kSuppressed,  // offline under a site outage
    kReported,    // offline, reported on its own
  };
  static constexpr SiteIndex kNoSite = UINT32_MAX;
  static constexpr std::int64_t kNever = INT64_MAX;

  struct Member {
    SiteIndex site = kNoSite;
    Liveness liveness = Liveness::kOnline;
    std::int64_t offline_ms = 0;       // when it went offline
    std::int64_t window_start_ms = 0;  // when its current window began
  };
  struct Site {
    std::string id;
    std::vector<MachineIndex> members;
    std::uint32_t offline = 0;
    bool down = false;
  };

  bool more_than_fraction(std::uint32_t offline, const Site& site) const;
  std::uint32_t largest_cluster(const Site& site);
  void wait(Member& member, std::int64_t from_ms);
  void site_up(SiteIndex site, std::int64_t at_ms, std::vector<Decision>& out);

  Config config_;
  std::vector<Member> machines_;
  std::vector<Site> sites_;
  std::unordered_map<std::string, SiteIndex> site_index_;
  std::vector<std::int64_t> scratch_;           // offline times of one site, reused
  std::int64_t next_window_close_ms_ = kNever;  // lower bound
  bool membership_changed_ = false;             // a down site may be up by count
};

}  // namespace wm::devices
