#include "gateway/fleet_state.h"

#include <mutex>

#include <nlohmann/json.hpp>

#include "protocols/wm_json.h"

namespace wm::gateway {
namespace {

std::string encode_faults(const std::map<protocols::FaultCode, devices::FaultState>& faults) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [code, s] : faults) {
    j[std::string(protocols::to_string(code))] = {
        {"active", s.active}, {"since", s.since_ms}, {"changed", s.changed_ms}};
  }
  return j.dump();
}

// Rows are written by this gateway; an unreadable one is skipped rather than trusted.
std::map<protocols::FaultCode, devices::FaultState> decode_faults(const std::string& text) {
  std::map<protocols::FaultCode, devices::FaultState> out;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  for (const auto& [name, s] : j.items()) {
    auto code = protocols::fault_code_from_string(name);
    if (!code || !s.is_object()) continue;
    out[*code] = devices::FaultState{s.value("active", false), s.value("changed", std::int64_t{0}),
                                     s.value("since", std::int64_t{0})};
  }
  return out;
}

}  // namespace

FleetState::FleetState(devices::Inventory inventory) : inventory_(std::move(inventory)) {
  for (const auto& [id, device] : inventory_.devices()) twins_.emplace(id, devices::Twin(id));
}

std::optional<DeviceRoute> FleetState::route(std::string_view device_id) const {
  std::shared_lock lock(mu_);
  const auto* d = inventory_.device(device_id);
  if (d == nullptr) return std::nullopt;
  return DeviceRoute{d->site, d->protocol};
}

void FleetState::apply(const std::string& device_id, const protocols::Telemetry& t) {
  std::unique_lock lock(mu_);
  auto it = twins_.find(device_id);
  if (it != twins_.end()) it->second.apply(t);
}

void FleetState::apply(const std::string& device_id, const protocols::Status& s) {
  std::unique_lock lock(mu_);
  auto it = twins_.find(device_id);
  if (it != twins_.end()) it->second.apply(s);
}

void FleetState::saw_message(const std::string& device_id, std::int64_t ts_ms) {
  std::unique_lock lock(mu_);
  auto it = twins_.find(device_id);
  if (it != twins_.end()) it->second.saw_message(ts_ms);
}

void FleetState::apply_fault(const std::string& device_id, const protocols::Fault& fault,
                             std::int64_t ts_ms) {
  std::unique_lock lock(mu_);
  auto it = twins_.find(device_id);
  if (it != twins_.end()) it->second.apply_fault(fault, ts_ms);
}

std::optional<TwinRow> FleetState::twin_row(const std::string& device_id) const {
  std::shared_lock lock(mu_);
  auto it = twins_.find(device_id);
  if (it == twins_.end()) return std::nullopt;
  const auto& twin = it->second;
  TwinRow row;
  row.device_id = device_id;
  if (twin.telemetry()) row.telemetry_json = protocols::encode_telemetry(*twin.telemetry());
  row.last_seen_ms = twin.last_seen_ms();
  row.online = twin.online();
  row.status_ts_ms = twin.status_ts_ms();
  row.status_online = twin.status_online();
  if (!twin.fault_states().empty()) row.faults_json = encode_faults(twin.fault_states());
  return row;
}

void FleetState::restore(const std::vector<TwinRow>& rows) {
  std::unique_lock lock(mu_);
  for (const auto& row : rows) {
    auto it = twins_.find(row.device_id);
    if (it == twins_.end()) continue;
    std::optional<protocols::Telemetry> telemetry;
    if (row.telemetry_json) {
      auto decoded = protocols::decode_telemetry(*row.telemetry_json);
      if (decoded.ok()) telemetry = decoded.value();
    }
    it->second.restore(telemetry, row.last_seen_ms, row.online, row.status_ts_ms,
                       row.status_online);
    if (row.faults_json) it->second.restore_faults(decode_faults(*row.faults_json));
  }
}

Result<std::string> FleetState::merge_inventory(const devices::Inventory& update) {
  std::unique_lock lock(mu_);
  auto merged = inventory_.merge(update);
  if (!merged.ok()) return merged.error();
  for (const auto& [id, device] : inventory_.devices()) twins_.try_emplace(id, devices::Twin(id));
  return inventory_.to_json();
}

void FleetState::read(
    const std::function<void(const devices::Inventory&,
                             const std::unordered_map<std::string, devices::Twin>&)>& fn) const {
  std::shared_lock lock(mu_);
  fn(inventory_, twins_);
}

}  // namespace wm::gateway
