// Internal to protocols/: the frame layer of hx-binary (PROTOCOLS.md section 2): header,
// length and CRC checks, frame assembly, and the big-endian field readers and writers of
// payloads. The message layer (hx_binary.cpp, hx_binary_encode.cpp) sits on top.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocols/hx_binary.h"
#include "protocols/result.h"

namespace wm::protocols::internal {

inline constexpr std::uint8_t kHxMagic0 = 0xAA;
inline constexpr std::uint8_t kHxMagic1 = 0x55;
inline constexpr std::uint8_t kHxVersion = 0x01;

// Fixed payload sizes of the commands.
inline constexpr std::size_t kHxTelemetryBytes = 28;
inline constexpr std::size_t kHxDispenseBytes = 52;
inline constexpr std::size_t kHxHeartbeatBytes = 8;
inline constexpr std::size_t kHxFaultBytes = 12;
inline constexpr std::size_t kHxCommandBytes = 8;

// Flag bits of the telemetry payload.
inline constexpr std::uint8_t kHxUvOkBit = 0x01;
inline constexpr std::uint8_t kHxLeakBit = 0x02;
inline constexpr std::uint8_t kHxDoorBit = 0x04;

struct HxFrame {
  std::uint8_t command = 0;
  std::string_view payload;  // points into the frame given to parse_hx_frame
};

// Checks a frame's size, magic, version, length and CRC, in that order, with the errors
// of hx_binary.h ("bad_length", "bad_magic", "bad_version", "bad_crc"). The command and
// the payload's size are the caller's to check.
[[nodiscard]] Result<HxFrame> parse_hx_frame(std::string_view frame);

// Header, payload (at most kHxMaxPayloadBytes) and CRC.
std::string make_hx_frame(HxCommand command, std::string_view payload);

// "0A": a byte as two upper-case hex digits, for messages.
std::string hex_byte(std::uint8_t byte);

// Big-endian fields of a payload whose size the frame checks already fixed: reading past
// the end is a bug in this file, not bad input.
class HxPayloadReader {
 public:
  explicit HxPayloadReader(std::string_view payload) : payload_(payload) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint16_t u16() {
    const std::string_view b = take(2);
    return static_cast<std::uint16_t>((byte(b, 0) << 8) | byte(b, 1));
  }
  std::int16_t i16() { return static_cast<std::int16_t>(u16()); }
  std::uint32_t u32() {
    const std::string_view b = take(4);
    return (std::uint32_t{byte(b, 0)} << 24) | (std::uint32_t{byte(b, 1)} << 16) |
           (std::uint32_t{byte(b, 2)} << 8) | std::uint32_t{byte(b, 3)};
  }
  std::string_view bytes(std::size_t count) { return take(count); }

 private:
  static std::uint8_t byte(std::string_view b, std::size_t i) {
    return static_cast<std::uint8_t>(b[i]);
  }
  std::string_view take(std::size_t count) {
    if (count > payload_.size() - position_) std::abort();  // payload size checked before
    const std::string_view taken = payload_.substr(position_, count);
    position_ += count;
    return taken;
  }

  std::string_view payload_;
  std::size_t position_ = 0;
};

class HxPayloadWriter {
 public:
  void u8(std::uint8_t value) { bytes_ += static_cast<char>(value); }
  void u16(std::uint16_t value) {
    u8(static_cast<std::uint8_t>(value >> 8));
    u8(static_cast<std::uint8_t>(value & 0xFF));
  }
  void u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value & 0xFFFF));
  }
  void text(std::string_view value, std::size_t size) {
    bytes_ += value;
    bytes_.append(size - value.size(), '\0');
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

}  // namespace wm::protocols::internal
