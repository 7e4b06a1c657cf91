#include "protocols/hx_frame.h"

#include <array>

namespace wm::protocols::internal {
namespace {

constexpr std::array<std::uint16_t, 256> make_crc_table() {
  std::array<std::uint16_t, 256> table{};
  for (std::size_t byte = 0; byte < table.size(); ++byte) {
    auto crc = static_cast<std::uint16_t>(byte);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<std::uint16_t>((crc & 1) != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1);
    }
    table[byte] = crc;
  }
  return table;
}
constexpr std::array<std::uint16_t, 256> kCrcTable = make_crc_table();

std::string hex_u16(std::uint16_t value) {
  return "0x" + hex_byte(static_cast<std::uint8_t>(value >> 8)) +
         hex_byte(static_cast<std::uint8_t>(value & 0xFF));
}

}  // namespace

std::string hex_byte(std::uint8_t byte) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  return {kHex[byte >> 4], kHex[byte & 0x0F]};
}

// Checks everything but the payload's fields.
Result<HxFrame> parse_hx_frame(std::string_view frame) {
  const auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(frame[i]); };
  if (frame.size() < kHxHeaderBytes + kHxCrcBytes) {
    return make_error("bad_length", "length",
                      "frame is " + std::to_string(frame.size()) +
                          " bytes, shorter than the 8 bytes of header and CRC: truncated");
  }
  if (at(0) != kHxMagic0 || at(1) != kHxMagic1) {
    return make_error("bad_magic", "magic",
                      "frame must start with AA 55, got " + hex_byte(at(0)) + " " +
                          hex_byte(at(1)) + ": not an HX frame");
  }
  if (at(2) != kHxVersion) {
    return make_error("bad_version", "version",
                      "frame version must be 01, got " + hex_byte(at(2)) +
                          ": the machine speaks a protocol version this gateway does not");
  }
  const std::size_t length = (std::size_t{at(4)} << 8) | at(5);
  if (length > kHxMaxPayloadBytes) {
    return make_error("bad_length", "length",
                      "payload length " + std::to_string(length) + " is over the maximum 1024");
  }
  if (frame.size() != kHxHeaderBytes + length + kHxCrcBytes) {
    return make_error("bad_length", "length",
                      "header gives a payload of " + std::to_string(length) +
                          " bytes, so the frame must be " +
                          std::to_string(kHxHeaderBytes + length + kHxCrcBytes) + " bytes, got " +
                          std::to_string(frame.size()) + " (truncated, or bytes after the CRC)");
  }
  const std::uint16_t computed = hx_crc16(frame.substr(2, kHxHeaderBytes - 2 + length));
  const std::size_t crc_at = kHxHeaderBytes + length;
  const auto carried = static_cast<std::uint16_t>(at(crc_at) | (at(crc_at + 1) << 8));
  if (computed != carried) {
    return make_error("bad_crc", "crc",
                      "CRC-16/MODBUS of the frame is " + hex_u16(computed) + " but it carries " +
                          hex_u16(carried) + ": corrupted in transit");
  }
  return HxFrame{at(3), frame.substr(kHxHeaderBytes, length)};
}

std::string make_hx_frame(HxCommand command, std::string_view payload) {
  std::string frame;
  frame.reserve(kHxHeaderBytes + payload.size() + kHxCrcBytes);
  frame += static_cast<char>(kHxMagic0);
  frame += static_cast<char>(kHxMagic1);
  frame += static_cast<char>(kHxVersion);
  frame += static_cast<char>(command);
  frame += static_cast<char>(payload.size() >> 8);
  frame += static_cast<char>(payload.size() & 0xFF);
  frame += payload;
  const std::uint16_t crc = hx_crc16(std::string_view(frame).substr(2));
  frame += static_cast<char>(crc & 0xFF);
  frame += static_cast<char>(crc >> 8);
  return frame;
}

}  // namespace wm::protocols::internal

namespace wm::protocols {

std::uint16_t hx_crc16(std::string_view bytes) {
  std::uint16_t crc = 0xFFFF;
  for (char c : bytes) {
    crc = static_cast<std::uint16_t>(
        (crc >> 8) ^ internal::kCrcTable[(crc ^ static_cast<std::uint8_t>(c)) & 0xFF]);
  }
  return crc;
}

}  // namespace wm::protocols
