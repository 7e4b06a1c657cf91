// Generates a plausible fleet inventory in the API.md format: a few operator orgs,
// property orgs that each manage several sites (a district's school logistics office,
// a residential property company, a mall's management), sites of all three kinds with
// 10-40 machines each, contracts (some with overrides of the responsibility matrix)
// and the machines themselves ("wm-00001", ...), each with the wire protocol that
// `mix` gives it (see assign_protocols in protocol_mix.h: tb-gateway by whole sites,
// hx-binary mixed among wm-json-v1). Ids, sites and everything but `protocol` are the
// same whatever the mix.
//
// Deterministic: the same device count and seed give the same document, byte for
// byte. Pure; the caller writes the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "simulator/protocol_mix.h"

namespace wm::sim {

inline constexpr std::size_t kMinMachinesPerSite = 10;
inline constexpr std::size_t kMaxMachinesPerSite = 40;

// `device_count` >= 1. Keys keep the order of API.md's example.
nlohmann::ordered_json generate_inventory(std::size_t device_count, std::uint64_t seed,
                                          const ProtocolMix& mix = ProtocolMix{});

// "wm-00001" for (1, 5): zero-padded to `width` digits.
std::string padded_id(std::string_view prefix, std::size_t number, std::size_t width);

}  // namespace wm::sim
