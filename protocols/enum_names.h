// Names of small enums as the wire and the API spell them: one table of names per enum,
// indexed by the enum's value. Shared by the domain folders' to_string/from_string pairs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace wm {

// The name of `value`; `first` is the value of names[0] (for enums not starting at 0).
// A value outside the table is a cast of garbage, a bug rather than input: abort.
template <class Enum, std::size_t N>
std::string_view name_of(Enum value, const std::array<std::string_view, N>& names,
                         std::size_t first = 0) {
  const auto index = static_cast<std::size_t>(value) - first;
  if (index >= N) std::abort();
  return names[index];
}

// The value whose name is `name` (names[i] is the value first + i), if any.
template <class Enum, std::size_t N>
std::optional<Enum> parse_name(std::string_view name, const std::array<std::string_view, N>& names,
                               std::size_t first = 0) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i + first);
  }
  return std::nullopt;
}

}  // namespace wm
