// Test-only: hx-binary frames built from PROTOCOLS.md section 2 by hand, with a bitwise
// CRC-16/MODBUS written from its definition, so that tests do not check the codec
// against itself.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace wm::protocols::testing {

// CRC-16/MODBUS: reflected polynomial 0xA001, init 0xFFFF, one bit at a time.
inline std::uint16_t reference_crc(std::string_view bytes) {
  std::uint16_t crc = 0xFFFF;
  for (char c : bytes) {
    crc = static_cast<std::uint16_t>(crc ^ static_cast<std::uint8_t>(c));
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<std::uint16_t>((crc & 1) != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1);
    }
  }
  return crc;
}

// Big-endian payload fields.
class Payload {
 public:
  Payload& u8(unsigned value) {
    bytes_ += static_cast<char>(value & 0xFF);
    return *this;
  }
  Payload& u16(unsigned value) { return u8(value >> 8).u8(value); }
  Payload& u32(std::uint32_t value) { return u16(value >> 16).u16(value & 0xFFFF); }
  Payload& text(std::string_view value, std::size_t size = 16) {
    bytes_ += value;
    bytes_.append(size - value.size(), '\0');
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// AA 55 01 command length payload CRC; the header length is the payload's own size.
inline std::string make_frame(std::uint8_t command, const std::string& payload) {
  std::string frame = "\xAA\x55\x01";
  frame += static_cast<char>(command);
  frame += static_cast<char>((payload.size() >> 8) & 0xFF);
  frame += static_cast<char>(payload.size() & 0xFF);
  frame += payload;
  const std::uint16_t crc = reference_crc(std::string_view(frame).substr(2));
  frame += static_cast<char>(crc & 0xFF);
  frame += static_cast<char>(crc >> 8);
  return frame;
}

}  // namespace wm::protocols::testing
