// `wm-sim flood`: the ingest benchmark's load. Publishes `count` valid telemetry
// messages round-robin over the fleet as fast as the broker takes them (or at `rate`
// messages per second), then prints one line to stdout:
//   published M messages in T s (R msg/s)
// T runs from the first publish until the client has disconnected cleanly, which
// includes writing (QoS 0) or having acknowledged (QoS 1) every message.
// Returns the exit code: 0 only if all M were handed to the client, none failed and
// the disconnect was clean.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "simulator/fleet.h"

namespace wm::sim {

struct FloodOptions {
  std::string mqtt_uri;
  std::string client_id;
  std::size_t count = 0;
  int qos = 0;
  double rate = 0;  // messages per second; 0 = as fast as possible
  std::uint64_t seed = 1;
  std::int64_t start_ms = 0;
  std::int64_t telemetry_interval_ms = 60'000;
  std::size_t window = 256;  // see kDefaultWindow in bounded_publisher.h
  // CPU to run the publisher on: -1 = the one the process starts on, -2 = no pinning.
  // Paho hands every message between our thread and its own; on one CPU that costs a
  // function call, across CPUs a wake-up (measured: 143k vs 49k msg/s at QoS 0).
  int cpu = -1;
};

int run_flood(const Fleet& fleet, const FloodOptions& options);

}  // namespace wm::sim
