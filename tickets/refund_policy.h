// The rules of automatic refunds (DESIGN.md "Cards and refunds", issue 6): when the
// telemetry proves a charge without water, how much comes back, and the limits that send
// a refund to review instead. Pure functions of their arguments.
//
// - Evidence: the machine delivered less than half of what was asked (2 * dispensed_ml <
//   requested_ml, exactly: half delivered is NOT evidence), or a dispense_failure / E08
//   was active at the dispense's event time and not everything came out.
// - Amount: the undelivered share of the charge, charged * (requested - dispensed) /
//   requested, rounded UP to the fen (in the customer's favour); 0 when everything came.
// - Automatic approval: amount <= the auto-approval limit (the site contract's
//   refund_auto_limit_fen, else RefundPolicy::auto_limit_fen), the card has no open
//   flag, and fewer than the daily caps of automatic refunds were given to the card and
//   to the machine on that local day. Anything else waits for review.
#pragma once

#include <cstdint>

#include "devices/inventory.h"

namespace wm::tickets {

struct RefundPolicy {
  std::int64_t auto_limit_fen = 2000;  // when the site's contract names none
  int max_auto_per_card_day = 3;       // automatic refunds per card per local day
  int max_auto_per_device_day = 20;    // automatic refunds per machine per local day
  int max_claims_per_card_day = 1;     // claims beyond this on one card in a day: review
};

// What the caps count, for one card and one machine on one local day at the site.
struct RefundCounters {
  int card_auto = 0;    // refunds of the card approved automatically
  int device_auto = 0;  // refunds of the machine approved automatically
  int card_claims = 0;  // claims (POST /refunds) on the card, in any state
  bool operator==(const RefundCounters&) const = default;
};

// Days since 1970-01-01 of `ms` in the site's local time (floor, also before 1970).
std::int64_t local_day(const devices::Site& site, std::int64_t ms);

// The auto-approval limit that holds at `site`.
std::int64_t auto_limit_fen(const RefundPolicy& policy, const devices::Site& site);

// ceil(charged_fen * (requested_ml - min(dispensed_ml, requested_ml)) / requested_ml),
// exact for every int64 input (128-bit intermediate). Requires charged_fen >= 0,
// requested_ml > 0, dispensed_ml >= 0.
std::int64_t undelivered_share_fen(std::int64_t charged_fen, std::int64_t requested_ml,
                                   std::int64_t dispensed_ml);

// The charged-but-no-water evidence (see above).
bool no_water_evidence(std::int64_t requested_ml, std::int64_t dispensed_ml, bool failure_active);

// The machine reports that all the water came out, with no failure active: a claim for it
// is a fraud signal.
bool fully_delivered(std::int64_t requested_ml, std::int64_t dispensed_ml, bool failure_active);

}  // namespace wm::tickets
