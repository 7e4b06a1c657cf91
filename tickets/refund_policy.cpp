// The arithmetic of the refund rules. Money is integer fen; the share is computed in 128
// bits so no product of two int64 can overflow on the way.
#include "tickets/refund_policy.h"

#include <algorithm>

namespace wm::tickets {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

__extension__ using Wide = unsigned __int128;

}  // namespace

std::int64_t local_day(const devices::Site& site, std::int64_t ms) {
  const std::int64_t local = ms + std::int64_t{site.utc_offset_min} * 60'000;
  std::int64_t day = local / kDayMs;
  if (local % kDayMs < 0) --day;
  return day;
}

std::int64_t auto_limit_fen(const RefundPolicy& policy, const devices::Site& site) {
  return site.contract.refund_auto_limit_fen.value_or(policy.auto_limit_fen);
}

std::int64_t undelivered_share_fen(std::int64_t charged_fen, std::int64_t requested_ml,
                                   std::int64_t dispensed_ml) {
  if (charged_fen <= 0 || requested_ml <= 0) return 0;
  const std::int64_t missing =
      requested_ml - std::clamp<std::int64_t>(dispensed_ml, 0, requested_ml);
  const Wide product = static_cast<Wide>(charged_fen) * static_cast<Wide>(missing);
  const auto requested = static_cast<Wide>(requested_ml);
  // <= charged_fen, so it fits back into int64.
  return static_cast<std::int64_t>((product + requested - 1) / requested);
}

bool no_water_evidence(std::int64_t requested_ml, std::int64_t dispensed_ml, bool failure_active) {
  if (requested_ml <= 0) return false;
  const std::int64_t delivered = std::clamp<std::int64_t>(dispensed_ml, 0, requested_ml);
  // 2 * delivered cannot overflow: delivered <= requested_ml <= INT64_MAX, compared as
  // delivered < requested - delivered.
  if (delivered < requested_ml - delivered) return true;
  return failure_active && delivered < requested_ml;
}

bool fully_delivered(std::int64_t requested_ml, std::int64_t dispensed_ml, bool failure_active) {
  return !failure_active && dispensed_ml >= requested_ml;
}

}  // namespace wm::tickets
