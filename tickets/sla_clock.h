// SLA deadlines of DESIGN.md "Tickets": per severity an acknowledgement and a resolution
// target, counted around the clock (P1, and P3's resolution) or in the site's business
// hours (local time from the site's UTC offset, the same window every day).
//
// Contract: pure arithmetic on Unix milliseconds; no clock is read. Adding N business
// minutes from a moment outside business hours starts counting at the next opening; a
// deadline that uses up a window exactly lands on its closing time (08:00 + 12 business
// hours = 20:00 the same day). "1 business day" is one full business window of the site.
// DESIGN.md names business time for P2's resolution only, so P2's 30-minute ack runs
// around the clock, like P1's.
// Thread-safe: SlaClock holds only its policy.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "devices/fault_kind.h"
#include "devices/inventory.h"

namespace wm::tickets {

// One site's daily business window in local time. start_min < end_min <= 1440; a window
// that breaks this (not possible from a validated inventory) counts as the whole day.
struct BusinessHours {
  int utc_offset_min = 480;
  int start_min = 8 * 60;
  int end_min = 20 * 60;

  static BusinessHours of(const devices::Site& site);
  // Minutes in one business window (a business day).
  [[nodiscard]] std::int64_t window_minutes() const;
  // Is `at_ms` inside the window (start inclusive, end exclusive)?
  [[nodiscard]] bool is_open_at(std::int64_t at_ms) const;
};

enum class SlaUnit : std::uint8_t {
  kMinutes,          // wall-clock minutes, around the clock
  kBusinessMinutes,  // minutes inside business hours
  kBusinessDays,     // whole business windows
};

struct SlaSpan {
  std::int64_t amount = 0;
  SlaUnit unit = SlaUnit::kMinutes;
};

struct SlaTarget {
  SlaSpan ack;
  SlaSpan resolve;
  // Resolution is due no later than a predicted failure (P3 in DESIGN.md).
  bool resolve_before_predicted_failure = false;
};

// Targets per severity, index 0 = P1. design_defaults() is DESIGN.md's table; a contract
// may hand in a tighter policy.
struct SlaPolicy {
  std::array<SlaTarget, 4> targets;
  static SlaPolicy design_defaults();
  [[nodiscard]] const SlaTarget& target(devices::Severity severity) const;
};

struct SlaDeadlines {
  std::int64_t ack_due_ms = 0;
  std::int64_t resolve_due_ms = 0;
  bool operator==(const SlaDeadlines&) const = default;
};

class SlaClock {
 public:
  explicit SlaClock(SlaPolicy policy = SlaPolicy::design_defaults());

  // Deadlines of a ticket of `severity` opened at `opened_at_ms` at a site with `hours`.
  // With resolve_before_predicted_failure, resolve_due is the earlier of the span's end
  // and the predicted failure (never before the opening).
  [[nodiscard]] SlaDeadlines deadlines(devices::Severity severity, const BusinessHours& hours,
                                       std::int64_t opened_at_ms,
                                       std::optional<std::int64_t> predicted_failure_at_ms) const;

  // The end of `span` counted from `start_ms`.
  [[nodiscard]] static std::int64_t add(const BusinessHours& hours, std::int64_t start_ms,
                                        SlaSpan span);
  // The moment `minutes` (>= 0) business minutes after `start_ms`.
  [[nodiscard]] static std::int64_t add_business_minutes(const BusinessHours& hours,
                                                         std::int64_t start_ms,
                                                         std::int64_t minutes);

  [[nodiscard]] const SlaPolicy& policy() const { return policy_; }

 private:
  SlaPolicy policy_;
};

}  // namespace wm::tickets
