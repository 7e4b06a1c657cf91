#include "protocols/telemetry_fields.h"

#include <string>

#include "protocols/error_text.h"

namespace wm::protocols::internal {
namespace {

// The message FlatJsonObject::read_number gives, for values that did not come as JSON.
std::optional<Error> range_error(TelemetryMember member, double value, double min, double max) {
  if (value >= min && value <= max) return std::nullopt;
  const std::string name(kTelemetryNames[member]);
  return make_error("out_of_range", name,
                    name + " must be a number from " + format_number(min) + " to " +
                        format_number(max) + ", got " + format_number(value));
}

}  // namespace

void read_telemetry_measurements(FlatJsonObject& object, Telemetry& t) {
  object.read_number(kTdsIn, 0, kMaxTdsPpm, t.tds_in);
  object.read_number(kTdsOut, 0, kMaxTdsPpm, t.tds_out);
  object.read_number(kFlowLpm, 0, kMaxFlowLpm, t.flow_lpm);
  object.read_number(kPressureKpa, 0, kMaxPressureKpa, t.pressure_kpa);
  object.read_number(kTempC, kMinTempC, kMaxTempC, t.temp_c);
  object.read_optional_number(kTankPct, 0, kMaxTankPct, t.tank_pct);
  object.read_optional_boolean(kUvOk, t.uv_ok);
  object.read_integer(kFilterL, 0, kMaxInt64, t.filter_l);
  object.read_optional_number(kPumpA, 0, kMaxPumpA, t.pump_a);
  object.read_optional_boolean(kLeak, t.leak);
  object.read_optional_boolean(kDoor, t.door);
}

std::optional<Error> find_telemetry_range_error(const Telemetry& t) {
  const std::optional<Error> errors[] = {
      range_error(kTdsIn, t.tds_in, 0, kMaxTdsPpm),
      range_error(kTdsOut, t.tds_out, 0, kMaxTdsPpm),
      range_error(kFlowLpm, t.flow_lpm, 0, kMaxFlowLpm),
      range_error(kPressureKpa, t.pressure_kpa, 0, kMaxPressureKpa),
      range_error(kTempC, t.temp_c, kMinTempC, kMaxTempC),
      t.tank_pct ? range_error(kTankPct, *t.tank_pct, 0, kMaxTankPct) : std::nullopt,
      t.pump_a ? range_error(kPumpA, *t.pump_a, 0, kMaxPumpA) : std::nullopt,
  };
  for (const std::optional<Error>& error : errors) {
    if (error) return error;
  }
  if (t.filter_l < 0) {
    return make_error("out_of_range", "filter_l",
                      "filter_l must be an integer >= 0, got " + std::to_string(t.filter_l));
  }
  return std::nullopt;
}

nlohmann::ordered_json telemetry_json(const Telemetry& t, bool with_ts) {
  nlohmann::ordered_json j;
  if (with_ts) j["ts"] = t.ts_ms;
  if (t.has_seq) j["seq"] = t.seq;
  j["tds_in"] = t.tds_in;
  j["tds_out"] = t.tds_out;
  j["flow_lpm"] = t.flow_lpm;
  j["pressure_kpa"] = t.pressure_kpa;
  j["temp_c"] = t.temp_c;
  if (t.tank_pct) j["tank_pct"] = *t.tank_pct;
  if (t.uv_ok) j["uv_ok"] = *t.uv_ok;
  j["filter_l"] = t.filter_l;
  if (t.pump_a) j["pump_a"] = *t.pump_a;
  if (t.leak) j["leak"] = *t.leak;
  if (t.door) j["door"] = *t.door;
  return j;
}

}  // namespace wm::protocols::internal
