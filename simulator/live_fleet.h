// `wm-sim run`: plays a fleet against a broker in scaled event time.
//
// Event time runs `speed` times faster than the wall clock from `start_ms` (slower when
// the simulator cannot keep up: it says so every 10 s); every message carries event
// time. The run stops at `duration_s` of wall time, at `until_ms` of event time or at a
// signal, whichever comes first. Each machine speaks its inventory protocol (see
// wire_encoder.h: wm-json-v1, hx-binary frames, tb-gateway site hubs). The whole fleet shares one
// MQTT connection (see live_fleet.cpp for why and what that means for the per-machine status and
// will). With options.faults, machines fail and get fixed (fault_injector.h) and each
// fault is reported to options.truth. Returns the process exit code: 0 after a clean shutdown
// (duration reached, SIGINT or SIGTERM), 1 when the broker could not be reached or refused
// messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "simulator/fault_injector.h"
#include "simulator/fault_truth.h"
#include "simulator/fleet.h"
#include "simulator/wire_encoder.h"

namespace wm::sim {

struct LiveFleetOptions {
  std::string mqtt_uri;
  std::string client_id;
  std::uint64_t seed = 1;
  std::int64_t start_ms = 0;
  double speed = 1.0;
  double duration_s = 0;      // wall-clock seconds; 0 runs until a signal
  std::int64_t until_ms = 0;  // event time to stop at (its messages sent); 0 = none
  std::int64_t telemetry_interval_ms = 60'000;
  int qos_telemetry = 0;
  std::size_t window = 256;    // see kDefaultWindow in bounded_publisher.h
  HubOptions hubs;             // tb-gateway batching
  FaultOptions faults;         // none by default
  TruthSink* truth = nullptr;  // ground truth of the injected faults; may be null
};

int run_live_fleet(const Fleet& fleet, const LiveFleetOptions& options);

}  // namespace wm::sim
