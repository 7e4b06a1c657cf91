// Fleet: the part of an API.md inventory the simulator plays — sites with their kind
// and UTC offset, and the machines on them — read from the inventory JSON document.
//
// Every machine keeps the wire protocol the inventory gives it (wm-json-v1, hx-binary,
// tb-gateway); a machine of a protocol the simulator does not know is counted and
// skipped. Each site gets a deterministic pool of card tokens ("c-000123") that its
// people pay with. Parsing is the simulator's own (no dependency on devices/), and
// checks only what the simulator relies on. No I/O: the caller reads the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/result.h"
#include "simulator/protocol_mix.h"
#include "simulator/usage_curve.h"

namespace wm::sim {

inline constexpr std::int64_t kDefaultFilterRatedLitres = 6000;
inline constexpr std::size_t kCardsPerMachine = 40;

struct FleetSite {
  std::string id;
  std::string name;
  SiteKind kind = SiteKind::kSchool;
  int utc_offset_min = 480;
  std::size_t first_card = 0;  // card tokens [first_card, first_card + card_count)
  std::size_t card_count = 0;
};

struct FleetMachine {
  std::string id;
  std::size_t site = 0;  // index into Fleet::sites
  std::string model;
  std::int64_t filter_rated_l = kDefaultFilterRatedLitres;
  WireProtocol protocol = WireProtocol::kWmJson;
};

struct Fleet {
  std::vector<FleetSite> sites;
  std::vector<FleetMachine> machines;  // in document order
  std::size_t skipped_machines = 0;    // machines of a protocol the simulator does not know
};

// How many machines of `fleet` speak `protocol`.
std::size_t count_machines(const Fleet& fleet, WireProtocol protocol);

// The same sites with only the machines that speak `protocol` (card pools unchanged).
Fleet machines_speaking(const Fleet& fleet, WireProtocol protocol);

// Errors: "malformed_json", "missing_field", "wrong_type", "bad_id", "out_of_range",
// "duplicate_id", "unknown_reference"; `field` names the entry ("devices[3].site").
[[nodiscard]] Result<Fleet> parse_fleet(std::string_view inventory_json);

// "c-000123".
std::string card_token(std::size_t card_number);

}  // namespace wm::sim
