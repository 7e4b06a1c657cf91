// The MQTT intake: every message from the broker goes through on_message(), which finds
// the wire protocol from the topic, checks the machine against the inventory (known,
// registered under that protocol, on that site), decodes the payload, updates the twin
// and hands the result to the store writer. Anything that cannot be taken goes to the
// quarantine with a reason (PROTOCOLS.md section 5); nothing is dropped in silence, and a
// valid part of a message (a hub's sample) is taken even when its neighbour is not.
//
// Topics: wm/v1/{site}/{device}/{telemetry|event|status|cmd} (wm-json-v1),
// hx/{device}/up (hx-binary), v1/gateway/{connect|disconnect|telemetry} (tb-gateway).
//
// Called from Paho's single receive thread. For events it returns only once the event
// is durable, so the broker's QoS 1 acknowledgement follows the commit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "devices/seq_tracker.h"
#include "gateway/clock.h"
#include "gateway/fleet_state.h"
#include "gateway/metrics.h"
#include "gateway/store_writer.h"
#include "protocols/messages.h"

namespace wm::gateway {

// The MQTT subscriptions that bring the intake everything it reads.
const std::vector<std::string>& intake_subscriptions();

// Sees every message the intake took (after the duplicate check and the twin update),
// on the intake thread: the fault detectors listen here. Must not block.
class MachineObserver {
 public:
  virtual ~MachineObserver() = default;
  virtual void on_telemetry(TwinIndex twin, const protocols::Telemetry& t) = 0;
  virtual void on_event(TwinIndex twin, const protocols::Event& event) = 0;
  virtual void on_status(TwinIndex twin, const protocols::Status& status) = 0;
  virtual void on_heartbeat(TwinIndex twin, std::int64_t ts_ms) = 0;
};

class Intake {
 public:
  Intake(FleetState& fleet, StoreWriter& writer, Metrics& metrics, const Clock& clock);

  // Takes one message. Throws StoreUnavailable when an event could not be made durable
  // (the caller must then not acknowledge the message).
  void on_message(std::string_view topic, std::string_view payload);
  // Set before the first message (not synchronised); null: nobody listens.
  void set_observer(MachineObserver* observer) { observer_ = observer; }

 private:
  // One message being taken: where it came from, for the quarantine and the metrics.
  struct Incoming {
    std::string_view topic;
    std::string_view payload;
    std::int64_t received_ms = 0;
  };

  void on_wm_json(const Incoming& in);
  void on_hx_binary(const Incoming& in);
  void on_tb_gateway(const Incoming& in);

  // The machine's route when it is known and registered under `protocol` (and, when
  // `site_id` is given, on that site); otherwise quarantines the message and returns null.
  const DeviceRoute* admit(const Incoming& in, const std::string& device_id,
                           devices::Protocol protocol, std::string_view site_id = {});
  void take(const DeviceRoute& route, const std::string& device_id, protocols::Telemetry t,
            std::int64_t received_ms);
  // False when the event was a duplicate (stored before, counted, not applied again).
  bool take(const DeviceRoute& route, const std::string& device_id, const protocols::Event& event,
            std::int64_t received_ms);
  void take(const DeviceRoute& route, const protocols::Status& status);
  void quarantine(const Incoming& in, std::string reason, std::string detail,
                  std::string device_id);
  void quarantine(const Incoming& in, const Error& error, std::string device_id);
  // The machine's route, from a cache private to the intake thread (no lock per
  // message); the cache is dropped whenever the inventory changes. Unknown ids are not
  // cached, so a flood of invented ids cannot grow it.
  const DeviceRoute* route(const std::string& device_id);

  FleetState& fleet_;
  StoreWriter& writer_;
  Metrics& metrics_;
  const Clock& clock_;
  // False when the machine sent this message before (a redelivery): counted, dropped.
  bool first_sight(const DeviceRoute& route, const protocols::Telemetry& t);
  bool first_sight(const DeviceRoute& route, std::uint32_t seq, std::int64_t ts_ms);
  // Counts gaps and restarts; counted() also drops (and counts) duplicates.
  void note_order(devices::SeqTracker::Observation observation);
  bool counted(devices::SeqTracker::Observation observation);
  devices::SeqTracker& sequence(const DeviceRoute& route);

  std::unordered_map<std::string, DeviceRoute> routes_;
  std::vector<devices::SeqTracker> sequences_;  // by TwinIndex; intake thread only
  std::uint64_t routes_version_ = 0;
  MachineObserver* observer_ = nullptr;
};

}  // namespace wm::gateway
