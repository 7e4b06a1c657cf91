// libFuzzer target of the wm-json-v1 decoders (protocols/wm_json.h): any bytes, as every
// kind of message. Besides crashes and sanitizer reports, it checks that whatever a
// decoder accepts survives encode and decode unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocols/wm_json.h"

namespace {

template <class Message>
void check_round_trip(const wm::Result<Message>& decoded, std::string (*encode)(const Message&),
                      wm::Result<Message> (*decode)(std::string_view)) {
  if (!decoded.ok()) return;
  const wm::Result<Message> again = decode(encode(*decoded));
  if (!again.ok() || !(*again == *decoded)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm::protocols;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  check_round_trip(decode_telemetry(payload), encode_telemetry, decode_telemetry);
  check_round_trip(decode_event(payload), encode_event, decode_event);
  check_round_trip(decode_status(payload), encode_status, decode_status);
  check_round_trip(decode_command(payload), encode_command, decode_command);
  return 0;
}
