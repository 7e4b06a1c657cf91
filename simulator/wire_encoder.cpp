#include "simulator/wire_encoder.h"

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "protocols/hx_binary.h"
#include "protocols/topic.h"
#include "protocols/wm_json.h"

namespace wm::sim {
namespace {

using protocols::TopicKind;

constexpr std::size_t kNoHub = std::numeric_limits<std::size_t>::max();

std::size_t topic_index(TopicKind kind) { return static_cast<std::size_t>(kind); }

}  // namespace

WireEncoder::WireEncoder(const Fleet& fleet, const HubOptions& hubs, WireSink& out)
    : fleet_(fleet), options_(hubs), out_(out) {
  options_.batch_ms = std::max<std::int64_t>(options_.batch_ms, 0);
  options_.max_samples = std::max<std::size_t>(options_.max_samples, 1);
  std::vector<std::size_t> hub_of_site(fleet.sites.size(), kNoHub);
  machines_.reserve(fleet.machines.size());
  for (const FleetMachine& m : fleet.machines) {
    MachineWire wire;
    wire.protocol = m.protocol;
    switch (m.protocol) {
      case WireProtocol::kWmJson:
        for (TopicKind kind : {TopicKind::kTelemetry, TopicKind::kEvent, TopicKind::kStatus}) {
          wire.topics[topic_index(kind)] = protocols::wm_topic(fleet.sites[m.site].id, m.id, kind);
        }
        break;
      case WireProtocol::kHxBinary:
        wire.topics[0] = protocols::hx_topic(m.id, protocols::HxDirection::kUp);
        break;
      case WireProtocol::kTbGateway:
        if (hub_of_site[m.site] == kNoHub) {
          hub_of_site[m.site] = hubs_.size();
          Hub hub;
          hub.sends_seq = m.site % 2 == 0;
          hubs_.push_back(std::move(hub));
        }
        wire.hub = hub_of_site[m.site];
        break;
    }
    machines_.push_back(std::move(wire));
  }
}

void WireEncoder::deliver(MachineMessage message) {
  const std::size_t i = message.machine;
  const MachineWire& wire = machines_[i];
  std::visit(
      [&](auto&& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, protocols::Telemetry>) {
          switch (wire.protocol) {
            case WireProtocol::kWmJson:
              out_.send(WireMessage{wire.topics[topic_index(TopicKind::kTelemetry)],
                                    protocols::encode_telemetry(body), Delivery::kTelemetry});
              ++counters_.telemetry_samples;
              break;
            case WireProtocol::kHxBinary:
              send_frame(i, protocols::encode_hx_telemetry(body));
              break;
            case WireProtocol::kTbGateway:
              add_sample(i, body);
              break;
          }
        } else if constexpr (std::is_same_v<Body, protocols::Event>) {
          on_event(i, body);
        } else if constexpr (std::is_same_v<Body, protocols::Heartbeat>) {
          // Only hx-binary machines are scheduled heartbeats; others have no such message.
          if (wire.protocol == WireProtocol::kHxBinary) {
            send_frame(i, protocols::encode_hx_heartbeat(body));
          }
        } else {
          on_status(i, body);
        }
      },
      message.body);
}

void WireEncoder::on_event(std::size_t machine, const protocols::Event& e) {
  const MachineWire& wire = machines_[machine];
  const bool dispense = std::holds_alternative<protocols::Dispense>(e.body);
  switch (wire.protocol) {
    case WireProtocol::kWmJson:
      out_.send(WireMessage{wire.topics[topic_index(TopicKind::kEvent)], protocols::encode_event(e),
                            Delivery::kReliable});
      if (dispense) {
        ++counters_.events;
      } else if (std::holds_alternative<protocols::Fault>(e.body)) {
        ++counters_.fault_events;
      } else {
        ++counters_.maintenance_events;
      }
      break;
    case WireProtocol::kHxBinary:
      send_frame(machine, protocols::encode_hx_event(e));
      break;
    case WireProtocol::kTbGateway:
      if (dispense) {
        ++counters_.dispenses_unsent;
      } else {
        count_error(machine, make_error("unsupported_message", "",
                                        "a tb-gateway hub cannot send a " +
                                            std::string(protocols::event_type(e)) + " event"));
      }
      break;
  }
}

