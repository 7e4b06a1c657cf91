// GET /hotline/forecast?date=YYYY-MM-DD (API.md; issue 7 item 4): the contacts expected in
// each local hour of the date and the agents Erlang C needs for them.
//
// History: the contacts of the 28 local days before the date, from the ticket store. A
// contact is a person's report: the opening of a ticket from the hotline, the app or the
// mini program (property and sensor tickets are not calls), and each call joined to an open
// ticket or reopening a resolved one (a history entry "join" or "reopen" by a person who is
// not the property manager). Days are local at `site_offset` (default +08:00).
// Conditions: open P1 tickets and sites with an open site_power_outage ticket raise the
// forecast only when the date is today (local); they say nothing about another day.
// Mean handling time: the query's `handle_s`, else 300 s. Calls' durations are not
// recorded yet, so it cannot be measured from history; the answer says where it came from
// ("mean_handle_from": "default" or "query").
// Scope: an operator token forecasts from the tickets of its own sites. Roles: admin,
// agent, operator; others 403.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "gateway/api.h"
#include "gateway/ticket_service.h"
#include "tickets/contact_forecast.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

constexpr int kHistoryDays = 28;
constexpr double kDefaultHandleS = 300;
constexpr int kDefaultOffsetMin = 480;
constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMinutesPerDay = 24 * 60;

bool digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// "YYYY-MM-DD", a real calendar date.
std::optional<std::chrono::year_month_day> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s.substr(0, 4)) || !digits(s.substr(5, 2)) || !digits(s.substr(8, 2))) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{number(s.substr(0, 4))},
                                         std::chrono::month{unsigned(number(s.substr(5, 2)))},
                                         std::chrono::day{unsigned(number(s.substr(8, 2)))}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// "+HH:MM" or "-HH:MM" in minutes, -12:00 to +14:00. A leading space is a '+' that a form
// encoding turned into a space.
std::optional<int> parse_offset(std::string_view s) {
  if (s.size() != 6 || s[3] != ':' || !digits(s.substr(1, 2)) || !digits(s.substr(4, 2))) {
    return std::nullopt;
  }
  const int sign = s[0] == '-' ? -1 : (s[0] == '+' || s[0] == ' ') ? 1 : 0;
  const int hours = number(s.substr(1, 2));
  const int minutes = number(s.substr(4, 2));
  if (sign == 0 || minutes > 59) return std::nullopt;
  const int total = sign * (hours * 60 + minutes);
  if (total < -12 * 60 || total > 14 * 60) return std::nullopt;
  return total;
}

// A number query parameter within [min, max] into `out` (left as it is when absent); false,
// with `error` set to a 400 naming it, when it is not such a number.
bool number_param(const HttpRequest& req, const char* name, double min, double max,
                  const char* what, double& out, HttpResponse& error) {
  const auto* text = req.param(name);
  if (text == nullptr) return true;
  double v = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), v);
  if (r.ec != std::errc() || r.ptr != text->data() + text->size() || !std::isfinite(v) || v < min ||
      v > max) {
    error = error_response(400, "bad_request",
                           std::string(name) + " must be " + what + ", got '" + *text + "'");
    return false;
  }
  out = v;
  return true;
}

std::int64_t local_day(std::int64_t ms, int offset_min) {
  const std::int64_t minutes = ms / kMsPerMinute - (ms % kMsPerMinute < 0 ? 1 : 0) + offset_min;
  return minutes / kMinutesPerDay - (minutes % kMinutesPerDay < 0 ? 1 : 0);
}

bool person_source(tickets::Source s) {
  return s == tickets::Source::kHotline || s == tickets::Source::kApp ||
         s == tickets::Source::kMiniProgram;
}

// A call joined to a ticket or reopening it: by a person, not by the desk's own signals,
// and not a property manager's report (its join note starts with its source).
bool person_call(const tickets::HistoryEntry& e) {
  if (e.action != "join" && e.action != "reopen") return false;
  if (e.actor == "system" || e.actor.starts_with("property")) return false;
  return !e.note.starts_with("property:");
}

std::string offset_text(int minutes) {
  const int a = std::abs(minutes);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

}  // namespace

