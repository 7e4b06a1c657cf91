#include "simulator/seeded_random.h"

#include <cmath>
#include <numbers>

namespace wm::sim {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

SeededRandom::SeededRandom(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
}

SeededRandom SeededRandom::for_stream(std::uint64_t seed, std::string_view name) {
  std::uint64_t mixed = seed * 0x9E3779B97F4A7C15ULL;
  return SeededRandom(mixed ^ stable_hash(name));
}

std::uint64_t SeededRandom::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double SeededRandom::uniform() {
  // The top 53 bits give every double in [0, 1) with spacing 2^-53.
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double SeededRandom::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

std::int64_t SeededRandom::uniform_int(std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  if (span == 0) return static_cast<std::int64_t>(next_u64());  // the full 64-bit range
  // Rejection keeps the result unbiased for spans that do not divide 2^64.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % span);
  std::uint64_t draw = next_u64();
  while (draw >= limit) draw = next_u64();
  return lo + static_cast<std::int64_t>(draw % span);
}

double SeededRandom::normal(double mean, double stddev) {
  // Box-Muller; 1 - uniform() is in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + stddev * z;
}

double SeededRandom::exponential(double rate) { return -std::log(1.0 - uniform()) / rate; }

bool SeededRandom::chance(double probability) { return uniform() < probability; }

}  // namespace wm::sim
