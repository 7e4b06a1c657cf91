// hx-binary decoders (PROTOCOLS.md section 2). parse_hx_frame checks the frame (size,
// magic, version, length, CRC) and the command's payload size is checked before a single
// field is read, so the readers below work on a payload of exactly the command's size.
#include "protocols/hx_binary.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "protocols/error_text.h"
#include "protocols/hx_frame.h"
#include "protocols/telemetry_fields.h"

namespace wm::protocols {
namespace {

using internal::HxFrame;
using internal::HxPayloadReader;

Error wrong_payload_size(std::string_view what, std::size_t expected, std::size_t got) {
  return make_error("bad_length", "length",
                    std::string(what) + " payload must be " + std::to_string(expected) +
                        " bytes, got " + std::to_string(got));
}

Error out_of_range(std::string_view field, std::string message) {
  return make_error("out_of_range", std::string(field), std::move(message));
}

// A NUL-padded ASCII field: 1 to size printable characters, then only NULs.
Result<std::string> read_text(HxPayloadReader& reader, std::string_view field) {
  const std::string_view raw = reader.bytes(kHxTextBytes);
  const std::size_t end = std::min(raw.find('\0'), raw.size());
  const std::string_view text = raw.substr(0, end);
  const auto reject = [field](std::string_view what, std::string_view value) {
    return out_of_range(field, std::string(field) + std::string(what) +
                                   (value.empty() ? "" : internal::quoted_for_message(value)));
  };
  if (text.empty()) return reject(" is empty: it must hold 1 to 16 characters", "");
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return reject(" must be printable ASCII, got ", text);
  }
  if (raw.find_first_not_of('\0', end) != std::string_view::npos) {
    return reject(" has bytes after its NUL padding: ", raw);
  }
  return std::string(text);
}

Result<HxUplink> read_telemetry(HxPayloadReader& reader) {
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
  t.uv_ok = (flags & internal::kHxUvOkBit) != 0;
  t.leak = (flags & internal::kHxLeakBit) != 0;
  t.door = (flags & internal::kHxDoorBit) != 0;
  t.filter_l = reader.u32();
  t.pump_a = reader.u16() / 1000.0;
  if (std::optional<Error> error = internal::find_telemetry_range_error(t)) return *error;
  return HxUplink(t);
}

Result<HxUplink> read_dispense(HxPayloadReader& reader) {
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

Result<HxUplink> read_fault(HxPayloadReader& reader) {
  Event e;
  e.ts_ms = std::int64_t{reader.u32()} * 1000;
  e.seq = reader.u32();
  const std::uint16_t number = reader.u16();
  const std::uint8_t active = reader.u8();
  const std::optional<FaultCode> code = fault_code_from_number(number);
  if (!code) {
    return out_of_range(
        "code", "fault code number must be 1 to 8 (E01..E08), got " + std::to_string(number));
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
  Result<HxUplink> (*read)(HxPayloadReader&);
};

constexpr std::array<UplinkLayout, 4> kUplinks = {{
    {HxCommand::kTelemetry, "telemetry", internal::kHxTelemetryBytes, read_telemetry},
    {HxCommand::kDispense, "dispense", internal::kHxDispenseBytes, read_dispense},
    {HxCommand::kHeartbeat, "heartbeat", internal::kHxHeartbeatBytes,
     [](HxPayloadReader& reader) -> Result<HxUplink> {
       Heartbeat h;
       h.ts_ms = std::int64_t{reader.u32()} * 1000;
       h.seq = reader.u32();
       return HxUplink(h);
     }},
    {HxCommand::kFault, "fault", internal::kHxFaultBytes, read_fault},
}};

}  // namespace

Result<HxUplink> decode_hx_uplink(std::string_view bytes) {
  Result<HxFrame> frame = internal::parse_hx_frame(bytes);
  if (!frame.ok()) return frame.error();
  for (const UplinkLayout& layout : kUplinks) {
    if (static_cast<std::uint8_t>(layout.command) != frame->command) continue;
    if (frame->payload.size() != layout.payload_bytes) {
      return wrong_payload_size(layout.name, layout.payload_bytes, frame->payload.size());
    }
    HxPayloadReader reader(frame->payload);
    return layout.read(reader);
  }
  return make_error("unknown_command", "command",
                    "command 0x" + internal::hex_byte(frame->command) +
                        " is not one a machine sends (01 telemetry, 02 dispense, 03 heartbeat, "
                        "04 fault)");
}

Result<Command> decode_hx_command(std::string_view bytes) {
  Result<HxFrame> frame = internal::parse_hx_frame(bytes);
  if (!frame.ok()) return frame.error();
  if (frame->command != static_cast<std::uint8_t>(HxCommand::kCommand)) {
    return make_error("unknown_command", "command",
                      "command 0x" + internal::hex_byte(frame->command) +
                          " is not one the gateway sends (81 command)");
  }
  if (frame->payload.size() != internal::kHxCommandBytes) {
    return wrong_payload_size("command", internal::kHxCommandBytes, frame->payload.size());
  }
  HxPayloadReader reader(frame->payload);
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

}  // namespace wm::protocols
