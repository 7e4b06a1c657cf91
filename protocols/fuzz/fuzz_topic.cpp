// libFuzzer target of the topic parsers (protocols/topic.h): a topic that parses must be
// exactly the topic that wm_topic / hx_topic builds from its parts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocols/topic.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm::protocols;
  const std::string_view topic(reinterpret_cast<const char*>(data), size);
  if (const wm::Result<WmTopic> parsed = parse_wm_topic(topic); parsed.ok()) {
    if (!is_valid_id(parsed->site_id) || !is_valid_id(parsed->device_id)) std::abort();
    if (wm_topic(parsed->site_id, parsed->device_id, parsed->kind) != topic) std::abort();
  }
  if (const wm::Result<HxTopic> parsed = parse_hx_topic(topic); parsed.ok()) {
    if (!is_valid_id(parsed->device_id)) std::abort();
    if (hx_topic(parsed->device_id, parsed->direction) != topic) std::abort();
  }
  return 0;
}
