#include "simulator/score_report.h"

#include <cstdio>
#include <optional>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using nlohmann::ordered_json;

std::string fixed(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string figure(const std::optional<double>& value, const char* format) {
  return value ? fixed(format, *value) : std::string("-");
}

ordered_json or_null(const std::optional<double>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

std::string row(const KindScore& s) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf, "%-22s %6llu %7llu %6llu %5llu %6llu %9s %7s %9s %9s %10s\n", s.kind.c_str(),
      static_cast<unsigned long long>(s.truths), static_cast<unsigned long long>(s.tickets),
      static_cast<unsigned long long>(s.matched),
      static_cast<unsigned long long>(s.duplicate_tickets),
      static_cast<unsigned long long>(s.false_tickets), figure(s.precision, "%.3f").c_str(),
      figure(s.recall, "%.3f").c_str(), figure(s.median_lead_h, "%.2f").c_str(),
      figure(s.median_lead_opened_h, "%.2f").c_str(),
      fixed("%.2f", s.false_per_1000_machine_days).c_str());
  return buf;
}

ordered_json row_json(const KindScore& s) {
  ordered_json j;
  j["kind"] = s.kind;
  j["truths"] = s.truths;
  j["tickets"] = s.tickets;
  j["true_positives"] = s.matched;
  j["true_tickets"] = s.true_tickets;
  j["duplicate_tickets"] = s.duplicate_tickets;
  j["false_tickets"] = s.false_tickets;
  j["precision"] = or_null(s.precision);
  j["recall"] = or_null(s.recall);
  j["median_lead_h"] = or_null(s.median_lead_h);
  j["median_lead_opened_h"] = or_null(s.median_lead_opened_h);
  j["false_per_1000_machine_days"] = s.false_per_1000_machine_days;
  return j;
}

double days_of(const Scorecard& card) {
  return static_cast<double>(card.until_ms - card.from_ms) / static_cast<double>(kMsPerDay);
}

}  // namespace

std::string scorecard_table(const Scorecard& card) {
  std::string out = "period " + format_iso8601_ms(card.from_ms) + " .. " +
                    format_iso8601_ms(card.until_ms) + " (" + fixed("%.2f", days_of(card)) +
                    " days), " + std::to_string(card.machines) +
                    " machines = " + fixed("%.1f", card.machine_days) + " machine-days, slack " +
                    std::to_string(card.slack_ms / kMsPerMinute) + " min" +
                    (card.counted_by_failure ? ", truth lines counted by failure" : "") + "\n\n";
  char head[256];
  std::snprintf(head, sizeof head, "%-22s %6s %7s %6s %5s %6s %9s %7s %9s %9s %10s\n", "kind",
                "truth", "tickets", "TP", "dup", "false", "precision", "recall", "lead_h",
                "lead_op_h", "false/1kmd");
  out += head;
  for (const KindScore& s : card.kinds) out += row(s);
  out += row(card.total);
  out += "(" + std::to_string(card.people_tickets) +
         " tickets from people ignored; lead = failure - detection, in hours, median)\n\n";

  const RefundScore& r = card.refunds;
  char refunds[512];
  std::snprintf(
      refunds, sizeof refunds,
      "refunds of sales charged without water (dispense_failure)\n"
      "%11s %8s %8s %6s %5s %8s %7s %9s %9s %7s\n"
      "%11llu %8llu %8llu %6llu %5llu %8llu %7llu %9llu %9s %7s\n",
      "short_sales", "refunds", "pending", "true", "once", "doubles", "missed", "rejected",
      "precision", "recall", static_cast<unsigned long long>(r.short_sales),
      static_cast<unsigned long long>(r.refunds), static_cast<unsigned long long>(r.pending_review),
      static_cast<unsigned long long>(r.true_refunds),
      static_cast<unsigned long long>(r.refunded_once), static_cast<unsigned long long>(r.doubles),
      static_cast<unsigned long long>(r.missed), static_cast<unsigned long long>(r.rejected),
      figure(r.precision, "%.3f").c_str(), figure(r.recall, "%.3f").c_str());
  out += refunds;
  return out;
}

ordered_json scorecard_json(const Scorecard& card) {
  ordered_json j;
  j["period"] = {{"from", format_iso8601_ms(card.from_ms)},
                 {"until", format_iso8601_ms(card.until_ms)},
                 {"days", days_of(card)}};
  j["machines"] = card.machines;
  j["machine_days"] = card.machine_days;
  j["slack_minutes"] = card.slack_ms / kMsPerMinute;
  j["counted_by"] = card.counted_by_failure ? "failure" : "onset";
  j["people_tickets"] = card.people_tickets;
  j["kinds"] = ordered_json::array();
  for (const KindScore& s : card.kinds) j["kinds"].push_back(row_json(s));
  j["total"] = row_json(card.total);
  const RefundScore& r = card.refunds;
  j["refunds"] = {{"short_sales", r.short_sales},
                  {"refunds", r.refunds},
                  {"pending_review", r.pending_review},
                  {"rejected", r.rejected},
                  {"true_refunds", r.true_refunds},
                  {"refunded_once", r.refunded_once},
                  {"doubles", r.doubles},
                  {"missed", r.missed},
                  {"precision", or_null(r.precision)},
                  {"recall", or_null(r.recall)}};
  return j;
}

}  // namespace wm::sim
