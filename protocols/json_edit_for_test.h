// Test-only: edits of a valid payload, to build the bad ones a test needs from it.
// Members keep their order; values are given as JSON text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wm::protocols::testing {

// `payload` with member `name` set to `value` (replaced, or appended). `value` is put
// in as written, so literals such as 3.0, 1e400 or 100000000000000000000 stay as they are.
inline std::string with_member(std::string_view payload, std::string_view name,
                               std::string_view value) {
  constexpr std::string_view kPlaceholder = "\"@value@\"";
  auto document = nlohmann::ordered_json::parse(payload);
  document[std::string(name)] = "@value@";
  std::string text = document.dump();
  text.replace(text.find(kPlaceholder), kPlaceholder.size(), value);
  return text;
}

// `payload` without member `name`.
inline std::string without_member(std::string_view payload, std::string_view name) {
  auto document = nlohmann::ordered_json::parse(payload);
  document.erase(std::string(name));
  return document.dump();
}

// A JSON string literal of `text` ("\"abc\"").
inline std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text)).dump();
}

}  // namespace wm::protocols::testing
