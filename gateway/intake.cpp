#include "gateway/intake.h"

#include <spdlog/spdlog.h>

#include "protocols/topic.h"
#include "protocols/wm_json.h"

namespace wm::gateway {
namespace {

MessageKind message_kind(protocols::TopicKind kind) {
  switch (kind) {
    case protocols::TopicKind::kTelemetry:
      return MessageKind::kTelemetry;
    case protocols::TopicKind::kEvent:
      return MessageKind::kEvent;
    case protocols::TopicKind::kStatus:
      return MessageKind::kStatus;
    case protocols::TopicKind::kCmd:
      return MessageKind::kCmd;
  }
  return MessageKind::kOther;
}

}  // namespace

Intake::Intake(FleetState& fleet, StoreWriter& writer, Metrics& metrics, const Clock& clock)
    : fleet_(fleet), writer_(writer), metrics_(metrics), clock_(clock) {}

void Intake::on_message(std::string_view topic, std::string_view payload) {
  auto parsed = protocols::parse_wm_topic(topic);
  if (!parsed.ok()) {
    metrics_.received(MessageKind::kOther);
    quarantine(topic, payload, parsed.error().code, parsed.error().to_string(), "");
    return;
  }
  const auto& t = parsed.value();
  const MessageKind kind = message_kind(t.kind);
  metrics_.received(kind);
  if (t.kind == protocols::TopicKind::kCmd) return;  // our own commands to machines

  const DeviceRoute* route = this->route(t.device_id);
  if (route == nullptr) {
    quarantine(
        topic, payload, "unknown_device",
        "device " + t.device_id + " is not in the inventory; add it with POST /api/v1/inventory",
        t.device_id);
    return;
  }
  if (route->site_id != t.site_id) {
    quarantine(topic, payload, "site_mismatch",
               "device " + t.device_id + " belongs to site " + route->site_id +
                   ", but the topic names site " + t.site_id,
               t.device_id);
    return;
  }
  if (route->protocol != devices::Protocol::kWmJsonV1) {
    quarantine(topic, payload, "protocol_mismatch",
               "device " + t.device_id + " is registered as " +
                   std::string(devices::to_string(route->protocol)) + ", not wm-json-v1",
               t.device_id);
    return;
  }

  const std::int64_t now = clock_.now_ms();
  switch (t.kind) {
    case protocols::TopicKind::kTelemetry: {
      auto decoded = protocols::decode_telemetry(payload);
      if (!decoded.ok()) {
        quarantine(topic, payload, decoded.error().code, decoded.error().to_string(), t.device_id);
        return;
      }
      fleet_.apply(route->twin, decoded.value());
      writer_.add_telemetry(TelemetryRow{t.device_id, std::move(decoded).value(), now},
                            route->twin);
      break;
    }
    case protocols::TopicKind::kEvent: {
      auto decoded = protocols::decode_event(payload);
      if (!decoded.ok()) {
        quarantine(topic, payload, decoded.error().code, decoded.error().to_string(), t.device_id);
        return;
      }
      const protocols::Event event = decoded.value();
      bool is_new = writer_.write_event(EventRow{t.device_id, std::move(decoded).value(), now});
      if (!is_new) {
        metrics_.duplicate();
        return;
      }
      if (const auto* fault = std::get_if<protocols::Fault>(&event.body)) {
        fleet_.apply_fault(route->twin, *fault, event.ts_ms);
      } else {
        fleet_.saw_message(route->twin, event.ts_ms);
      }
      writer_.twin_changed(route->twin);
      break;
    }
    case protocols::TopicKind::kStatus: {
      auto decoded = protocols::decode_status(payload);
      if (!decoded.ok()) {
        quarantine(topic, payload, decoded.error().code, decoded.error().to_string(), t.device_id);
        return;
      }
      fleet_.apply(route->twin, decoded.value());
      writer_.twin_changed(route->twin);
      break;
    }
    case protocols::TopicKind::kCmd:
      return;
  }
  metrics_.decoded(kind);
}

const DeviceRoute* Intake::route(const std::string& device_id) {
  const std::uint64_t version = fleet_.inventory_version();
  if (version != routes_version_) {
    routes_.clear();
    routes_version_ = version;
  }
  auto it = routes_.find(device_id);
  if (it != routes_.end()) return &it->second;
  auto found = fleet_.route(device_id);
  if (!found) return nullptr;
  return &routes_.emplace(device_id, std::move(*found)).first->second;
}

void Intake::quarantine(std::string_view topic, std::string_view payload, std::string reason,
                        std::string detail, std::string device_id) {
  metrics_.quarantined(reason);
  spdlog::debug("quarantine {}: {} ({})", topic, reason, detail);
  writer_.add_quarantine(QuarantineRow{std::string(topic), std::string(payload), clock_.now_ms(),
                                       std::move(reason), std::move(detail), std::move(device_id)});
}

}  // namespace wm::gateway
