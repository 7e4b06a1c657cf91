// Twin updates on event time. Messages arrive out of order (QoS 1 redelivery, hubs that
// batch samples, replays), so every rule compares the `ts` inside the message with what
// the twin already holds rather than trusting arrival order.
#include "devices/twin.h"

#include <algorithm>

namespace wm::devices {

bool Twin::apply(const protocols::Telemetry& t) {
  saw_message(t.ts_ms);
  // Equal timestamps: the later arrival wins (a corrected resend replaces the first).
  if (telemetry_ && t.ts_ms < telemetry_->ts_ms) return false;
  telemetry_ = t;
  return true;
}

void Twin::apply(const protocols::Status& s) {
  last_seen_ms_ = last_seen_ms_ ? std::max(*last_seen_ms_, s.ts_ms) : s.ts_ms;
  if (status_ts_ms_) {
    // An older status (a late copy, a will stamped before the newest status) is history.
    if (s.ts_ms < *status_ts_ms_) return;
    // The newest status once more: the retained copy redelivered on a reconnect.
    if (s.ts_ms == *status_ts_ms_ && status_online_ == s.online) return;
  }
  // Same ts, other value: the later arrival wins, so a will that reuses the connect
  // time of the online status it follows still takes the machine offline.
  status_ts_ms_ = s.ts_ms;
  status_online_ = s.online;
  online_ = s.online;
}

void Twin::saw_message(std::int64_t ts_ms) {
  last_seen_ms_ = last_seen_ms_ ? std::max(*last_seen_ms_, ts_ms) : ts_ms;
  if (online_ == true) return;
  // The machine spoke after it was declared offline (or with no status at all, as
  // hx-binary machines never send one): it is online. A message from before the
  // offline status, or from the same instant, does not undo it.
  if (!status_ts_ms_ || ts_ms > *status_ts_ms_) online_ = true;
}

void Twin::apply_fault(const protocols::Fault& fault, std::int64_t ts_ms) {
  saw_message(ts_ms);
  auto [it, inserted] = faults_.try_emplace(fault.code);
  FaultState& state = it->second;
  if (!inserted && ts_ms < state.changed_ms) return;  // an older report arrived late
  if (fault.active && !(state.active && !inserted)) state.since_ms = ts_ms;
  state.active = fault.active;
  state.changed_ms = ts_ms;
}

std::vector<protocols::FaultCode> Twin::active_faults() const {
  std::vector<protocols::FaultCode> out;
  for (const auto& [code, state] : faults_) {
    if (state.active) out.push_back(code);
  }
  return out;
}

void Twin::restore(std::optional<protocols::Telemetry> telemetry,
                   std::optional<std::int64_t> last_seen_ms, std::optional<bool> online,
                   std::optional<std::int64_t> status_ts_ms, std::optional<bool> status_online) {
  telemetry_ = std::move(telemetry);
  last_seen_ms_ = last_seen_ms;
  online_ = online;
  status_ts_ms_ = status_ts_ms;
  status_online_ = status_online;
  if (!status_online_ && status_ts_ms_) status_online_ = online_;
}

}  // namespace wm::devices
