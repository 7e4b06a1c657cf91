// A yes/no condition of a machine judged from its periodic readings (leak sensor, UV lamp,
// inlet pressure, door, tds_out, idle flow), so that a flapping sensor cannot raise and
// clear a fault over and over. The judged state changes only when the readings have said
// the opposite for a hold time of event time, across at least two readings in a row: one
// odd reading between normal ones changes nothing. The same rule applies in both
// directions (raise and clear), each with its own hold time.
//
// Readings must come in event-time order (the caller drops out-of-order ones). 16 bytes,
// no allocation. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>

namespace wm::devices {

class DebouncedSignal {
 public:
  enum class Change : std::uint8_t { kNone, kRaised, kCleared };

  // How long the readings must contradict the judged state before it flips.
  struct Holds {
    std::int64_t raise_ms = 0;
    std::int64_t clear_ms = 0;
  };

  // One reading at ts_ms; `bad` is its verdict (the caller applies any hysteresis by
  // choosing the threshold from raised()).
  Change observe(bool bad, std::int64_t ts_ms, Holds holds);
  // Event time has reached now_ms with no further reading: a change that already had
  // two readings completes when its hold has passed (the last reading still stands).
  Change expire(std::int64_t now_ms, Holds holds);
  // Forget a pending change (e.g. a dispense explains the flow seen so far).
  void restart() { streak_ = 0; }
  // Start-up: take the judged state as raised (an open ticket says so), nothing pending.
  void restore_raised() {
    raised_ = true;
    streak_ = 0;
  }

  bool raised() const { return raised_; }
  // When the pending change would complete through expire(), if one can.
  std::optional<std::int64_t> due_ms(Holds holds) const;
  // Event time of the first reading of the streak behind the last (or pending) change.
  std::int64_t streak_since_ms() const { return streak_since_ms_; }

 private:
  std::int64_t hold(Holds holds) const { return raised_ ? holds.clear_ms : holds.raise_ms; }
  Change flip();

  std::int64_t streak_since_ms_ = 0;
  std::uint8_t streak_ = 0;  // readings in a row contradicting raised_ (saturates at 2)
  bool raised_ = false;
};

}  // namespace wm::devices
