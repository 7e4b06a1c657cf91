// The fleet's event-time "now", for the timeouts of the fault detectors (heartbeats,
// outage windows, debounce timers). Detectors judge on the time inside messages, so a
// replay gives the same findings as the live run; but when the whole fleet falls silent
// no message moves that time, and a silence must still time out. So "now" is the newest
// message time seen (the watermark) plus the wall time elapsed since it last moved.
//
// A fleet replayed faster than real time runs on its own time (the watermark outruns the
// wall clock). A message stamped more than max_jump_ms ahead of now() is not believed:
// one machine with a wrong clock must not time out the fleet. now() may step back by
// at most the wall time of a silence when a message newer than the watermark but older
// than now() arrives (a backlog delivered after a silence); the detectors tolerate that.
//
// The caller passes the wall time in; this class reads no clock. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>

namespace wm::devices {

class EventClock {
 public:
  explicit EventClock(std::int64_t max_jump_ms = 10 * 60'000);

  // A message stamped ts_ms arrived at wall_ms. The first observation always sets the
  // watermark; later ones move it forward only, and never by a jump past now() + max_jump_ms.
  void observe(std::int64_t ts_ms, std::int64_t wall_ms);

  // watermark + max(0, wall_ms - wall time of the last advance); nullopt before the
  // first observation.
  std::optional<std::int64_t> now(std::int64_t wall_ms) const;

  std::optional<std::int64_t> watermark_ms() const { return watermark_ms_; }
  // Messages whose time was too far ahead to be believed (for a metric).
  std::uint64_t rejected_jumps() const { return rejected_jumps_; }

 private:
  std::int64_t max_jump_ms_;
  std::optional<std::int64_t> watermark_ms_;
  std::int64_t wall_at_advance_ms_ = 0;
  std::uint64_t rejected_jumps_ = 0;
};

}  // namespace wm::devices
