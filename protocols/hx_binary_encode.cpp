// hx-binary encoders (PROTOCOLS.md section 2): messages.h values to wire units, refused
// when they do not fit their field (see hx_binary.h).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "protocols/error_text.h"
#include "protocols/hx_binary.h"
#include "protocols/hx_frame.h"

namespace wm::protocols {
namespace {

using internal::HxPayloadWriter;

constexpr std::int64_t kMaxU16 = 0xFFFF;
constexpr std::int64_t kMaxU32 = 0xFFFFFFFF;

Error out_of_range(std::string_view field, std::string message) {
  return make_error("out_of_range", std::string(field), std::move(message));
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
  HxPayloadWriter& out;
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

Result<std::string> finish(HxCommand command, const HxPayloadWriter& payload,
                           const std::optional<Error>& error) {
  if (error) return *error;
  return internal::make_hx_frame(command, payload.bytes());
}

}  // namespace

Result<std::string> encode_hx_telemetry(const Telemetry& t) {
  HxPayloadWriter payload;
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
  if (t.uv_ok.value_or(false)) flags |= internal::kHxUvOkBit;
  if (t.leak.value_or(false)) flags |= internal::kHxLeakBit;
  if (t.door.value_or(false)) flags |= internal::kHxDoorBit;
  payload.u8(flags);
  w.u32("filter_l", t.filter_l);
  w.u16("pump_a", t.pump_a.value_or(0), 1000);
  payload.u16(0);  // reserved
  return finish(HxCommand::kTelemetry, payload, w.error);
}

Result<std::string> encode_hx_event(const Event& e) {
  HxPayloadWriter payload;
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
  return make_error(
      "unsupported_message", "type",
      "hx-binary frames carry dispense and fault events only, not " + std::string(event_type(e)));
}

Result<std::string> encode_hx_heartbeat(const Heartbeat& h) {
  HxPayloadWriter payload;
  ScaledWriter w{payload, std::nullopt};
  w.ts(h.ts_ms);
  w.u32("seq", h.seq);
  return finish(HxCommand::kHeartbeat, payload, w.error);
}

Result<std::string> encode_hx_command(const Command& c) {
  HxPayloadWriter payload;
  ScaledWriter w{payload, std::nullopt};
  w.ts(c.ts_ms);
  payload.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.cmd) + 1));
  payload.u8(0);   // reserved
  payload.u16(0);  // reserved
  return finish(HxCommand::kCommand, payload, w.error);
}

}  // namespace wm::protocols
