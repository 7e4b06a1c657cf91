// The intake of the two vendor protocols: HX binary frames (PROTOCOLS.md section 2) and
// site hubs speaking the ThingsBoard gateway API (section 3). Both end in the same
// take() steps as wm-json-v1.
#include <map>

#include "gateway/intake.h"
#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"
#include "protocols/topic.h"

namespace wm::gateway {

void Intake::on_hx_binary(const Incoming& in) {
  auto topic = protocols::parse_hx_topic(in.topic);
  if (!topic.ok() || topic->direction != protocols::HxDirection::kUp) {
    metrics_.received(MessageKind::kOther);
    if (!topic.ok()) return quarantine(in, topic.error(), "");
    return quarantine(in, "bad_topic", "hx-binary machines publish on hx/{device_id}/up", "");
  }
  const std::string& device_id = topic->device_id;
  auto decoded = protocols::decode_hx_uplink(in.payload);
  const MessageKind kind =
      !decoded.ok()                                                   ? MessageKind::kOther
      : std::holds_alternative<protocols::Telemetry>(decoded.value()) ? MessageKind::kTelemetry
      : std::holds_alternative<protocols::Event>(decoded.value())     ? MessageKind::kEvent
                                                                      : MessageKind::kHeartbeat;
  metrics_.received(kind);
  const DeviceRoute* route = admit(in, device_id, devices::Protocol::kHxBinary);
  if (route == nullptr) return;
  if (!decoded.ok()) return quarantine(in, decoded.error(), device_id);

  if (auto* t = std::get_if<protocols::Telemetry>(&decoded.value())) {
    take(*route, device_id, std::move(*t), in.received_ms);
  } else if (const auto* e = std::get_if<protocols::Event>(&decoded.value())) {
    if (!take(*route, device_id, *e, in.received_ms)) return;
  } else {
    // A heartbeat only proves the machine alive.
    const auto& beat = std::get<protocols::Heartbeat>(decoded.value());
    if (!first_sight(*route, beat.seq, beat.ts_ms)) return;
    fleet_.saw_message(route->twin, beat.ts_ms);
    writer_.twin_changed(route->twin);
    if (observer_ != nullptr) observer_->on_heartbeat(route->twin, beat.ts_ms);
  }
  metrics_.decoded(kind);
}

void Intake::on_tb_gateway(const Incoming& in) {
  const bool connect = in.topic == protocols::kTbConnectTopic;
  if (connect || in.topic == protocols::kTbDisconnectTopic) {
    metrics_.received(MessageKind::kHub);
    auto device = protocols::decode_tb_device(in.payload);
    if (!device.ok()) return quarantine(in, device.error(), "");
    const DeviceRoute* route = admit(in, device.value(), devices::Protocol::kTbGateway);
    if (route == nullptr) return;
    // The hub's message carries no time: it counts from when the gateway received it.
    take(*route, protocols::Status{in.received_ms, connect});
    metrics_.decoded(MessageKind::kHub);
    return;
  }
  if (in.topic != protocols::kTbTelemetryTopic) {
    metrics_.received(MessageKind::kOther);
    return quarantine(in, "bad_topic",
                      "a hub publishes on v1/gateway/connect, disconnect or telemetry", "");
  }
  metrics_.received(MessageKind::kTelemetry);
  auto samples = protocols::decode_tb_telemetry(in.payload);
  if (!samples.ok()) return quarantine(in, samples.error(), "");

  // Each sample is taken or rejected on its own; the rejects of one machine make one
  // quarantine entry (the first reason, and how many of its samples were rejected).
  struct Rejects {
    Error first;
    int count = 0;
  };
  std::map<std::string, Rejects> rejected;
  for (auto& sample : samples.value()) {
    if (!sample.telemetry.ok()) {
      auto [it, added] = rejected.try_emplace(sample.device_id, Rejects{sample.telemetry.error()});
      it->second.count++;
      continue;
    }
    const DeviceRoute* route = this->route(sample.device_id);
    if (route == nullptr || route->protocol != devices::Protocol::kTbGateway) {
      if (!rejected.contains(sample.device_id)) {
        // admit() writes the quarantine entry with the exact reason; once per machine.
        (void)admit(in, sample.device_id, devices::Protocol::kTbGateway);
        rejected.try_emplace(sample.device_id, Rejects{Error{}, -1});
      }
      continue;
    }
    take(*route, sample.device_id, std::move(sample.telemetry).value(), in.received_ms);
    metrics_.decoded(MessageKind::kTelemetry);
  }
  for (const auto& [device_id, r] : rejected) {
    if (r.count < 0) continue;  // already quarantined by admit()
    quarantine(in, r.first.code,
               std::to_string(r.count) + " sample(s) of " + device_id +
                   " rejected; first: " + r.first.to_string(),
               device_id);
  }
}

}  // namespace wm::gateway
