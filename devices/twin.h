// The digital twin of one machine: what the gateway currently believes about it.
// Updated on event time (the `ts` inside messages), so replays give the same twin.
// Fields with no real value yet are absent (std::nullopt), never guessed.
// Not thread-safe: the owner serializes access.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocols/messages.h"

namespace wm::devices {

// The last known state of one fault code of a machine, from its `fault` events.
struct FaultState {
  bool active = false;
  std::int64_t changed_ms = 0;  // event time of the newest raise or clear
  std::int64_t since_ms = 0;    // event time the current activity began (when active)
  bool operator==(const FaultState&) const = default;
};

class Twin {
 public:
  explicit Twin(std::string device_id) : device_id_(std::move(device_id)) {}

  // Latest telemetry by event time: an older sample (out of order) does not replace a
  // newer one. Returns true when it became the latest. Always advances last_seen.
  bool apply(const protocols::Telemetry& t);
  // A status message or the will. The newest status by event time wins; a message
  // from the machine newer than an offline status shows it is back online.
  void apply(const protocols::Status& s);
  // Any other message from the machine (events): proves it alive at ts.
  void saw_message(std::int64_t ts_ms);
  // A `fault` event raised or cleared a code at ts. Newest by event time wins per code;
  // a raise of an already active code keeps its original `since`. Also proves it alive.
  void apply_fault(const protocols::Fault& fault, std::int64_t ts_ms);

  const std::string& device_id() const { return device_id_; }
  const std::optional<protocols::Telemetry>& telemetry() const { return telemetry_; }
  std::optional<std::int64_t> last_seen_ms() const { return last_seen_ms_; }
  std::optional<bool> online() const { return online_; }
  std::optional<std::int64_t> status_ts_ms() const { return status_ts_ms_; }
  // What the newest status message said, which online() may since have overruled. A
  // status with the same ts and value is a redelivered copy (the retained message again
  // after a reconnect) and is ignored, so it cannot undo a later "back online".
  std::optional<bool> status_online() const { return status_online_; }
  // Every code ever reported, active or cleared (for persistence).
  const std::map<protocols::FaultCode, FaultState>& fault_states() const { return faults_; }
  // The codes active now, in code order.
  std::vector<protocols::FaultCode> active_faults() const;
  void restore_faults(std::map<protocols::FaultCode, FaultState> faults) {
    faults_ = std::move(faults);
  }

  // Restores persisted state (gateway start-up); no ordering checks. Without
  // `status_online` it is taken to equal `online` when a status time is known; persist
  // it so a redelivered retained offline status is recognised after a restart.
  void restore(std::optional<protocols::Telemetry> telemetry,
               std::optional<std::int64_t> last_seen_ms, std::optional<bool> online,
               std::optional<std::int64_t> status_ts_ms,
               std::optional<bool> status_online = std::nullopt);

 private:
  std::string device_id_;
  std::optional<protocols::Telemetry> telemetry_;
  std::optional<std::int64_t> last_seen_ms_;
  std::optional<bool> online_;
  std::optional<std::int64_t> status_ts_ms_;
  std::optional<bool> status_online_;
  std::map<protocols::FaultCode, FaultState> faults_;
};

}  // namespace wm::devices
