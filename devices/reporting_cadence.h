// How often a machine usually reports: the mean of its first gaps between readings, then
// a slow mean in which one long gap (an outage) counts as at most four usual ones. Used by
// the detectors (offline timeout) and the predictors (readings per bucket). 16 bytes, no
// allocation. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>

namespace wm::devices {

class ReportingCadence {
 public:
  // One more gap (ms > 0) between two of the machine's periodic messages.
  void learn_gap(std::int64_t gap_ms) {
    if (gaps_ < kFirstGaps) {
      ++gaps_;
      usual_ms_ += (gap_ms - usual_ms_) / gaps_;
      return;
    }
    usual_ms_ += (std::min(gap_ms, 4 * usual_ms_) - usual_ms_) / 8;
  }
  bool known() const { return gaps_ > 0; }
  std::int64_t usual_ms() const { return usual_ms_; }  // 0 while unknown

 private:
  static constexpr std::int32_t kFirstGaps = 4;
  std::int64_t usual_ms_ = 0;
  std::int32_t gaps_ = 0;
};

}  // namespace wm::devices
