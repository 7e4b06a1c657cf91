// MQTT topic names of the fleet (PROTOCOLS.md sections 1-3) and id syntax.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocols/result.h"

namespace wm::protocols {

// True when `id` is 1 to 64 characters of [A-Za-z0-9_-] (site, device, org ids).
bool is_valid_id(std::string_view id);

enum class TopicKind : std::uint8_t { kTelemetry, kEvent, kStatus, kCmd };
std::string_view to_string(TopicKind kind);  // "telemetry", "event", "status", "cmd"

// A parsed `wm/v1/{site_id}/{device_id}/{kind}` topic.
struct WmTopic {
  std::string site_id;
  std::string device_id;
  TopicKind kind = TopicKind::kTelemetry;
  bool operator==(const WmTopic&) const = default;
};

// Parses a wm/v1 topic. Errors: "bad_topic" (wrong prefix, wrong number of levels,
// unknown kind) and "bad_id" (site or device id not of the id syntax).
[[nodiscard]] Result<WmTopic> parse_wm_topic(std::string_view topic);

// "wm/v1/{site}/{device}/{kind}".
std::string wm_topic(std::string_view site_id, std::string_view device_id, TopicKind kind);

// Subscription filter for everything machines publish on wm/v1.
inline constexpr std::string_view kWmSubscribeFilter = "wm/v1/+/+/+";

}  // namespace wm::protocols
