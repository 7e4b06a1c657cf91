// FleetSimulation: plays every machine of a Fleet in event time and hands each message
// a machine would send to a MessageSink, in timestamp order, as a normalized message
// (protocols/messages.h); putting it on the wire in the machine's protocol is the
// sink's job (WireEncoder in wire_encoder.h).
//
// Each machine reads its sensors every telemetry interval (with its own phase, so the
// fleet does not report in lock-step) and sells water to customers who arrive as a
// Poisson process whose rate follows the site kind's usage curve (sampled by thinning).
// hx-binary machines also send a heartbeat half-way between two readings, as HX
// firmware does to prove it is alive. Faults and technicians' visits come from a
// FaultInjector (fault_injector.h; none unless the FaultOptions ask for them or
// a caller injects one), slow wear (degradation.h) included: a powered-off machine
// sends nothing and sells nothing, and a wm-json-v1 machine's retained status goes
// offline on its behalf when it dies (the fleet shares one MQTT connection, so no
// per-machine will can fire) and online when it is back, as does a tb-gateway hub's
// connect. The run is a pure function of the fleet, the options, the seed and the start
// time: how the caller slices advance_to() calls does not change a single message. No
// I/O, no clock. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <variant>
#include <vector>

#include "protocols/messages.h"
#include "simulator/fault_injector.h"
#include "simulator/fault_truth.h"
#include "simulator/fleet.h"
#include "simulator/simulated_machine.h"

namespace wm::sim {

// A message of machine `machine` (an index into the fleet's machines). A Status is the
// machine going online (start, reconnect) or offline (clean shutdown).
struct MachineMessage {
  std::size_t machine = 0;
  std::variant<protocols::Telemetry, protocols::Event, protocols::Heartbeat, protocols::Status>
      body;
};

// Where a simulation's messages go: a WireEncoder in wm-sim, a vector in tests.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void deliver(MachineMessage message) = 0;
};

struct SimulationOptions {
  std::uint64_t seed = 1;
  std::int64_t start_ms = 0;
  std::int64_t telemetry_interval_ms = 60'000;
};

class FleetSimulation {
 public:
  // `fleet` and `truth` (may be null: no ground truth) must outlive the simulation.
  FleetSimulation(const Fleet& fleet, const SimulationOptions& options,
                  const FaultOptions& faults = FaultOptions{}, TruthSink* truth = nullptr);

  std::size_t machine_count() const { return machines_.size(); }
  SimulatedMachine& machine(std::size_t index) { return machines_[index]; }
  const SimulatedMachine& machine(std::size_t index) const { return machines_[index]; }
  FaultInjector& faults() { return faults_; }
  const FaultInjector& faults() const { return faults_; }
  // True while machine `index` is powered off by a fault.
  bool silent(std::size_t index) const { return silent_[index]; }

  // One Status{ts_ms, online} per machine, in machine order; online statuses leave out
  // the machines that are powered off.
  void publish_statuses(bool online, std::int64_t ts_ms, MessageSink& sink) const;

  // Delivers, in event-time order, the messages due at or before `until_ms`, at most
  // `max_messages` of them (so a caller can stay responsive). Returns how many.
  std::size_t advance_to(std::int64_t until_ms, MessageSink& sink,
                         std::size_t max_messages = SIZE_MAX);

  // Event time of the next action (a reading, a heartbeat, a dispense starting or
  // ending). Every message stamped before it has been delivered.
  std::int64_t next_due_ms() const;

  // The run stops at ts_ms: the ground truth of the faults still active is written (a
  // filter that has not clogged yet with the failure projected from its machine's sales).
  void finish_faults(std::int64_t ts_ms);

 private:
  // New actions go last: the order of ties must not change for existing streams.
  // kFault stands for the FaultInjector's next step when it is merged with these.
  enum class Action : unsigned char {
    kTelemetry,
    kDispenseStart,
    kDispenseEnd,
    kHeartbeat,
    kFault
  };
  struct Due {
    std::int64_t at_ms;
    std::size_t machine;
    Action action;
    // Ties break on machine then action, so the order never depends on the heap.
    bool operator>(const Due& o) const {
      if (at_ms != o.at_ms) return at_ms > o.at_ms;
      if (machine != o.machine) return machine > o.machine;
      return action > o.action;
    }
  };

  // When the next customer taps a card at machine `index`, at or after `from_ms`.
  std::int64_t next_customer_ms(std::size_t index, std::int64_t from_ms);
  // Carries out one step of a fault or visit; returns the messages delivered (0 or 1).
  std::size_t apply(const FaultAction& action, MessageSink& sink);

  std::vector<SimulatedMachine> machines_;
  std::vector<SiteKind> kinds_;
  std::vector<int> utc_offsets_;
  std::vector<bool> silent_;
  FaultInjector faults_;
  std::int64_t interval_ms_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
};

}  // namespace wm::sim
