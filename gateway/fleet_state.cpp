#include "gateway/fleet_state.h"

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

TwinRow to_row(const devices::Twin& twin) {
  TwinRow row;
  row.device_id = twin.device_id();
  if (twin.telemetry()) row.telemetry_json = protocols::encode_telemetry(*twin.telemetry());
  row.last_seen_ms = twin.last_seen_ms();
  row.online = twin.online();
  row.status_ts_ms = twin.status_ts_ms();
  row.status_online = twin.status_online();
  if (!twin.fault_states().empty()) row.faults_json = encode_faults(twin.fault_states());
  return row;
}

}  // namespace

FleetState::FleetState(devices::Inventory inventory) : inventory_(std::move(inventory)) {
  add_twins_locked();
}

void FleetState::add_twins_locked() {
  for (const auto& [id, device] : inventory_.devices()) {
    if (index_.try_emplace(id, static_cast<TwinIndex>(twins_.size())).second) {
      twins_.emplace_back(id);
    }
  }
}

std::optional<DeviceRoute> FleetState::route(std::string_view device_id) const {
  std::lock_guard lock(mu_);
  const auto* d = inventory_.device(device_id);
  if (d == nullptr) return std::nullopt;
  return DeviceRoute{d->site, d->protocol, index_.at(d->id)};
}

void FleetState::apply(TwinIndex twin, const protocols::Telemetry& t) {
  std::lock_guard lock(mu_);
  twins_[twin].apply(t);
}

void FleetState::apply(TwinIndex twin, const protocols::Status& s) {
  std::lock_guard lock(mu_);
  twins_[twin].apply(s);
}

void FleetState::saw_message(TwinIndex twin, std::int64_t ts_ms) {
  std::lock_guard lock(mu_);
  twins_[twin].saw_message(ts_ms);
}

void FleetState::apply_fault(TwinIndex twin, const protocols::Fault& fault, std::int64_t ts_ms) {
  std::lock_guard lock(mu_);
  twins_[twin].apply_fault(fault, ts_ms);
}

std::vector<TwinRow> FleetState::twin_rows(const std::vector<TwinIndex>& indices) const {
  std::vector<devices::Twin> copies;
  copies.reserve(indices.size());
  {
    std::lock_guard lock(mu_);
    for (TwinIndex i : indices) copies.push_back(twins_[i]);
  }
  std::vector<TwinRow> rows;
  rows.reserve(copies.size());
  for (const auto& twin : copies) rows.push_back(to_row(twin));
  return rows;
}

std::optional<TwinRow> FleetState::twin_row(const std::string& device_id) const {
  std::optional<devices::Twin> copy;
  {
    std::lock_guard lock(mu_);
    auto it = index_.find(device_id);
    if (it == index_.end()) return std::nullopt;
    copy = twins_[it->second];
  }
  return to_row(*copy);
}

void FleetState::restore(const std::vector<TwinRow>& rows) {
  std::lock_guard lock(mu_);
  for (const auto& row : rows) {
    auto it = index_.find(row.device_id);
    if (it == index_.end()) continue;
    std::optional<protocols::Telemetry> telemetry;
    if (row.telemetry_json) {
      auto decoded = protocols::decode_telemetry(*row.telemetry_json);
      if (decoded.ok()) telemetry = decoded.value();
    }
    auto& twin = twins_[it->second];
    twin.restore(telemetry, row.last_seen_ms, row.online, row.status_ts_ms, row.status_online);
    if (row.faults_json) twin.restore_faults(decode_faults(*row.faults_json));
  }
}

void FleetState::replay(const std::vector<TelemetryRow>& telemetry,
                        const std::vector<EventRow>& faults) {
  std::lock_guard lock(mu_);
  for (const auto& row : telemetry) {
    auto it = index_.find(row.device_id);
    if (it != index_.end()) twins_[it->second].apply(row.telemetry);
  }
  for (const auto& row : faults) {
    auto it = index_.find(row.device_id);
    const auto* fault = std::get_if<protocols::Fault>(&row.event.body);
    if (it != index_.end() && fault != nullptr) {
      twins_[it->second].apply_fault(*fault, row.event.ts_ms);
    }
  }
}

Result<std::string> FleetState::merge_inventory(const devices::Inventory& update) {
  std::lock_guard lock(mu_);
  auto merged = inventory_.merge(update);
  if (!merged.ok()) return merged.error();
  add_twins_locked();
  inventory_version_.fetch_add(1, std::memory_order_acq_rel);
  return inventory_.to_json();
}

std::vector<MachineEntry> FleetState::machines() const {
  std::lock_guard lock(mu_);
  std::vector<MachineEntry> out(twins_.size());
  for (const auto& [id, device] : inventory_.devices()) {
    const TwinIndex twin = index_.at(id);
    out[twin] = MachineEntry{twin, id, device.site, device.filter_rated_l};
  }
  return out;
}

void FleetState::read(
    const std::function<void(const devices::Inventory&, const TwinView&)>& fn) const {
  std::lock_guard lock(mu_);
  fn(inventory_, TwinView(index_, twins_));
}

}  // namespace wm::gateway