void WireEncoder::count_error(std::size_t machine, Error error) {
  ++counters_.encode_errors;
  if (!first_error_) {
    error.message = fleet_.machines[machine].id + ": " + error.message;
    first_error_ = std::move(error);
  }
}

void WireEncoder::send_frame(std::size_t machine, Result<std::string> frame) {
  if (!frame.ok()) {
    count_error(machine, frame.error());
    return;
  }
  // The command byte follows magic and version: count what was sent.
  const auto command = static_cast<protocols::HxCommand>(static_cast<unsigned char>((*frame)[3]));
  if (command == protocols::HxCommand::kTelemetry) ++counters_.telemetry_samples;
  if (command == protocols::HxCommand::kDispense) ++counters_.events;
  if (command == protocols::HxCommand::kHeartbeat) ++counters_.heartbeats;
  if (command == protocols::HxCommand::kFault) ++counters_.fault_events;
  out_.send(
      WireMessage{machines_[machine].topics[0], std::move(frame).value(), Delivery::kReliable});
}

void WireEncoder::on_status(std::size_t machine, const protocols::Status& s) {
  const MachineWire& wire = machines_[machine];
  switch (wire.protocol) {
    case WireProtocol::kWmJson:
      out_.send(WireMessage{wire.topics[topic_index(TopicKind::kStatus)],
                            protocols::encode_status(s), Delivery::kRetained});
      break;
    case WireProtocol::kHxBinary:
      break;  // no status frame in HX
    case WireProtocol::kTbGateway: {
      // A machine's last samples go out before the hub says it is gone.
      if (!s.online && hubs_[wire.hub].samples > 0) flush(hubs_[wire.hub]);
      const std::string_view topic =
          s.online ? protocols::kTbConnectTopic : protocols::kTbDisconnectTopic;
      out_.send(WireMessage{std::string(topic),
                            protocols::encode_tb_device(fleet_.machines[machine].id),
                            Delivery::kReliable});
      break;
    }
  }
}

void WireEncoder::add_sample(std::size_t machine, const protocols::Telemetry& t) {
  Hub& hub = hubs_[machines_[machine].hub];
  if (hub.samples > 0 && t.ts_ms > hub.closes_at_ms) flush(hub);
  if (hub.samples == 0) {
    // Windows on a fixed grid of event time: [k * batch_ms, (k + 1) * batch_ms).
    hub.closes_at_ms = options_.batch_ms == 0
                           ? t.ts_ms
                           : (t.ts_ms / options_.batch_ms + 1) * options_.batch_ms - 1;
  }
  const auto entry = std::find(hub.machines.begin(), hub.machines.end(), machine);
  protocols::TbDeviceSamples* samples = nullptr;
  if (entry == hub.machines.end()) {
    hub.machines.push_back(machine);
    hub.batch.push_back(protocols::TbDeviceSamples{fleet_.machines[machine].id, {}});
    samples = &hub.batch.back();
  } else {
    samples = &hub.batch[static_cast<std::size_t>(entry - hub.machines.begin())];
  }
  samples->samples.push_back(t);
  samples->samples.back().has_seq = hub.sends_seq;
  if (!hub.sends_seq) samples->samples.back().seq = 0;
  if (++hub.samples >= options_.max_samples) flush(hub);
}

void WireEncoder::flush(Hub& hub) {
  if (hub.samples == 0) return;
  out_.send(WireMessage{std::string(protocols::kTbTelemetryTopic),
                        protocols::encode_tb_telemetry(hub.batch), Delivery::kReliable});
  counters_.telemetry_samples += hub.samples;
  counters_.hub_samples += hub.samples;
  ++counters_.hub_messages;
  hub.batch.clear();
  hub.machines.clear();
  hub.samples = 0;
}

void WireEncoder::flush_hubs_through(std::int64_t ts_ms) {
  for (Hub& hub : hubs_) {
    if (hub.samples > 0 && hub.closes_at_ms <= ts_ms) flush(hub);
  }
}

void WireEncoder::flush_all_hubs() {
  for (Hub& hub : hubs_) flush(hub);
}

}  // namespace wm::sim
