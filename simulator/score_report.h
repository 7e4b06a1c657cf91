// How `wm-sim score` prints a Scorecard (scorer.h): a fixed-width table for people and
// the same figures as JSON for programs. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "simulator/scorer.h"

namespace wm::sim {

// The period, the fleet, one row per fault kind and a total row, then the refunds; a
// figure that has no value (a precision without tickets) is "-". Ends with a newline.
std::string scorecard_table(const Scorecard& card);

// {"period": {"from", "until", "days"}, "machines", "machine_days", "slack_minutes",
//  "people_tickets", "kinds": [row...], "total": row, "refunds": {...}}, a row being
// {"kind", "truths", "tickets", "true_positives", "true_tickets", "duplicate_tickets",
//  "false_tickets", "precision", "recall", "median_lead_h", "median_lead_opened_h",
//  "false_per_1000_machine_days"}; figures without a value are null.
nlohmann::ordered_json scorecard_json(const Scorecard& card);

}  // namespace wm::sim
