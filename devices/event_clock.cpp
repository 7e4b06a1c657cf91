#include "devices/event_clock.h"

#include <algorithm>

namespace wm::devices {

EventClock::EventClock(std::int64_t max_jump_ms) : max_jump_ms_(max_jump_ms) {}

void EventClock::observe(std::int64_t ts_ms, std::int64_t wall_ms) {
  if (!watermark_ms_) {
    watermark_ms_ = ts_ms;
    wall_at_advance_ms_ = wall_ms;
    return;
  }
  if (ts_ms <= *watermark_ms_) return;  // old news: time does not go back for it
  if (ts_ms - *now(wall_ms) > max_jump_ms_) {
    ++rejected_jumps_;
    return;
  }
  watermark_ms_ = ts_ms;
  wall_at_advance_ms_ = wall_ms;
}

std::optional<std::int64_t> EventClock::now(std::int64_t wall_ms) const {
  if (!watermark_ms_) return std::nullopt;
  return *watermark_ms_ + std::max<std::int64_t>(0, wall_ms - wall_at_advance_ms_);
}

}  // namespace wm::devices
