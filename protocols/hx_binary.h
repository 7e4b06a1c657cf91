// The hx-binary wire format (PROTOCOLS.md section 2): the frames of the HX vendor's
// older machines. Machines send telemetry, dispense and fault events and heartbeats on
// hx/{device_id}/up; the gateway sends commands (0x81) on hx/{device_id}/down.
//
// Frame: AA 55 | version 01 | command | u16 payload length N (0..1024) | payload |
// CRC-16/MODBUS over version..payload, low byte first. Integers are big-endian.
//
// Decoders treat their input as untrusted and reject a frame whole, with an Error whose
// code is one of
//   "bad_length"       shorter than a header and CRC, N over 1024, a frame size that is
//                      not 8 + N (truncated or trailing bytes), or N not the command's
//                      fixed payload size
//   "bad_magic"        the frame does not start with AA 55
//   "bad_version"      the version byte is not 01
//   "bad_crc"          the CRC does not match the bytes
//   "unknown_command"  a command byte this direction does not carry
//   "out_of_range"     a value outside its PROTOCOLS.md range (the ranges of wm-json-v1:
//                      tds 0..5000 ppm, flow 0..30 L/min, ...), an unknown fault code or
//                      action, an active flag not 0/1, requested_ml 0, or a txn/card that
//                      is empty, not printable ASCII, or has bytes after its NUL padding
// Reserved bytes and unknown flag bits are ignored (newer firmware may use them), as
// wm-json-v1 ignores unknown fields. Units become those of messages.h: ts seconds ->
// ts_ms, flow 0.01 L/min -> flow_lpm, temp 0.1 degC -> temp_c, pump mA -> pump_a. A
// decoded telemetry frame has every optional member set (the frame always carries them)
// and has_seq true. Functions are pure, thread-safe and never throw on bad input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "protocols/messages.h"
#include "protocols/result.h"

namespace wm::protocols {

enum class HxCommand : std::uint8_t {
  kTelemetry = 0x01,  // machine to gateway, 28-byte payload
  kDispense = 0x02,   // machine to gateway, 52
  kHeartbeat = 0x03,  // machine to gateway, 8
  kFault = 0x04,      // machine to gateway, 12
  kCommand = 0x81,    // gateway to machine, 8
};

inline constexpr std::size_t kHxHeaderBytes = 6;
inline constexpr std::size_t kHxCrcBytes = 2;
inline constexpr std::size_t kHxMaxPayloadBytes = 1024;
inline constexpr std::size_t kHxTextBytes = 16;  // txn and card fields

// What a machine sends up. Event holds a Dispense or a Fault (never a Maintenance).
using HxUplink = std::variant<Telemetry, Event, Heartbeat>;

// Decodes a frame from hx/{device_id}/up (commands 0x01 to 0x04).
[[nodiscard]] Result<HxUplink> decode_hx_uplink(std::string_view frame);

// Decodes a 0x81 frame from hx/{device_id}/down, as a machine does (simulators, tests).
// The frame carries no reason or ticket: those come back empty.
[[nodiscard]] Result<Command> decode_hx_command(std::string_view frame);

// Encoders build frames that the decoders above accept when the values are inside their
// ranges. Values are rounded to the nearest wire unit (ts_ms down to whole seconds);
// absent optional telemetry members are written as 0 / false. They fail with
// "out_of_range" when a value does not fit its wire field at all (negative ts, ts past
// 2106, filter_l over 2^32-1, a txn or card that is not 1 to 16 printable ASCII
// characters, NaN, ...) and with "unsupported_message" for a maintenance event, which
// HX frames cannot carry. Values inside the wire field but outside the protocol range
// (tds_in 6000) are written as they are: the decoder rejects them.
[[nodiscard]] Result<std::string> encode_hx_telemetry(const Telemetry& t);
[[nodiscard]] Result<std::string> encode_hx_event(const Event& e);
[[nodiscard]] Result<std::string> encode_hx_heartbeat(const Heartbeat& h);
[[nodiscard]] Result<std::string> encode_hx_command(const Command& c);

// CRC-16/MODBUS (reflected polynomial 0xA001, init 0xFFFF, no final xor) of `bytes`.
std::uint16_t hx_crc16(std::string_view bytes);

}  // namespace wm::protocols
