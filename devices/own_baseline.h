// A machine's own normal level of one reading (its pump's running current, its product
// water's temperature), learned as it runs: the plain mean of the first readings, then a
// slow exponential mean of the readings that look normal. The detectors judge a reading
// against it, so that "far from normal" needs no model table and holds for every machine.
//
// The caller decides what looks normal (a gate around the mean) and stops teaching it
// while a fault is raised, so that a fault never becomes the normal. 8 bytes, no
// allocation. Not thread-safe.
#pragma once

#include <cstdint>

namespace wm::devices {

class OwnBaseline {
 public:
  // Readings before the baseline is trusted, and the memory of the slow mean afterwards
  // (in readings).
  static constexpr std::uint16_t kWarmup = 30;
  static constexpr float kMemory = 2000;

  bool ready() const { return n_ >= kWarmup; }
  float mean() const { return mean_; }

  void learn(double value) {
    if (n_ < kWarmup) {
      ++n_;
      mean_ += (static_cast<float>(value) - mean_) / static_cast<float>(n_);
      return;
    }
    mean_ += (static_cast<float>(value) - mean_) / kMemory;
  }
  void forget() { *this = OwnBaseline{}; }

 private:
  float mean_ = 0;
  std::uint16_t n_ = 0;
};

}  // namespace wm::devices
