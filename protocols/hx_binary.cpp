// hx-binary (PROTOCOLS.md section 2). A decode checks the frame (size, magic, version,
// length, CRC, command, payload size) before it reads a single field, so that the field
// readers below work on a payload of exactly the command's size.
#include "protocols/hx_binary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

#include "protocols/error_text.h"
#include "protocols/telemetry_fields.h"

namespace wm::protocols {
namespace {

constexpr std::uint8_t kMagic0 = 0xAA;
constexpr std::uint8_t kMagic1 = 0x55;
constexpr std::uint8_t kVersion = 0x01;
constexpr std::size_t kTelemetryBytes = 28;
constexpr std::size_t kDispenseBytes = 52;
constexpr std::size_t kHeartbeatBytes = 8;
constexpr std::size_t kFaultBytes = 12;
constexpr std::size_t kCommandBytes = 8;
constexpr std::int64_t kMaxU16 = 0xFFFF;
constexpr std::int64_t kMaxU32 = 0xFFFFFFFF;

// Flag bits of the telemetry frame.
constexpr std::uint8_t kUvOkBit = 0x01;
constexpr std::uint8_t kLeakBit = 0x02;
constexpr std::uint8_t kDoorBit = 0x04;

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

std::string hex_byte(std::uint8_t byte) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  return {kHex[byte >> 4], kHex[byte & 0x0F]};
}

std::string hex_u16(std::uint16_t value) {
  return "0x" + hex_byte(static_cast<std::uint8_t>(value >> 8)) +
         hex_byte(static_cast<std::uint8_t>(value & 0xFF));
}

// Big-endian fields of a payload whose size the frame checks already fixed: reading past
// the end is a bug in this file, not bad input.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view payload) : payload_(payload) {}

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

class PayloadWriter {
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

struct Frame {
  std::uint8_t command = 0;
  std::string_view payload;
};

// Checks everything but the payload's fields.
Result<Frame> parse_frame(std::string_view frame) {
  const auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(frame[i]); };
  if (frame.size() < kHxHeaderBytes + kHxCrcBytes) {
    return make_error("bad_length", "length",
                      "frame is " + std::to_string(frame.size()) +
                          " bytes, shorter than the 8 bytes of header and CRC: truncated");
  }
  if (at(0) != kMagic0 || at(1) != kMagic1) {
    return make_error("bad_magic", "magic",
                      "frame must start with AA 55, got " + hex_byte(at(0)) + " " +
                          hex_byte(at(1)) + ": not an HX frame");
  }
  if (at(2) != kVersion) {
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
  return Frame{at(3), frame.substr(kHxHeaderBytes, length)};
}

Error wrong_payload_size(std::string_view what, std::size_t expected, std::size_t got) {
  return make_error("bad_length", "length",
                    std::string(what) + " payload must be " + std::to_string(expected) +
                        " bytes, got " + std::to_string(got));
}

Error out_of_range(std::string_view field, std::string message) {
  return make_error("out_of_range", std::string(field), std::move(message));
}

// A NUL-padded ASCII field: 1 to size printable characters, then only NULs.
Result<std::string> read_text(PayloadReader& reader, std::string_view field) {
  const std::string_view raw = reader.bytes(kHxTextBytes);
  const std::size_t end = std::min(raw.find('\0'), raw.size());
  const std::string_view text = raw.substr(0, end);
  const std::string prefix(field);
  if (text.empty()) return out_of_range(field, prefix + " is empty: it must hold 1 to 16 characters");
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) {
      return out_of_range(field, prefix + " must be printable ASCII, got " +
                                     internal::quoted_for_message(text));
    }
  }
  if (raw.find_first_not_of('\0', end) != std::string_view::npos) {
    return out_of_range(field, prefix + " has bytes after its NUL padding: " +
                                   internal::quoted_for_message(raw));
  }
  return std::string(text);
}

