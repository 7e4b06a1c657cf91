#include "gateway/ticket_json.h"

#include "gateway/time_format.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? json(format_rfc3339(*ms)) : json(nullptr);
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json distribution_json(const tickets::Distribution& d) {
  return {{"count", d.count},
          {"mean", optional_number(d.mean)},
          {"p50", optional_number(d.p50)},
          {"p90", optional_number(d.p90)}};
}

json attainment_json(const tickets::Attainment& a) {
  return {{"met", a.met}, {"missed", a.missed}, {"ratio", optional_number(a.ratio())}};
}

json group_json(const tickets::GroupStats& g) {
  return {{"group", g.group},
          {"tickets", g.tickets},
          {"first_response_s", distribution_json(g.first_response_s)},
          {"resolution_s", distribution_json(g.resolution_s)},
          {"transfers_per_ticket", g.transfers_per_ticket},
          {"ack_sla", attainment_json(g.ack_sla)},
          {"resolve_sla", attainment_json(g.resolve_sla)},
          {"ratings", g.ratings},
          {"satisfaction", optional_number(g.satisfaction)}};
}

}  // namespace

json ticket_json(const tickets::Ticket& t, TicketDetail detail) {
  json j = {{"id", t.id},
            {"device_id", t.device_id},
            {"site_id", t.site_id},
            {"site_kind", devices::to_string(t.site_kind)},
            {"kind", devices::to_string(t.kind)},
            {"severity", devices::to_string(t.severity)},
            {"source", tickets::to_string(t.source)},
            {"channel", t.channel},
            {"state", tickets::to_string(t.state)},
            {"responsible",
             {{"party", devices::to_string(t.responsible.party)}, {"org", t.responsible.org}}},
            {"assigned_by", t.assigned_by},
            {"detected_at", format_rfc3339(t.detected_at_ms)},
            {"opened_at", format_rfc3339(t.opened_at_ms)},
            {"predicted_failure_at", time_or_null(t.predicted_failure_at_ms)},
            {"ack_due", format_rfc3339(t.ack_due_ms)},
            {"resolve_due", format_rfc3339(t.resolve_due_ms)},
            {"escalation_level", t.escalation_level},
            {"transfers", t.transfers},
            {"dispute", tickets::to_string(t.dispute)},
            {"acknowledged_at", time_or_null(t.acknowledged_at_ms)},
            {"resolved_at", time_or_null(t.resolved_at_ms)},
            {"closed_at", time_or_null(t.closed_at_ms)},
            {"healthy_since", time_or_null(t.healthy_since_ms)},
            {"rating", t.rating ? json(*t.rating) : json(nullptr)},
            {"machine_locked", t.machine_locked}};
  if (!t.dispute_reason.empty()) j["dispute_reason"] = t.dispute_reason;
  if (detail == TicketDetail::kSummary) return j;
  json history = json::array();
  for (const auto& h : t.history) {
    history.push_back({{"at", format_rfc3339(h.at_ms)},
                       {"actor", h.actor},
                       {"action", h.action},
                       {"from", tickets::to_string(h.from_state)},
                       {"to", tickets::to_string(h.to_state)},
                       {"note", h.note}});
  }
  json evidence = json::array();
  for (const auto& e : t.evidence) {
    evidence.push_back({{"at", format_rfc3339(e.at_ms)},
                        {"source", tickets::to_string(e.source)},
                        {"text", e.text}});
  }
  j["history"] = std::move(history);
  j["evidence"] = std::move(evidence);
  return j;
}

json service_stats_json(const tickets::ServiceStats& stats, tickets::StatsGroupBy group_by) {
  json groups = json::array();
  for (const auto& g : stats.groups) groups.push_back(group_json(g));
  return {{"group_by", tickets::to_string(group_by)},
          {"groups", std::move(groups)},
          {"total", group_json(stats.total)}};
}

}  // namespace wm::gateway
