// The daily rhythm of a water machine: how many dispenses per hour a typical machine
// sells at a given local time, by the kind of site it stands in.
//
// Shapes follow what operators report: machines are busy 08:00-20:00 local time and
// quiet at night. Schools peak at the morning break, at lunch and when classes end,
// and are nearly idle on weekends. Residential communities peak before and after work
// and are a little busier on weekends. Malls open at 10:00, peak at lunch and dinner,
// and are much busier on weekends. Hourly values are interpolated linearly between
// hour midpoints so that the rate has no steps. Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "simulator/sim_time.h"

namespace wm::sim {

enum class SiteKind : unsigned char { kSchool, kCommunity, kMall };
std::string_view to_string(SiteKind kind);  // "school", "community", "mall"
std::optional<SiteKind> site_kind_from_string(std::string_view name);

// Expected dispenses per hour for a typical machine (popularity 1.0).
double dispenses_per_hour(SiteKind kind, const LocalTime& at);

// The highest value dispenses_per_hour() takes for `kind` on any day: the envelope
// a thinning sampler needs.
double peak_dispenses_per_hour(SiteKind kind);

// Expected dispenses over one local day (the integral of the curve).
double dispenses_per_day(SiteKind kind, bool weekend);

}  // namespace wm::sim
