#include "simulator/protocol_mix.h"

#include <charconv>
#include <cmath>
#include <numeric>
#include <string>

#include "simulator/seeded_random.h"

namespace wm::sim {
namespace {

constexpr std::uint32_t kMaxWeight = 1'000'000;

constexpr std::array<std::string_view, 3> kInventoryNames = {"wm-json-v1", "hx-binary",
                                                             "tb-gateway"};
constexpr std::array<std::string_view, 3> kShortNames = {"json", "hx", "tb"};

std::optional<WireProtocol> protocol_from_mix_name(std::string_view name) {
  for (std::size_t i = 0; i < kShortNames.size(); ++i) {
    if (name == kShortNames[i] || name == kInventoryNames[i]) return static_cast<WireProtocol>(i);
  }
  return std::nullopt;
}

Error mix_error(std::string message) {
  return make_error("bad_protocol_mix", "",
                    std::move(message) + "; expected e.g. json:60,hx:30,tb:10 (names json, hx, " +
                        "tb; integer weights)");
}

// Fisher-Yates with our own generator (std::shuffle is not the same everywhere).
template <class T>
void shuffle(std::vector<T>& items, SeededRandom& random) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const auto j =
        static_cast<std::size_t>(random.uniform_int(0, static_cast<std::int64_t>(i) - 1));
    std::swap(items[i - 1], items[j]);
  }
}

std::size_t rounded_share(std::size_t count, std::uint32_t part, std::uint32_t whole) {
  if (whole == 0) return 0;
  return static_cast<std::size_t>(
      std::llround(static_cast<double>(count) * static_cast<double>(part) / whole));
}

}  // namespace

std::string_view to_string(WireProtocol protocol) {
  return kInventoryNames[static_cast<std::size_t>(protocol)];
}

std::optional<WireProtocol> wire_protocol_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kInventoryNames.size(); ++i) {
    if (name == kInventoryNames[i]) return static_cast<WireProtocol>(i);
  }
  return std::nullopt;
}

Result<ProtocolMix> parse_protocol_mix(std::string_view text) {
  if (text.empty()) return mix_error("the protocol mix is empty");
  ProtocolMix mix;
  mix.weights = {0, 0, 0};
  std::array<bool, 3> seen{};
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      return mix_error("\"" + std::string(item) + "\" is not name:weight");
    }
    const std::string_view name = item.substr(0, colon);
    const std::string_view number = item.substr(colon + 1);
    const auto protocol = protocol_from_mix_name(name);
    if (!protocol) return mix_error("unknown protocol \"" + std::string(name) + "\"");
    const auto index = static_cast<std::size_t>(*protocol);
    if (seen[index]) return mix_error("protocol \"" + std::string(name) + "\" given twice");
    seen[index] = true;
    std::uint32_t weight = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), weight);
    if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
        weight > kMaxWeight) {
      return mix_error("weight \"" + std::string(number) + "\" of " + std::string(name) +
                       " is not an integer from 0 to 1000000");
    }
    mix.weights[index] = weight;
    pos = comma + 1;
  }
  if (mix.total() == 0) return mix_error("all weights are 0");
  return mix;
}

std::string to_string(const ProtocolMix& mix) {
  std::string text;
  for (std::size_t i = 0; i < mix.weights.size(); ++i) {
    if (mix.weights[i] == 0) continue;
    if (!text.empty()) text += ',';
    text += std::string(kShortNames[i]) + ":" + std::to_string(mix.weights[i]);
  }
  return text;
}

std::vector<WireProtocol> assign_protocols(const std::vector<std::size_t>& site_sizes,
                                           const ProtocolMix& mix, std::uint64_t seed) {
  const std::size_t machines =
      std::accumulate(site_sizes.begin(), site_sizes.end(), std::size_t{0});
  std::vector<WireProtocol> protocols(machines, WireProtocol::kWmJson);
  if (mix.weight(WireProtocol::kHxBinary) == 0 && mix.weight(WireProtocol::kTbGateway) == 0) {
    return protocols;  // draws nothing: a json-only fleet is what it always was
  }
  SeededRandom random = SeededRandom::for_stream(seed, "protocols");
  std::vector<std::size_t> first_machine(site_sizes.size(), 0);
  for (std::size_t s = 1; s < site_sizes.size(); ++s) {
    first_machine[s] = first_machine[s - 1] + site_sizes[s - 1];
  }

  // Hub sites, in a random order of sites.
  std::vector<bool> hub(site_sizes.size(), false);
  const std::size_t tb_target =
      rounded_share(machines, mix.weight(WireProtocol::kTbGateway), mix.total());
  std::vector<std::size_t> order(site_sizes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  shuffle(order, random);
  const auto distance = [tb_target](std::size_t n) {
    return n > tb_target ? n - tb_target : tb_target - n;
  };
  std::size_t tb_count = 0;
  for (std::size_t s : order) {  // sites that fit under the target
    if (tb_count + site_sizes[s] <= tb_target) {
      hub[s] = true;
      tb_count += site_sizes[s];
    }
  }
  // Then the one site that brings the count nearest the target, if it does; and at least
  // one hub when tb-gateway was asked for at all.
  const bool want_one = tb_count == 0 && mix.weight(WireProtocol::kTbGateway) > 0;
  std::size_t best = order.size();
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t s = order[k];
    if (hub[s]) continue;
    if (best == order.size()
            ? (want_one || distance(tb_count + site_sizes[s]) < distance(tb_count))
            : distance(tb_count + site_sizes[s]) < distance(tb_count + site_sizes[order[best]])) {
      best = k;
    }
  }
  if (best < order.size()) {
    hub[order[best]] = true;
    tb_count += site_sizes[order[best]];
  }

  // The other sites' machines: an exact hx share among them, chosen at random.
  std::vector<std::size_t> others;
  for (std::size_t s = 0; s < site_sizes.size(); ++s) {
    for (std::size_t m = 0; m < site_sizes[s]; ++m) {
      if (hub[s]) {
        protocols[first_machine[s] + m] = WireProtocol::kTbGateway;
      } else {
        others.push_back(first_machine[s] + m);
      }
    }
  }
  const std::uint32_t hx = mix.weight(WireProtocol::kHxBinary);
  std::size_t hx_count = rounded_share(others.size(), hx, hx + mix.weight(WireProtocol::kWmJson));
  if (hx > 0 && hx_count == 0 && !others.empty()) hx_count = 1;
  shuffle(others, random);
  for (std::size_t i = 0; i < hx_count; ++i) protocols[others[i]] = WireProtocol::kHxBinary;
  return protocols;
}

}  // namespace wm::sim
