#include "gateway/ticket_document.h"

#include <nlohmann/json.hpp>

namespace wm::gateway {
namespace {

using nlohmann::json;
using tickets::Ticket;

json optional_ms(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::optional<std::int64_t> read_optional_ms(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<std::int64_t>();
}

template <class T>
T must(std::optional<T> value, const char* field) {
  if (!value) throw std::invalid_argument(field);
  return *value;
}

}  // namespace

std::string ticket_to_document(const Ticket& t) {
  json history = json::array();
  for (const auto& h : t.history) {
    history.push_back({{"at", h.at_ms},
                       {"actor", h.actor},
                       {"action", h.action},
                       {"from", tickets::to_string(h.from_state)},
                       {"to", tickets::to_string(h.to_state)},
                       {"note", h.note}});
  }
  json evidence = json::array();
  for (const auto& e : t.evidence) {
    evidence.push_back(
        {{"at", e.at_ms}, {"source", tickets::to_string(e.source)}, {"text", e.text}});
  }
  json j = {{"id", t.id},
            {"revision", t.revision},
            {"device_id", t.device_id},
            {"site_id", t.site_id},
            {"site_kind", devices::to_string(t.site_kind)},
            {"kind", devices::to_string(t.kind)},
            {"severity", devices::to_string(t.severity)},
            {"source", tickets::to_string(t.source)},
            {"channel", t.channel},
            {"state", tickets::to_string(t.state)},
            {"party", devices::to_string(t.responsible.party)},
            {"org", t.responsible.org},
            {"assigned_by", t.assigned_by},
            {"detected_at", t.detected_at_ms},
            {"opened_at", t.opened_at_ms},
            {"predicted_failure_at", optional_ms(t.predicted_failure_at_ms)},
            {"ack_due", t.ack_due_ms},
            {"resolve_due", t.resolve_due_ms},
            {"escalation_level", t.escalation_level},
            {"transfers", t.transfers},
            {"dispute", tickets::to_string(t.dispute)},
            {"dispute_reason", t.dispute_reason},
            {"acknowledged_at", optional_ms(t.acknowledged_at_ms)},
            {"resolved_at", optional_ms(t.resolved_at_ms)},
            {"closed_at", optional_ms(t.closed_at_ms)},
            {"healthy_since", optional_ms(t.healthy_since_ms)},
            {"rating", t.rating ? json(*t.rating) : json(nullptr)},
            {"machine_locked", t.machine_locked},
            {"history", std::move(history)},
            {"evidence", std::move(evidence)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Ticket> ticket_from_document(std::string_view document) {
  try {
    const json j = json::parse(document);
    Ticket t;
    t.id = j.at("id").get<std::string>();
    t.revision = j.at("revision").get<std::uint64_t>();
    t.device_id = j.at("device_id").get<std::string>();
    t.site_id = j.at("site_id").get<std::string>();
    t.site_kind =
        must(devices::site_kind_from_string(j.at("site_kind").get<std::string>()), "site_kind");
    t.kind = must(devices::fault_kind_from_string(j.at("kind").get<std::string>()), "kind");
    t.severity =
        must(devices::severity_from_string(j.at("severity").get<std::string>()), "severity");
    t.source = must(tickets::source_from_string(j.at("source").get<std::string>()), "source");
    t.channel = j.at("channel").get<std::string>();
    t.state = must(tickets::ticket_state_from_string(j.at("state").get<std::string>()), "state");
    t.responsible.party =
        must(devices::party_from_string(j.at("party").get<std::string>()), "party");
    t.responsible.org = j.at("org").get<std::string>();
    t.assigned_by = j.at("assigned_by").get<std::string>();
    t.detected_at_ms = j.at("detected_at").get<std::int64_t>();
    t.opened_at_ms = j.at("opened_at").get<std::int64_t>();
    t.predicted_failure_at_ms = read_optional_ms(j, "predicted_failure_at");
    t.ack_due_ms = j.at("ack_due").get<std::int64_t>();
    t.resolve_due_ms = j.at("resolve_due").get<std::int64_t>();
    t.escalation_level = j.at("escalation_level").get<int>();
    t.transfers = j.at("transfers").get<int>();
    t.dispute =
        must(tickets::dispute_state_from_string(j.at("dispute").get<std::string>()), "dispute");
    t.dispute_reason = j.at("dispute_reason").get<std::string>();
    t.acknowledged_at_ms = read_optional_ms(j, "acknowledged_at");
    t.resolved_at_ms = read_optional_ms(j, "resolved_at");
    t.closed_at_ms = read_optional_ms(j, "closed_at");
    t.healthy_since_ms = read_optional_ms(j, "healthy_since");
    if (!j.at("rating").is_null()) t.rating = j.at("rating").get<int>();
    t.machine_locked = j.at("machine_locked").get<bool>();
    for (const auto& h : j.at("history")) {
      t.history.push_back(tickets::HistoryEntry{
          h.at("at").get<std::int64_t>(), h.at("actor").get<std::string>(),
          h.at("action").get<std::string>(),
          must(tickets::ticket_state_from_string(h.at("from").get<std::string>()), "history.from"),
          must(tickets::ticket_state_from_string(h.at("to").get<std::string>()), "history.to"),
          h.at("note").get<std::string>()});
    }
    for (const auto& e : j.at("evidence")) {
      t.evidence.push_back(tickets::Evidence{
          e.at("at").get<std::int64_t>(),
          must(tickets::source_from_string(e.at("source").get<std::string>()), "evidence.source"),
          e.at("text").get<std::string>()});
    }
    return t;
  } catch (const std::exception& e) {
    return make_error("corrupt_ticket", "document",
                      std::string("stored ticket document cannot be read: ") + e.what());
  }
}

}  // namespace wm::gateway
