// A robust trend over a bounded window of aggregated points (x, y): Theil–Sen slope
// (median of the pairwise slopes) with the Mann–Kendall test of whether the trend is
// there at all. The predictors feed it one point per closed time bucket (a few hours of
// readings averaged), so that one odd reading or one odd bucket cannot bend the line,
// and ask it for the fitted value now and where the line crosses a limit.
//
// x must not decrease from one point to the next (event time in hours, or litres through
// a filter); points are kept in a ring of kCapacity, the oldest dropped first. Fixed
// size (no allocation); fit() needs caller-provided scratch for the pairwise slopes.
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace wm::devices {

struct TrendFit {
  int points = 0;
  double slope = 0;      // y per unit of x (Theil–Sen)
  double intercept = 0;  // median of y - slope * x
  // Mann–Kendall statistic as a standard normal score: > 0 rising, < 0 falling. |z| of
  // 2.33 is p = 0.01 one-sided for independent points (bucket means are nearly so).
  double mk_z = 0;
  double x_last = 0;

  double at(double x) const { return intercept + slope * x; }
  // The x at which the line reaches `limit`, if it is heading there (ahead of x_last or
  // already past it).
  std::optional<double> x_at(double limit) const;
};

class TrendWindow {
 public:
  static constexpr int kCapacity = 32;
  static constexpr int kScratch = kCapacity * (kCapacity - 1) / 2;

  void add(double x, double y);
  void clear() { count_ = 0; }
  int size() const { return count_; }
  // The i-th point from the oldest (0 <= i < size()).
  double x(int i) const { return xs_[slot(i)]; }
  double y(int i) const { return ys_[slot(i)]; }

  // Fits the newest `newest` points (all by default). Needs scratch.size() >= kScratch.
  // With fewer than 3 points: points < 3, nothing else.
  TrendFit fit(std::span<float> scratch, int newest = kCapacity) const;

 private:
  int slot(int i) const { return (head_ + i) % kCapacity; }

  std::array<float, kCapacity> xs_{};
  std::array<float, kCapacity> ys_{};
  std::uint8_t head_ = 0;  // oldest point
  std::uint8_t count_ = 0;
};

}  // namespace wm::devices
