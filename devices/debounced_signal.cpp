#include "devices/debounced_signal.h"

namespace wm::devices {

DebouncedSignal::Change DebouncedSignal::flip() {
  raised_ = !raised_;
  streak_ = 0;
  return raised_ ? Change::kRaised : Change::kCleared;
}

DebouncedSignal::Change DebouncedSignal::observe(bool bad, std::int64_t ts_ms, Holds holds) {
  if (bad == raised_) {
    streak_ = 0;  // the reading agrees with the judged state: any pending change is off
    return Change::kNone;
  }
  if (streak_ == 0) streak_since_ms_ = ts_ms;
  if (streak_ < 2) ++streak_;
  if (streak_ >= 2 && ts_ms - streak_since_ms_ >= hold(holds)) return flip();
  return Change::kNone;
}

DebouncedSignal::Change DebouncedSignal::expire(std::int64_t now_ms, Holds holds) {
  if (streak_ >= 2 && now_ms - streak_since_ms_ >= hold(holds)) return flip();
  return Change::kNone;
}

std::optional<std::int64_t> DebouncedSignal::due_ms(Holds holds) const {
  if (streak_ < 2) return std::nullopt;
  return streak_since_ms_ + hold(holds);
}

}  // namespace wm::devices
