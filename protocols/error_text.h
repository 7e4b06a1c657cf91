// Internal to protocols/: how untrusted values are quoted in Error messages.
//
// Error messages end up in logs, in the quarantine and in JSON answers to operators, so
// they must be short, printable and valid UTF-8 whatever the payload held: these helpers
// cut long values and escape control characters and bytes that are not UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wm::protocols::internal {

// `text` made safe for a message: control characters and invalid UTF-8 bytes as \xNN,
// cut on a character boundary once the result holds `max_bytes` bytes, with "..." added
// (so the result is at most max_bytes + 6 bytes).
std::string printable(std::string_view text, std::size_t max_bytes);

// printable(text, 64) between single quotes: 'abc'.
std::string quoted_for_message(std::string_view text);

// The shortest text that reads back as `value`: 5000, -10, 0.25, 1e+300.
std::string format_number(double value);

// As format_number, but a value without fraction or exponent gets ".0" (3 -> "3.0"), to
// show that a JSON integer field received a float.
std::string format_float(double value);

// The number of Unicode characters of valid UTF-8 `text` (bytes that do not continue a
// character).
std::size_t utf8_length(std::string_view text);

}  // namespace wm::protocols::internal
