#include "gateway/intake.h"

#include <spdlog/spdlog.h>

#include "protocols/topic.h"
#include "protocols/wm_json.h"

namespace wm::gateway {
namespace {

constexpr std::string_view kWmPrefix = "wm/v1/";
constexpr std::string_view kHxPrefix = "hx/";
constexpr std::string_view kTbPrefix = "v1/gateway/";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

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

const std::vector<std::string>& intake_subscriptions() {
  static const std::vector<std::string> kTopics = {
      "wm/v1/#",  // everything under wm/v1, so malformed levels are quarantined, not unseen
      std::string(protocols::kHxSubscribeFilter),
      "v1/gateway/connect",
      "v1/gateway/disconnect",
      "v1/gateway/telemetry",
  };
  return kTopics;
}

Intake::Intake(FleetState& fleet, StoreWriter& writer, Metrics& metrics, const Clock& clock)
    : fleet_(fleet), writer_(writer), metrics_(metrics), clock_(clock) {}

void Intake::on_message(std::string_view topic, std::string_view payload) {
  const Incoming in{topic, payload, clock_.now_ms()};
  if (starts_with(topic, kWmPrefix)) {
    on_wm_json(in);
  } else if (starts_with(topic, kHxPrefix)) {
    on_hx_binary(in);
  } else if (starts_with(topic, kTbPrefix)) {
    on_tb_gateway(in);
  } else {
    metrics_.received(MessageKind::kOther);
    quarantine(in, "bad_topic", "topic is not one the fleet's protocols use", "");
  }
}

void Intake::on_wm_json(const Incoming& in) {
  auto parsed = protocols::parse_wm_topic(in.topic);
  if (!parsed.ok()) {
    metrics_.received(MessageKind::kOther);
    quarantine(in, parsed.error(), "");
    return;
  }
  const auto& t = parsed.value();
  const MessageKind kind = message_kind(t.kind);
  metrics_.received(kind);
  if (t.kind == protocols::TopicKind::kCmd) return;  // our own commands to machines

  const DeviceRoute* route = admit(in, t.device_id, devices::Protocol::kWmJsonV1, t.site_id);
  if (route == nullptr) return;
  switch (t.kind) {
    case protocols::TopicKind::kTelemetry: {
      auto decoded = protocols::decode_telemetry(in.payload);
      if (!decoded.ok()) return quarantine(in, decoded.error(), t.device_id);
      take(*route, t.device_id, std::move(decoded).value(), in.received_ms);
      break;
    }
    case protocols::TopicKind::kEvent: {
      auto decoded = protocols::decode_event(in.payload);
      if (!decoded.ok()) return quarantine(in, decoded.error(), t.device_id);
      if (!take(*route, t.device_id, decoded.value(), in.received_ms)) return;
      break;
    }
    case protocols::TopicKind::kStatus: {
      auto decoded = protocols::decode_status(in.payload);
      if (!decoded.ok()) return quarantine(in, decoded.error(), t.device_id);
      take(*route, decoded.value());
      break;
    }
    case protocols::TopicKind::kCmd:
      return;
  }
  metrics_.decoded(kind);
}

const DeviceRoute* Intake::admit(const Incoming& in, const std::string& device_id,
                                 devices::Protocol protocol, std::string_view site_id) {
  const DeviceRoute* route = this->route(device_id);
  if (route == nullptr) {
    quarantine(
        in, "unknown_device",
        "device " + device_id + " is not in the inventory; add it with POST /api/v1/inventory",
        device_id);
    return nullptr;
  }
  if (!site_id.empty() && route->site_id != site_id) {
    quarantine(in, "site_mismatch",
               "device " + device_id + " belongs to site " + route->site_id +
                   ", but the topic names site " + std::string(site_id),
               device_id);
    return nullptr;
  }
  if (route->protocol != protocol) {
    quarantine(in, "protocol_mismatch",
               "device " + device_id + " is registered as " +
                   std::string(devices::to_string(route->protocol)) + ", not " +
                   std::string(devices::to_string(protocol)),
               device_id);
    return nullptr;
  }
  return route;
}

devices::SeqTracker& Intake::sequence(const DeviceRoute& route) {
  if (route.twin >= sequences_.size()) sequences_.resize(route.twin + 1);
  return sequences_[route.twin];
}

bool Intake::first_sight(const DeviceRoute& route, std::uint32_t seq, std::int64_t ts_ms) {
  return counted(sequence(route).observe(seq, ts_ms));
}

bool Intake::first_sight(const DeviceRoute& route, const protocols::Telemetry& t) {
  if (!t.has_seq) return counted(sequence(route).observe_unsequenced(t.ts_ms));
  return first_sight(route, t.seq, t.ts_ms);
}

void Intake::note_order(devices::SeqTracker::Observation o) {
  if (o.missing > 0) metrics_.missing(o.missing);
  if (o.verdict == devices::SeqTracker::Verdict::kRestart) metrics_.machine_restart();
}

bool Intake::counted(devices::SeqTracker::Observation o) {
  note_order(o);
  if (o.verdict != devices::SeqTracker::Verdict::kDuplicate) return true;
  metrics_.duplicate();
  return false;
}

void Intake::take(const DeviceRoute& route, const std::string& device_id, protocols::Telemetry t,
                  std::int64_t received_ms) {
  if (!first_sight(route, t)) return;
  fleet_.apply(route.twin, t);
  if (observer_ != nullptr) observer_->on_telemetry(route.twin, t);
  writer_.add_telemetry(TelemetryRow{device_id, std::move(t), received_ms}, route.twin);
}

bool Intake::take(const DeviceRoute& route, const std::string& device_id,
                  const protocols::Event& event, std::int64_t received_ms) {
  // The store, not the sequence window, decides whether money was seen before; the
  // window only learns the number (telemetry and events share the machine's count).
  note_order(sequence(route).observe(event.seq, event.ts_ms));
  const bool is_new = writer_.write_event(EventRow{device_id, event, received_ms});
  if (!is_new) {
    metrics_.duplicate();
    return false;
  }
  if (const auto* fault = std::get_if<protocols::Fault>(&event.body)) {
    fleet_.apply_fault(route.twin, *fault, event.ts_ms);
  } else {
    fleet_.saw_message(route.twin, event.ts_ms);
  }
  writer_.twin_changed(route.twin);
  if (observer_ != nullptr) observer_->on_event(route.twin, event);
  return true;
}

void Intake::take(const DeviceRoute& route, const protocols::Status& status) {
  fleet_.apply(route.twin, status);
  writer_.twin_changed(route.twin);
  if (observer_ != nullptr) observer_->on_status(route.twin, status);
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

void Intake::quarantine(const Incoming& in, const Error& error, std::string device_id) {
  quarantine(in, error.code, error.to_string(), std::move(device_id));
}

void Intake::quarantine(const Incoming& in, std::string reason, std::string detail,
                        std::string device_id) {
  metrics_.quarantined(reason);
  spdlog::debug("quarantine {}: {} ({})", in.topic, reason, detail);
  writer_.add_quarantine(QuarantineRow{std::string(in.topic), std::string(in.payload),
                                       in.received_ms, std::move(reason), std::move(detail),
                                       std::move(device_id)});
}

}  // namespace wm::gateway
