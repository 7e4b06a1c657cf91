// Test-only helpers of the tickets tests: UTC instants from calendar fields and sites with
// known business hours. Calendar arithmetic is done here by hand on purpose: the expected
// values must not come from the code under test.
#pragma once

#include <cstdint>
#include <string>

#include "devices/inventory.h"

namespace wm::tickets::testutil {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Unix ms of a UTC wall time.
constexpr std::int64_t utc(std::int64_t y, unsigned m, unsigned d, int hh, int mm = 0) {
  return (days_from_civil(y, m, d) * 1440 + hh * 60 + mm) * 60'000;
}

// Unix ms of a local wall time at a site `offset_min` east of UTC.
constexpr std::int64_t local(int offset_min, std::int64_t y, unsigned m, unsigned d, int hh,
                             int mm = 0) {
  return utc(y, m, d, hh, mm) - std::int64_t{offset_min} * 60'000;
}

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;

inline devices::Site site(const std::string& id = "s-001",
                          devices::SiteKind kind = devices::SiteKind::kSchool) {
  devices::Site s;
  s.id = id;
  s.name = "Site " + id;
  s.kind = kind;
  s.operator_org = "op-1";
  s.property_org = "pm-7";
  s.utc_offset_min = 480;
  s.business_start_min = 8 * 60;
  s.business_end_min = 20 * 60;
  s.contract.arbiter = "op-9";
  return s;
}

}  // namespace wm::tickets::testutil
