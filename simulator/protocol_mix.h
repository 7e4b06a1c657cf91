// Which wire protocol each machine of a generated inventory speaks (PROTOCOLS.md), and
// the `--protocol-mix json:60,hx:30,tb:10` option that chooses the shares.
//
// The three families are placed as they are in the field: a site hub (tb-gateway)
// fronts every machine of its site, so tb-gateway is given to whole sites; older HX
// machines (hx-binary) stand here and there among our own (wm-json-v1) on the other
// sites. Pure and deterministic: the same sizes, mix and seed give the same answer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocols/result.h"

namespace wm::sim {

enum class WireProtocol : std::uint8_t { kWmJson, kHxBinary, kTbGateway };

// The inventory's names: "wm-json-v1", "hx-binary", "tb-gateway" (API.md).
std::string_view to_string(WireProtocol protocol);
std::optional<WireProtocol> wire_protocol_from_string(std::string_view name);

// Relative weights, indexed by WireProtocol; at least one is positive.
struct ProtocolMix {
  std::array<std::uint32_t, 3> weights = {100, 0, 0};
  std::uint32_t weight(WireProtocol p) const { return weights[static_cast<std::size_t>(p)]; }
  std::uint32_t total() const { return weights[0] + weights[1] + weights[2]; }
  bool operator==(const ProtocolMix&) const = default;
};

// Parses "json:60,hx:30,tb:10": comma-separated name:weight pairs, names `json`, `hx`,
// `tb` (or the inventory's full names), weights integers 0 to 1000000, each name at
// most once, names left out weigh 0, and the weights must not all be 0. Weights are
// relative (json:3,hx:1 is json:75,hx:25). Error "bad_protocol_mix" says what is wrong.
[[nodiscard]] Result<ProtocolMix> parse_protocol_mix(std::string_view text);

// "json:60,hx:30,tb:10" (names with weight 0 left out).
std::string to_string(const ProtocolMix& mix);

// The protocol of every machine of sites of the given sizes, in site order. Whole sites
// go to tb-gateway until the tb share is as near its weight as site sizes allow; on the
// other sites, hx-binary and wm-json-v1 machines are mixed in the ratio of their weights
// (exactly, after rounding). A protocol of positive weight gets at least one site (tb)
// or one machine (hx) when the fleet has room for it.
std::vector<WireProtocol> assign_protocols(const std::vector<std::size_t>& site_sizes,
                                           const ProtocolMix& mix, std::uint64_t seed);

}  // namespace wm::sim