HttpResponse Api::hotline_forecast(const HttpRequest& req, const Principal& who) {
  if (tickets_ == nullptr) {
    return error_response(503, "unavailable", "the ticket desk is not running");
  }
  if (who.role != Role::kAdmin && who.role != Role::kAgent && who.role != Role::kOperator) {
    return error_response(403, "forbidden",
                          "the staffing forecast is for admin, agent and operator tokens");
  }
  const auto* date_text = req.param("date");
  if (date_text == nullptr) {
    return error_response(400, "bad_request", "date is required: the local day, as YYYY-MM-DD");
  }
  const auto date = parse_date(*date_text);
  if (!date) {
    return error_response(400, "bad_request",
                          "date must be a calendar day as YYYY-MM-DD, got '" + *date_text + "'");
  }
  int offset = kDefaultOffsetMin;
  if (const auto* v = req.param("site_offset")) {
    const auto parsed = parse_offset(*v);
    if (!parsed) {
      return error_response(400, "bad_request",
                            "site_offset must be a UTC offset from -12:00 to +14:00 such as "
                            "+08:00, got '" +
                                *v + "'");
    }
    offset = *parsed;
  }
  tickets::ForecastParams params;
  params.mean_handle_s = kDefaultHandleS;
  HttpResponse error;
  if (!number_param(req, "service_level", 0.01, 0.999, "a share from 0.01 to 0.999 (0.8 = 80%)",
                    params.target_service_level, error) ||
      !number_param(req, "answer_s", 0, 3600, "seconds from 0 to 3600", params.target_answer_s,
                    error) ||
      !number_param(req, "handle_s", 1, 86400, "seconds from 1 to 86400", params.mean_handle_s,
                    error)) {
    return error;
  }

  const std::int64_t now = tickets_->now_ms();
  const std::chrono::sys_days day{*date};
  const bool today = local_day(now, offset) == day.time_since_epoch().count();
  std::vector<std::int64_t> contacts;
  tickets::ForecastConditions conditions;
  std::set<std::string> outage_sites;
  for (const auto& t : tickets_->store().list(tickets::TicketFilter{})) {
    if (!can_see_ticket(who, t)) continue;
    if (person_source(t.source)) contacts.push_back(t.opened_at_ms);
    for (const auto& e : t.history) {
      if (person_call(e)) contacts.push_back(e.at_ms);
    }
    if (today && t.open()) {
      if (t.severity == devices::Severity::kP1) ++conditions.open_p1_tickets;
      if (t.kind == devices::FaultKind::kSitePowerOutage) outage_sites.insert(t.site_id);
    }
  }
  conditions.sites_in_outage = static_cast<int>(outage_sites.size());
  const auto history = tickets::ContactHistory::from_contacts(
      contacts, day - std::chrono::days{kHistoryDays}, kHistoryDays, offset);
  auto hours = tickets::forecast_contacts(history, *date, conditions, params);
  if (!hours.ok()) {
    const auto& e = hours.error();
    return error_response(400, "bad_request", (e.field.empty() ? "" : e.field + ": ") + e.message);
  }

  json items = json::array();
  double total = 0;
  for (const auto& h : hours.value()) {
    total += h.expected_contacts;
    items.push_back({{"hour", h.hour},
                     {"expected_contacts", h.expected_contacts},
                     {"agents_needed", h.agents_needed}});
  }
  std::size_t history_contacts = 0;
  for (const auto& weekday : history.contacts) {
    for (const double c : weekday) history_contacts += static_cast<std::size_t>(c);
  }
  json out = {{"date", *date_text},
              {"site_offset", offset_text(offset)},
              {"hours", std::move(items)},
              {"expected_contacts", total},
              {"mean_handle_s", params.mean_handle_s},
              {"mean_handle_from", req.param("handle_s") != nullptr ? "query" : "default"},
              {"service_level", params.target_service_level},
              {"answer_s", params.target_answer_s},
              {"history_days", kHistoryDays},
              {"history_contacts", history_contacts},
              {"conditions_apply", today},
              {"open_p1_tickets", conditions.open_p1_tickets},
              {"sites_in_outage", conditions.sites_in_outage}};
  return json_response(200, out.dump());
}

}  // namespace wm::gateway