Result<HxUplink> read_telemetry(PayloadReader& reader) {
  Telemetry t;
  t.ts_ms = std::int64_t{reader.u32()} * 1000;
  t.seq = reader.u32();
  t.tds_in = reader.u16();
  t.tds_out = reader.u16();
  t.flow_lpm = reader.u16() / 100.0;
  t.pressure_kpa = reader.u16();
  t.temp_c = reader.i16() / 10.0;
  t.tank_pct = reader.u8();
  const std::uint8_t flags = reader.u8();
  t.uv_ok = (flags & kUvOkBit) != 0;
  t.leak = (flags & kLeakBit) != 0;
  t.door = (flags & kDoorBit) != 0;
  t.filter_l = reader.u32();
  t.pump_a = reader.u16() / 1000.0;
  if (std::optional<Error> error = internal::find_telemetry_range_error(t)) return *error;
  return HxUplink(t);
}

Result<HxUplink> read_dispense(PayloadReader& reader) {
  Event e;
  e.ts_ms = std::int64_t{reader.u32()} * 1000;
  e.seq = reader.u32();
  Dispense d;
  Result<std::string> txn = read_text(reader, "txn");
  if (!txn.ok()) return txn.error();
  Result<std::string> card = read_text(reader, "card");
  if (!card.ok()) return card.error();
  d.txn = std::move(txn).value();
  d.card = std::move(card).value();
  d.charged_fen = reader.u32();
  d.requested_ml = reader.u16();
  d.dispensed_ml = reader.u16();
  if (d.requested_ml == 0) {
    return out_of_range("requested_ml", "requested_ml must be an integer >= 1, got 0");
  }
  e.body = std::move(d);
  return HxUplink(std::move(e));
}

Result<HxUplink> read_fault(PayloadReader& reader) {
  Event e;
  e.ts_ms = std::int64_t{reader.u32()} * 1000;
  e.seq = reader.u32();
  const std::uint16_t number = reader.u16();
  const std::uint8_t active = reader.u8();
  const std::optional<FaultCode> code = fault_code_from_number(number);
  if (!code) {
    return out_of_range("code",
                        "fault code number must be 1 to 8 (E01..E08), got " + std::to_string(number));
  }
  if (active > 1) {
    return out_of_range("active", "active must be 0 or 1, got " + std::to_string(active));
  }
  e.body = Fault{*code, active == 1};
  return HxUplink(std::move(e));
}

struct UplinkLayout {
  HxCommand command;
  std::string_view name;
  std::size_t payload_bytes;
  Result<HxUplink> (*read)(PayloadReader&);
};

constexpr std::array<UplinkLayout, 4> kUplinks = {{
    {HxCommand::kTelemetry, "telemetry", kTelemetryBytes, read_telemetry},
    {HxCommand::kDispense, "dispense", kDispenseBytes, read_dispense},
    {HxCommand::kHeartbeat, "heartbeat", kHeartbeatBytes,
     [](PayloadReader& reader) -> Result<HxUplink> {
       Heartbeat h;
       h.ts_ms = std::int64_t{reader.u32()} * 1000;
       h.seq = reader.u32();
       return HxUplink(h);
     }},
    {HxCommand::kFault, "fault", kFaultBytes, read_fault},
}};

// ---- Encoding ----

std::string frame_of(HxCommand command, const std::string& payload) {
  std::string frame;
  frame.reserve(kHxHeaderBytes + payload.size() + kHxCrcBytes);
  frame += static_cast<char>(kMagic0);
  frame += static_cast<char>(kMagic1);
  frame += static_cast<char>(kVersion);
  frame += static_cast<char>(command);
  frame += static_cast<char>(payload.size() >> 8);
  frame += static_cast<char>(payload.size() & 0xFF);
  frame += payload;
  const std::uint16_t crc = hx_crc16(std::string_view(frame).substr(2));
  frame += static_cast<char>(crc & 0xFF);
  frame += static_cast<char>(crc >> 8);
  return frame;
}

