// WireEncoder: puts a FleetSimulation's normalized messages on the wire, each machine in
// its own protocol (PROTOCOLS.md), and hands the results to a WireSink.
//
//   wm-json-v1  telemetry, events and the retained status on wm/v1/{site}/{device}/...
//   hx-binary   frames on hx/{device}/up: telemetry 0x01, dispense 0x02, heartbeat 0x03,
//               fault 0x04, all QoS 1. HX has no status message: online/offline sends
//               nothing (the heartbeats say a machine is alive), and no maintenance frame.
//   tb-gateway  one hub per site speaks for the site's machines: v1/gateway/connect when
//               a machine goes online, v1/gateway/disconnect when it goes offline, and
//               v1/gateway/telemetry messages that batch the samples of several machines
//               (see HubOptions). Hubs of the 1st, 3rd, ... site of the fleet send seq, the
//               others leave it out, so both kinds the gateway must order are on the
//               wire. Dispense events are not sent at all: the ThingsBoard gateway API
//               has no event topic (PROTOCOLS.md section 3) and the simulator does not
//               invent one; they are counted in dispenses_unsent. The machines still sell
//               water, so tank level and filter litres move as they do elsewhere. (The
//               fault injector gives them no fault or maintenance events; one that came
//               would be an encode error.)
//
// Batching is a function of event time only: event time is cut into windows of
// HubOptions::batch_ms (aligned to the Unix epoch), a hub's batch holds the samples of
// one window (sent early when it reaches max_samples), and it is sent when a later
// sample arrives or the caller says that event time has passed its end
// (flush_hubs_through). How the simulation is sliced changes when a batch is
// sent, never what it holds. No I/O. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/messages.h"
#include "protocols/result.h"
#include "protocols/tb_gateway.h"
#include "simulator/fleet.h"
#include "simulator/fleet_simulation.h"

namespace wm::sim {

// How a message travels: telemetry at the run's telemetry QoS; everything else at
// QoS 1, statuses also retained.
enum class Delivery : std::uint8_t { kTelemetry, kReliable, kRetained };

struct WireMessage {
  std::string topic;
  std::string payload;  // JSON text or binary frame
  Delivery delivery = Delivery::kReliable;
};

class WireSink {
 public:
  virtual ~WireSink() = default;
  virtual void send(WireMessage message) = 0;
};

struct HubOptions {
  std::int64_t batch_ms = 120'000;  // event-time window of a batch; 0 = one per sample
  std::size_t max_samples = 200;    // a batch is sent early when it holds this many
};

struct WireCounters {
  std::uint64_t telemetry_samples = 0;   // readings sent, in any protocol
  std::uint64_t events = 0;              // dispense events sent (wm-json-v1, hx-binary)
  std::uint64_t fault_events = 0;        // fault codes raised or cleared (wm-json-v1, hx-binary)
  std::uint64_t maintenance_events = 0;  // technicians' steps (wm-json-v1)
  std::uint64_t heartbeats = 0;          // hx-binary
  std::uint64_t hub_messages = 0;        // v1/gateway/telemetry messages
  std::uint64_t hub_samples = 0;         // readings sent in them (also in telemetry_samples)
  std::uint64_t dispenses_unsent = 0;    // tb-gateway machines' sales (no topic for them)
  std::uint64_t encode_errors = 0;       // messages that could not be encoded (not sent)
};

class WireEncoder final : public MessageSink {
 public:
  // `fleet` and `out` must outlive the encoder.
  WireEncoder(const Fleet& fleet, const HubOptions& hubs, WireSink& out);

  void deliver(MachineMessage message) override;

  // Sends every hub batch that closed at or before `ts_ms`. The caller promises that
  // every message stamped at or before `ts_ms` has been delivered.
  void flush_hubs_through(std::int64_t ts_ms);
  // Sends every open batch (at shutdown).
  void flush_all_hubs();

  std::size_t hub_count() const { return hubs_.size(); }
  const WireCounters& counters() const { return counters_; }
  // The first encoding error, for the log; empty when there was none.
  const std::optional<Error>& first_error() const { return first_error_; }

 private:
  struct MachineWire {
    WireProtocol protocol = WireProtocol::kWmJson;
    std::size_t hub = 0;                // tb-gateway: index into hubs_
    std::array<std::string, 3> topics;  // wm-json-v1: by TopicKind; hx-binary: [0] is up
  };
  struct Hub {
    bool sends_seq = true;
    std::vector<protocols::TbDeviceSamples> batch;  // machines in order of first sample
    std::vector<std::size_t> machines;              // fleet index of each batch entry
    std::size_t samples = 0;
    std::int64_t closes_at_ms = 0;  // last ms of the open batch's window
  };

  void send_frame(std::size_t machine, Result<std::string> frame);
  void on_event(std::size_t machine, const protocols::Event& e);
  void count_error(std::size_t machine, Error error);
  void add_sample(std::size_t machine, const protocols::Telemetry& t);
  void flush(Hub& hub);
  void on_status(std::size_t machine, const protocols::Status& s);

  const Fleet& fleet_;
  HubOptions options_;
  WireSink& out_;
  std::vector<MachineWire> machines_;
  std::vector<Hub> hubs_;
  WireCounters counters_;
  std::optional<Error> first_error_;
};

}  // namespace wm::sim
