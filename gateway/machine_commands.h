// Commands to machines (lock, unlock, diagnose), each in its machine's own protocol:
//   wm-json-v1  wm/v1/{site}/{device}/cmd     JSON command object (PROTOCOLS.md 1)
//   hx-binary   hx/{device}/down             0x81 frame (PROTOCOLS.md 2)
//   tb-gateway  v1/gateway/rpc               {"device", "data": {"id", "method", "params"}}
// Pure: builds the message; the MQTT bridge publishes it (QoS 1, not retained).
#pragma once

#include <cstdint>
#include <string>

#include "devices/inventory.h"
#include "protocols/messages.h"
#include "protocols/result.h"

namespace wm::gateway {

struct OutgoingMessage {
  std::string topic;
  std::string payload;
  int qos = 1;
};

// `rpc_id` numbers tb-gateway requests (the hub echoes it); ignored by the others.
[[nodiscard]] Result<OutgoingMessage> command_message(const devices::Device& device,
                                                      const protocols::Command& command,
                                                      std::int64_t rpc_id);

}  // namespace wm::gateway
