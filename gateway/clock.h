// Wall-clock time behind an interface so that tests can move time themselves.
#pragma once

#include <chrono>
#include <cstdint>

namespace wm::gateway {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in milliseconds.
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace wm::gateway
