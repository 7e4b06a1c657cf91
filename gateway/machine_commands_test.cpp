#include "gateway/machine_commands.h"

#include <gtest/gtest.h>

#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"
#include "protocols/wm_json.h"

namespace wm::gateway {
namespace {

const protocols::Command kLock{1'795'400'000'000, protocols::CommandKind::kLock, "tds_out 80 ppm",
                               "t-000042"};

devices::Device device(const std::string& id, devices::Protocol protocol) {
  devices::Device d;
  d.id = id;
  d.site = "s-001";
  d.protocol = protocol;
  return d;
}

TEST(MachineCommandsTest, AWmJsonMachineGetsTheJsonCommandOnItsCmdTopic) {
  auto m = command_message(device("wm-0001", devices::Protocol::kWmJsonV1), kLock, 1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->topic, "wm/v1/s-001/wm-0001/cmd");
  EXPECT_EQ(protocols::decode_command(m->payload).value(), kLock);
  EXPECT_EQ(m->qos, 1);
}

TEST(MachineCommandsTest, AnHxMachineGetsA0x81FrameOnItsDownTopic) {
  auto m = command_message(device("hx-0001", devices::Protocol::kHxBinary), kLock, 1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->topic, "hx/hx-0001/down");
  auto decoded = protocols::decode_hx_command(m->payload);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->cmd, protocols::CommandKind::kLock);
  EXPECT_EQ(decoded->ts_ms, 1'795'400'000'000);
}

TEST(MachineCommandsTest, AMachineBehindAHubGetsAnRpcThroughIt) {
  auto m = command_message(device("tb-0001", devices::Protocol::kTbGateway), kLock, 77);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->topic, "v1/gateway/rpc");
  auto rpc = protocols::decode_tb_rpc(m->payload);
  ASSERT_TRUE(rpc.ok());
  EXPECT_EQ(rpc->device_id, "tb-0001");
  EXPECT_EQ(rpc->id, 77);
  EXPECT_EQ(rpc->method, protocols::CommandKind::kLock);
  EXPECT_EQ(rpc->reason, "tds_out 80 ppm");
}

}  // namespace
}  // namespace wm::gateway