// `value` * `scale` rounded to the nearest integer, if it lies in [min, max].
std::optional<std::int64_t> to_wire(double value, double scale, std::int64_t min,
                                    std::int64_t max) {
  const double scaled = value * scale;
  if (!(scaled >= static_cast<double>(min) - 0.5 && scaled < static_cast<double>(max) + 0.5)) {
    return std::nullopt;  // NaN too
  }
  return std::clamp<std::int64_t>(std::llround(scaled), min, max);
}

// Writes the wire value of a double, or fails naming `field`.
struct ScaledWriter {
  PayloadWriter& out;
  std::optional<Error> error;

  void u16(std::string_view field, double value, double scale) {
    if (error) return;
    const std::optional<std::int64_t> wire = to_wire(value, scale, 0, kMaxU16);
    if (!wire) return fail(field, value, "u16");
    out.u16(static_cast<std::uint16_t>(*wire));
  }
  void i16(std::string_view field, double value, double scale) {
    if (error) return;
    const std::optional<std::int64_t> wire = to_wire(value, scale, -32768, 32767);
    if (!wire) return fail(field, value, "i16");
    out.u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(*wire)));
  }
  void u8(std::string_view field, double value) {
    if (error) return;
    const std::optional<std::int64_t> wire = to_wire(value, 1, 0, 0xFF);
    if (!wire) return fail(field, value, "u8");
    out.u8(static_cast<std::uint8_t>(*wire));
  }
  void u32(std::string_view field, std::int64_t value) {
    if (error) return;
    if (value < 0 || value > kMaxU32) return fail(field, static_cast<double>(value), "u32");
    out.u32(static_cast<std::uint32_t>(value));
  }
  void ts(std::int64_t ts_ms) {
    if (error) return;
    if (ts_ms < 0 || ts_ms / 1000 > kMaxU32) {
      return fail("ts", static_cast<double>(ts_ms), "u32 of Unix seconds");
    }
    out.u32(static_cast<std::uint32_t>(ts_ms / 1000));
  }
  void text(std::string_view field, std::string_view value) {
    if (error) return;
    bool printable = !value.empty() && value.size() <= kHxTextBytes;
    for (char c : value) printable = printable && c >= 0x20 && c <= 0x7E;
    if (!printable) {
      error = out_of_range(field, std::string(field) +
                                      " must be 1 to 16 printable ASCII characters to fit a "
                                      "frame, got " +
                                      internal::quoted_for_message(value));
      return;
    }
    out.text(value, kHxTextBytes);
  }
  void fail(std::string_view field, double value, std::string_view wire) {
    error = out_of_range(field, std::string(field) + " " + internal::format_number(value) +
                                    " does not fit the frame's " + std::string(wire));
  }
};

Result<std::string> finish(HxCommand command, const PayloadWriter& payload,
                           const std::optional<Error>& error) {
  if (error) return *error;
  return frame_of(command, payload.bytes());
}

}  // namespace

std::uint16_t hx_crc16(std::string_view bytes) {
  std::uint16_t crc = 0xFFFF;
  for (char c : bytes) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kCrcTable[(crc ^ static_cast<std::uint8_t>(c)) & 0xFF]);
  }
  return crc;
}

Result<HxUplink> decode_hx_uplink(std::string_view bytes) {
  Result<Frame> frame = parse_frame(bytes);
  if (!frame.ok()) return frame.error();
  for (const UplinkLayout& layout : kUplinks) {
    if (static_cast<std::uint8_t>(layout.command) != frame->command) continue;
    if (frame->payload.size() != layout.payload_bytes) {
      return wrong_payload_size(layout.name, layout.payload_bytes, frame->payload.size());
    }
    PayloadReader reader(frame->payload);
    return layout.read(reader);
  }
  return make_error("unknown_command", "command",
                    "command 0x" + hex_byte(frame->command) +
                        " is not one a machine sends (01 telemetry, 02 dispense, 03 heartbeat, "
                        "04 fault)");
}

