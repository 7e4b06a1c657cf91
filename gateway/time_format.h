// RFC 3339 UTC times as the API shows them ("2026-11-23T02:27:20.123Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wm::gateway {

std::string format_rfc3339(std::int64_t unix_ms);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" or "+HH:MM" offsets, or an integer of Unix ms.
std::optional<std::int64_t> parse_time(std::string_view text);

}  // namespace wm::gateway
