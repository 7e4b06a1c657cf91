// wm/v1 topic names: parsing is on the hot path (one call per message), so it splits
// the topic in place with string_views and allocates only the two ids it returns.
#include "protocols/topic.h"

#include <array>
#include <cstddef>

#include "protocols/error_text.h"

namespace wm::protocols {
namespace {

constexpr std::string_view kPrefix = "wm/v1/";
constexpr std::size_t kMaxIdLength = 64;
constexpr std::string_view kTopicShape = "wm/v1/{site_id}/{device_id}/{telemetry|event|status|cmd}";

constexpr std::array<std::pair<TopicKind, std::string_view>, 4> kKindNames = {{
    {TopicKind::kTelemetry, "telemetry"},
    {TopicKind::kEvent, "event"},
    {TopicKind::kStatus, "status"},
    {TopicKind::kCmd, "cmd"},
}};

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Error bad_topic(std::string_view topic, std::string_view what) {
  return make_error("bad_topic", "topic",
                    std::string(what) + ": expected " + std::string(kTopicShape) + ", got " +
                        internal::quoted_for_message(topic));
}

Error bad_id(std::string_view field, std::string_view id) {
  return make_error("bad_id", std::string(field),
                    std::string(field) + " must be 1 to 64 characters of A-Z a-z 0-9 _ -, got " +
                        internal::quoted_for_message(id));
}

}  // namespace

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

std::string_view to_string(TopicKind kind) {
  for (const auto& [candidate, name] : kKindNames) {
    if (candidate == kind) return name;
  }
  return "unknown";  // only reachable with a value cast from outside the enum
}

Result<WmTopic> parse_wm_topic(std::string_view topic) {
  if (!topic.starts_with(kPrefix)) return bad_topic(topic, "topic does not start with wm/v1/");
  std::string_view rest = topic.substr(kPrefix.size());

  // rest must be exactly "{site}/{device}/{kind}": three levels, which may be empty here
  // (an empty id is reported as a bad id below, not as a bad shape).
  std::array<std::string_view, 3> levels;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::size_t slash = rest.find('/');
    const bool last = i + 1 == levels.size();
    if (last != (slash == std::string_view::npos)) {
      return bad_topic(topic, last ? "topic has too many levels" : "topic has too few levels");
    }
    levels[i] = rest.substr(0, slash);
    if (!last) rest.remove_prefix(slash + 1);
  }

  WmTopic parsed;
  bool known_kind = false;
  for (const auto& [kind, name] : kKindNames) {
    if (levels[2] == name) {
      parsed.kind = kind;
      known_kind = true;
      break;
    }
  }
  if (!known_kind) return bad_topic(topic, "unknown message kind");
  if (!is_valid_id(levels[0])) return bad_id("site_id", levels[0]);
  if (!is_valid_id(levels[1])) return bad_id("device_id", levels[1]);
  parsed.site_id = levels[0];
  parsed.device_id = levels[1];
  return parsed;
}

std::string wm_topic(std::string_view site_id, std::string_view device_id, TopicKind kind) {
  const std::string_view kind_name = to_string(kind);
  std::string topic;
  topic.reserve(kPrefix.size() + site_id.size() + device_id.size() + kind_name.size() + 2);
  topic.append(kPrefix).append(site_id).append("/").append(device_id).append("/").append(kind_name);
  return topic;
}

Result<HxTopic> parse_hx_topic(std::string_view topic) {
  constexpr std::string_view kHxPrefix = "hx/";
  constexpr std::string_view kHxShape = "hx/{device_id}/{up|down}";
  const auto bad = [&](std::string_view what) -> Error {
    return make_error("bad_topic", "topic",
                      std::string(what) + ": expected " + std::string(kHxShape) + ", got " +
                          internal::quoted_for_message(topic));
  };
  if (!topic.starts_with(kHxPrefix)) return bad("topic does not start with hx/");
  const std::string_view rest = topic.substr(kHxPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("topic has too few levels");
  const std::string_view device_id = rest.substr(0, slash);
  const std::string_view direction = rest.substr(slash + 1);
  HxTopic parsed;
  if (direction == "up") {
    parsed.direction = HxDirection::kUp;
  } else if (direction == "down") {
    parsed.direction = HxDirection::kDown;
  } else {
    return bad(direction.find('/') == std::string_view::npos ? "unknown direction"
                                                             : "topic has too many levels");
  }
  if (!is_valid_id(device_id)) return bad_id("device_id", device_id);
  parsed.device_id = device_id;
  return parsed;
}

std::string hx_topic(std::string_view device_id, HxDirection direction) {
  return "hx/" + std::string(device_id) + (direction == HxDirection::kUp ? "/up" : "/down");
}

}  // namespace wm::protocols
