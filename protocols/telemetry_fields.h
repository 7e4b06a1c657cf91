// Internal to protocols/: the telemetry fields of PROTOCOLS.md section 1 and their
// ranges, shared by every decoder of telemetry so that a value means and is checked the
// same whatever the wire: wm-json-v1, tb-gateway's "values" objects and hx-binary frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "protocols/flat_json_object.h"
#include "protocols/messages.h"
#include "protocols/result.h"

namespace wm::protocols::internal {

inline constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kMaxSeq = std::numeric_limits<std::uint32_t>::max();

// Ranges of PROTOCOLS.md's telemetry table.
inline constexpr double kMaxTdsPpm = 5000;
inline constexpr double kMaxFlowLpm = 30;
inline constexpr double kMaxPressureKpa = 1000;
inline constexpr double kMinTempC = -10;
inline constexpr double kMaxTempC = 110;
inline constexpr double kMaxTankPct = 100;
inline constexpr double kMaxPumpA = 20;

// Member indexes of a telemetry object are positions in kTelemetryNames.
enum TelemetryMember : std::size_t {
  kTelemetryTs,
  kTelemetrySeq,
  kTdsIn,
  kTdsOut,
  kFlowLpm,
  kPressureKpa,
  kTempC,
  kTankPct,
  kUvOk,
  kFilterL,
  kPumpA,
  kLeak,
  kDoor,
};
inline constexpr std::array<std::string_view, 13> kTelemetryNames = {
    "ts",       "seq",   "tds_in",   "tds_out", "flow_lpm", "pressure_kpa", "temp_c",
    "tank_pct", "uv_ok", "filter_l", "pump_a",  "leak",     "door",
};

// Reads every member but ts and seq (tds_in to door, in table order) into `t`, checking
// types and ranges. Errors stay in `object`, as with its own reads.
void read_telemetry_measurements(FlatJsonObject& object, Telemetry& t);

// For decoders that build a Telemetry from another encoding (hx-binary's scaled
// integers): the first value of tds_in to door outside its range, as the "out_of_range"
// Error a JSON decoder gives for it; nullopt when all are in range.
std::optional<Error> find_telemetry_range_error(const Telemetry& t);

// The members of `t` in table order, with ts only when `with_ts`, seq only when
// t.has_seq, and the optional members only when present.
nlohmann::ordered_json telemetry_json(const Telemetry& t, bool with_ts);

}  // namespace wm::protocols::internal
