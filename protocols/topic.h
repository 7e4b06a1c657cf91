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

// hx-binary machines (PROTOCOLS.md section 2) publish on hx/{device_id}/up and take
// commands on hx/{device_id}/down; their site comes from the inventory.
enum class HxDirection : std::uint8_t { kUp, kDown };
struct HxTopic {
  std::string device_id;
  HxDirection direction = HxDirection::kUp;
  bool operator==(const HxTopic&) const = default;
};

// Parses hx/{device_id}/{up|down}. Errors: "bad_topic" (wrong prefix or shape, unknown
// direction) and "bad_id" (device id not of the id syntax).
[[nodiscard]] Result<HxTopic> parse_hx_topic(std::string_view topic);

// "hx/{device}/up" or "hx/{device}/down".
std::string hx_topic(std::string_view device_id, HxDirection direction);

// Subscription filter for everything hx-binary machines publish.
inline constexpr std::string_view kHxSubscribeFilter = "hx/+/up";

}  // namespace wm::protocols
