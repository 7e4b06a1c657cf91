#include "devices/seq_tracker.h"

#include <algorithm>

namespace wm::devices {

bool SeqTracker::seen(std::uint32_t seq) const {
  const std::uint32_t slot = seq % kWindow;
  return (bits_[slot / 64] >> (slot % 64)) & 1U;
}

void SeqTracker::mark(std::uint32_t seq) {
  const std::uint32_t slot = seq % kWindow;
  bits_[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

void SeqTracker::reset(std::uint32_t seq, std::int64_t ts_ms) {
  bits_.fill(0);
  newest_seq_ = seq;
  newest_ts_ms_ = ts_ms;
  mark(seq);
}

SeqTracker::Observation SeqTracker::observe(std::uint32_t seq, std::int64_t ts_ms) {
  if (!newest_seq_) {
    reset(seq, ts_ms);
    return {Verdict::kNew, 0};
  }
  // Distance forward from the newest, modulo 2^32: wrap-around is just a step forward.
  const std::uint32_t ahead = seq - *newest_seq_;
  if (ahead == 0) {
    if (ts_ms > newest_ts_ms_) {
      reset(seq, ts_ms);  // same number, later time: counting started again
      return {Verdict::kRestart, 0};
    }
    return {Verdict::kDuplicate, 0};
  }
  if (ahead < (1U << 31)) {
    // Forward. Clear the slots passed over (they now stand for the new numbers).
    if (ahead >= kWindow) {
      bits_.fill(0);
    } else {
      for (std::uint32_t s = *newest_seq_ + 1; s != seq; ++s) {
        const std::uint32_t slot = s % kWindow;
        bits_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
      }
      const std::uint32_t slot = seq % kWindow;
      bits_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
    }
    // A jump forward with a time before the newest, or too far to be a gap, is a
    // restart too (the new count happens to be higher); otherwise the numbers between
    // were missed.
    if (ts_ms < newest_ts_ms_ || ahead >= kMaxGap) {
      reset(seq, ts_ms);
      return {Verdict::kRestart, 0};
    }
    newest_seq_ = seq;
    newest_ts_ms_ = ts_ms;
    mark(seq);
    return {Verdict::kNew, ahead - 1};
  }
  // Backward.
  const std::uint32_t behind = *newest_seq_ - seq;
  if (ts_ms > newest_ts_ms_) {
    reset(seq, ts_ms);  // an older number but a newer time: the machine restarted
    return {Verdict::kRestart, 0};
  }
  if (behind >= kWindow) return {Verdict::kLate, 0};  // too old to remember: take it
  if (seen(seq)) return {Verdict::kDuplicate, 0};
  mark(seq);
  return {Verdict::kLate, 0};
}

SeqTracker::Observation SeqTracker::observe_unsequenced(std::int64_t ts_ms) {
  if (newest_unsequenced_ts_ms_ && ts_ms == *newest_unsequenced_ts_ms_) {
    return {Verdict::kDuplicate, 0};
  }
  const bool late = newest_unsequenced_ts_ms_ && ts_ms < *newest_unsequenced_ts_ms_;
  newest_unsequenced_ts_ms_ = std::max(ts_ms, newest_unsequenced_ts_ms_.value_or(ts_ms));
  return {late ? Verdict::kLate : Verdict::kNew, 0};
}

}  // namespace wm::devices