Result<Command> decode_hx_command(std::string_view bytes) {
  Result<Frame> frame = parse_frame(bytes);
  if (!frame.ok()) return frame.error();
  if (frame->command != static_cast<std::uint8_t>(HxCommand::kCommand)) {
    return make_error("unknown_command", "command",
                      "command 0x" + hex_byte(frame->command) +
                          " is not one the gateway sends (81 command)");
  }
  if (frame->payload.size() != kCommandBytes) {
    return wrong_payload_size("command", kCommandBytes, frame->payload.size());
  }
  PayloadReader reader(frame->payload);
  Command c;
  c.ts_ms = std::int64_t{reader.u32()} * 1000;
  const std::uint8_t action = reader.u8();
  if (action < 1 || action > 3) {
    return out_of_range("action", "action must be 1 (lock), 2 (unlock) or 3 (diagnose), got " +
                                      std::to_string(action));
  }
  c.cmd = static_cast<CommandKind>(action - 1);
  return c;
}

Result<std::string> encode_hx_telemetry(const Telemetry& t) {
  PayloadWriter payload;
  ScaledWriter w{payload, std::nullopt};
  w.ts(t.ts_ms);
  w.u32("seq", t.seq);
  w.u16("tds_in", t.tds_in, 1);
  w.u16("tds_out", t.tds_out, 1);
  w.u16("flow_lpm", t.flow_lpm, 100);
  w.u16("pressure_kpa", t.pressure_kpa, 1);
  w.i16("temp_c", t.temp_c, 10);
  w.u8("tank_pct", t.tank_pct.value_or(0));
  std::uint8_t flags = 0;
  if (t.uv_ok.value_or(false)) flags |= kUvOkBit;
  if (t.leak.value_or(false)) flags |= kLeakBit;
  if (t.door.value_or(false)) flags |= kDoorBit;
  payload.u8(flags);
  w.u32("filter_l", t.filter_l);
  w.u16("pump_a", t.pump_a.value_or(0), 1000);
  payload.u16(0);  // reserved
  return finish(HxCommand::kTelemetry, payload, w.error);
}

Result<std::string> encode_hx_event(const Event& e) {
  PayloadWriter payload;
  ScaledWriter w{payload, std::nullopt};
  w.ts(e.ts_ms);
  w.u32("seq", e.seq);
  if (const auto* d = std::get_if<Dispense>(&e.body)) {
    w.text("txn", d->txn);
    w.text("card", d->card);
    w.u32("charged_fen", d->charged_fen);
    w.u16("requested_ml", static_cast<double>(d->requested_ml), 1);
    w.u16("dispensed_ml", static_cast<double>(d->dispensed_ml), 1);
    payload.u32(0);  // reserved
    return finish(HxCommand::kDispense, payload, w.error);
  }
  if (const auto* f = std::get_if<Fault>(&e.body)) {
    payload.u16(static_cast<std::uint16_t>(f->code));
    payload.u8(f->active ? 1 : 0);
    payload.u8(0);  // reserved
    return finish(HxCommand::kFault, payload, w.error);
  }
  return make_error("unsupported_message", "type",
                    "hx-binary frames carry dispense and fault events only, not " +
                        std::string(event_type(e)));
}

Result<std::string> encode_hx_heartbeat(const Heartbeat& h) {
  PayloadWriter payload;
  ScaledWriter w{payload, std::nullopt};
  w.ts(h.ts_ms);
  w.u32("seq", h.seq);
  return finish(HxCommand::kHeartbeat, payload, w.error);
}

Result<std::string> encode_hx_command(const Command& c) {
  PayloadWriter payload;
  ScaledWriter w{payload, std::nullopt};
  w.ts(c.ts_ms);
  payload.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.cmd) + 1));
  payload.u8(0);   // reserved
  payload.u16(0);  // reserved
  return finish(HxCommand::kCommand, payload, w.error);
}

}  // namespace wm::protocols
