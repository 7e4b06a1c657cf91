#include "gateway/machine_commands.h"

#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"
#include "protocols/topic.h"
#include "protocols/wm_json.h"

namespace wm::gateway {

Result<OutgoingMessage> command_message(const devices::Device& device,
                                        const protocols::Command& command, std::int64_t rpc_id) {
  switch (device.protocol) {
    case devices::Protocol::kWmJsonV1:
      return OutgoingMessage{
          protocols::wm_topic(device.site, device.id, protocols::TopicKind::kCmd),
          protocols::encode_command(command)};
    case devices::Protocol::kHxBinary: {
      auto frame = protocols::encode_hx_command(command);
      if (!frame.ok()) return frame.error();
      return OutgoingMessage{protocols::hx_topic(device.id, protocols::HxDirection::kDown),
                             std::move(frame).value()};
    }
    case devices::Protocol::kTbGateway:
      return OutgoingMessage{std::string(protocols::kTbRpcTopic),
                             protocols::encode_tb_rpc(
                                 protocols::TbRpc{device.id, rpc_id, command.cmd, command.reason})};
  }
  return make_error("unsupported_protocol", "protocol", "no command route for this protocol");
}

}  // namespace wm::gateway
