// SeededRandom: the simulator's only source of randomness.
//
// The standard library's distributions are allowed to differ between implementations,
// so a seed would not give the same fleet everywhere. This class implements the
// generator (xoshiro256**, seeded through splitmix64) and the few distributions the
// simulator needs, so that a seed reproduces the same inventory and the same message
// stream on every compiler and machine. Not thread-safe: one instance per stream.
#pragma once

#include <cstdint>
#include <string_view>

namespace wm::sim {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed);

  // An independent stream for a named thing (a machine, a site) under a run seed:
  // adding machines to an inventory does not change the streams of the others.
  static SeededRandom for_stream(std::uint64_t seed, std::string_view name);

  std::uint64_t next_u64();
  double uniform();                                            // [0, 1)
  double uniform(double lo, double hi);                        // [lo, hi)
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);  // [lo, hi], lo <= hi
  double normal(double mean, double stddev);
  double exponential(double rate);  // mean 1/rate, rate > 0
  bool chance(double probability);

 private:
  std::uint64_t s_[4];
};

// FNV-1a, 64 bit: stable across platforms (std::hash is not).
std::uint64_t stable_hash(std::string_view text);

}  // namespace wm::sim
