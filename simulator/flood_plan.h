// FloodPlan: the telemetry messages of a flood run (the ingest benchmark), encoded
// before the clock starts so that publishing measures the broker path, not JSON.
//
// Message i belongs to machine i mod N (round-robin over the fleet), carries that
// machine's next seq, and is stamped start + i * interval / N: every machine reports
// once per interval and event time never goes backwards across the flood. Payloads
// are stored back to back in one buffer (about 230 bytes a message).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/fleet.h"

namespace wm::sim {

class FloodPlan {
 public:
  // Requires a fleet with at least one machine.
  FloodPlan(const Fleet& fleet, std::size_t count, std::uint64_t seed, std::int64_t start_ms,
            std::int64_t interval_ms);

  std::size_t size() const { return offsets_.size() - 1; }
  std::size_t machine(std::size_t i) const { return i % machine_count_; }
  std::string_view payload(std::size_t i) const {
    return std::string_view(buffer_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

 private:
  std::size_t machine_count_;
  std::string buffer_;
  std::vector<std::size_t> offsets_;
};

}  // namespace wm::sim
