// The ThingsBoard MQTT gateway API as site hubs speak it (PROTOCOLS.md section 3): a hub
// publishes for the machines behind it on v1/gateway/{connect,disconnect,telemetry} and
// receives their commands on v1/gateway/rpc.
//
// A telemetry message carries many machines and many samples, and each sample is taken or
// rejected on its own: decode_tb_telemetry rejects a payload whole only when it is not a
// JSON object (or not valid JSON at all: a message cut in the middle cannot be trusted
// in part), and otherwise returns one TbSample per sample, in payload order, each with its
// Telemetry or its Error. A machine's entry that is not an array of samples, or whose id
// is not of the id syntax, gives one TbSample holding the error. Whether the inventory
// knows a machine is the caller's question.
//
// Error codes are those of wm_json.h ("malformed_json", "missing_field", "wrong_type",
// "out_of_range") plus "bad_id" for a machine id not of the id syntax and
// "too_many_samples" (see kTbMaxSamplesPerMessage). A sample is
// {"ts": <Unix ms>, "values": {<section 1 telemetry members but ts>}}: ts and values are
// required, seq is optional (Telemetry::has_seq tells), the other members are checked as
// wm-json-v1 checks them, and unknown members are ignored. Functions are pure,
// thread-safe and never throw on bad input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/messages.h"
#include "protocols/result.h"

namespace wm::protocols {

inline constexpr std::string_view kTbConnectTopic = "v1/gateway/connect";
inline constexpr std::string_view kTbDisconnectTopic = "v1/gateway/disconnect";
inline constexpr std::string_view kTbTelemetryTopic = "v1/gateway/telemetry";
inline constexpr std::string_view kTbRpcTopic = "v1/gateway/rpc";

// One sample of a telemetry message, or why it (or its machine's whole entry) was
// rejected. Error messages name the machine and the sample.
struct TbSample {
  std::string device_id;  // the key in the message, as sent
  std::size_t index = 0;  // position in the machine's array (0 for an entry-level error)
  Result<Telemetry> telemetry;
};

// A message is read up to this many TbSamples (taken or rejected); past it, one more
// TbSample with error "too_many_samples" names where reading stopped, and the rest of the
// message is not read. This bounds what a single payload of garbage can cost.
inline constexpr std::size_t kTbMaxSamplesPerMessage = 10000;

[[nodiscard]] Result<std::vector<TbSample>> decode_tb_telemetry(std::string_view payload);

// The machine of a connect or disconnect message ({"device":"<id>"}); "bad_id" when it
// is not of the id syntax. Other members are ignored.
[[nodiscard]] Result<std::string> decode_tb_device(std::string_view payload);

// A command to one machine through its hub.
struct TbRpc {
  std::string device_id;
  std::int64_t id = 0;  // request id, chosen by the gateway
  CommandKind method = CommandKind::kDiagnose;
  std::string reason;  // params.reason; written only when not empty
  bool operator==(const TbRpc&) const = default;
};

// Encoders produce compact JSON that the decoders accept; they do not throw (strings
// that are not UTF-8 are written with U+FFFD in place of the bad bytes).
std::string encode_tb_rpc(const TbRpc& rpc);
std::string encode_tb_device(std::string_view device_id);

// A machine's samples for encode_tb_telemetry; a device_id given twice gets one entry
// holding the samples of both, in order. Telemetry::has_seq decides whether seq is sent.
struct TbDeviceSamples {
  std::string device_id;
  std::vector<Telemetry> samples;
};
std::string encode_tb_telemetry(std::span<const TbDeviceSamples> devices);

// Decodes an RPC as a hub does (simulators, tests). Errors as above; "out_of_range" for
// a method that is not lock, unlock or diagnose.
[[nodiscard]] Result<TbRpc> decode_tb_rpc(std::string_view payload);

}  // namespace wm::protocols
