// libFuzzer target of the tb-gateway decoders (protocols/tb_gateway.h): any bytes, as a
// telemetry message, a connect message and an RPC. Every sample taken must survive
// encode and decode unchanged; every sample rejected must say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "protocols/tb_gateway.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm::protocols;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  if (const auto samples = decode_tb_telemetry(payload); samples.ok()) {
    for (const TbSample& sample : *samples) {
      if (!sample.telemetry.ok()) {
        if (sample.telemetry.error().code.empty()) std::abort();
        continue;
      }
      const std::vector<TbDeviceSamples> one = {{"m-1", {*sample.telemetry}}};
      const auto again = decode_tb_telemetry(encode_tb_telemetry(one));
      if (!again.ok() || again->size() != 1 || !again->front().telemetry.ok() ||
          !(*again->front().telemetry == *sample.telemetry)) {
        std::abort();
      }
    }
  }
  if (const auto device = decode_tb_device(payload); device.ok()) {
    if (*decode_tb_device(encode_tb_device(*device)) != *device) std::abort();
  }
  if (const auto rpc = decode_tb_rpc(payload); rpc.ok()) {
    const auto again = decode_tb_rpc(encode_tb_rpc(*rpc));
    // Strings that are not UTF-8 cannot come out of a JSON decode, so the round trip holds.
    if (!again.ok() || !(*again == *rpc)) std::abort();
  }
  return 0;
}
