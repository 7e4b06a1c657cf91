// libFuzzer target of the hx-binary decoders (protocols/hx_binary.h): any bytes, as an
// uplink frame and as a command frame. A frame that decodes must encode again, and that
// frame must decode to the same message (reserved bytes and unknown flag bits, which
// the decoder ignores, may differ).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "protocols/hx_binary.h"

namespace {

using wm::protocols::HxUplink;

wm::Result<std::string> encode(const HxUplink& message) {
  using namespace wm::protocols;
  if (const auto* t = std::get_if<Telemetry>(&message)) return encode_hx_telemetry(*t);
  if (const auto* e = std::get_if<Event>(&message)) return encode_hx_event(*e);
  return encode_hx_heartbeat(std::get<Heartbeat>(message));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm::protocols;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  if (const wm::Result<HxUplink> uplink = decode_hx_uplink(frame); uplink.ok()) {
    const wm::Result<std::string> again = encode(*uplink);
    if (!again.ok()) std::abort();
    const wm::Result<HxUplink> decoded = decode_hx_uplink(*again);
    if (!decoded.ok() || !(*decoded == *uplink)) std::abort();
  }
  if (const wm::Result<Command> command = decode_hx_command(frame); command.ok()) {
    const wm::Result<std::string> again = encode_hx_command(*command);
    if (!again.ok() || !(*decode_hx_command(*again) == *command)) std::abort();
  }
  return 0;
}
