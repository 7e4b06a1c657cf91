#include "simulator/gateway_reader.h"

#include <optional>
#include <set>
#include <utility>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using nlohmann::json;

Result<std::string> text_field(const json& item, const char* key) {
  const auto it = item.find(key);
  if (it == item.end()) return make_error("missing_field", key, std::string("no ") + key);
  if (!it->is_string()) return make_error("wrong_type", key, std::string(key) + " is a string");
  return it->get<std::string>();
}

Result<std::int64_t> time_field(const json& item, const char* key) {
  auto text = text_field(item, key);
  if (!text.ok()) return text.error();
  const auto ms = parse_iso8601_ms(*text);
  if (!ms) return make_error("out_of_range", key, std::string(key) + " is not an RFC 3339 time");
  return *ms;
}

// The gateway's own sentence for a refused request, when its body has one.
std::string gateway_message(const std::string& body) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
    const json& error = doc["error"];
    if (error.contains("message") && error["message"].is_string()) {
      return error["message"].get<std::string>();
    }
  }
  return body.substr(0, 200);
}

}  // namespace

Result<TicketRecord> ticket_record_from_json(const json& item) {
  if (!item.is_object()) return make_error("wrong_type", "ticket", "a ticket is an object");
  TicketRecord t;
  auto id = text_field(item, "id");
  if (!id.ok()) return id.error();
  t.id = std::move(id).value();
  for (auto [key, into] : {std::pair{"device_id", &t.subject}, std::pair{"kind", &t.kind},
                           std::pair{"source", &t.source}}) {
    auto text = text_field(item, key);
    if (!text.ok()) return text.error();
    *into = std::move(text).value();
  }
  auto detected = time_field(item, "detected_at");
  if (!detected.ok()) return detected.error();
  t.detected_ms = *detected;
  auto opened = time_field(item, "opened_at");
  if (!opened.ok()) return opened.error();
  t.opened_ms = *opened;
  return t;
}

std::vector<std::int64_t> machine_evidence_times(const json& ticket) {
  std::vector<std::int64_t> out;
  const auto evidence = ticket.find("evidence");
  if (evidence == ticket.end() || !evidence->is_array()) return out;
  for (const json& e : *evidence) {
    if (!e.is_object()) continue;
    auto source = text_field(e, "source");
    if (!source.ok() || from_people(*source)) continue;
    if (auto at = time_field(e, "at"); at.ok()) out.push_back(*at);
  }
  return out;
}

Result<RefundRecord> refund_record_from_json(const json& item) {
  if (!item.is_object()) return make_error("wrong_type", "refund", "a refund is an object");
  RefundRecord r;
  for (auto [key, into] : {std::pair{"id", &r.id}, std::pair{"device_id", &r.device},
                           std::pair{"txn", &r.txn}, std::pair{"state", &r.state}}) {
    auto text = text_field(item, key);
    if (!text.ok()) return text.error();
    *into = std::move(text).value();
  }
  auto created = time_field(item, "created_at");
  if (!created.ok()) return created.error();
  r.created_ms = *created;
  return r;
}

GatewayReader::GatewayReader(HttpUrl url, std::string token)
    : url_(std::move(url)), token_(std::move(token)) {}

Result<json> GatewayReader::get_json(const std::string& target) {
  ++requests_;
  auto answer = http_get(url_, target, {{"Authorization", "Bearer " + token_}});
  if (!answer.ok()) return answer.error();
  if (answer->status == 401) {
    return make_error("unauthorized", "token",
                      "the gateway refused the token: create one with `wm-gateway token add "
                      "--db DB --role admin`");
  }
  if (answer->status != 200) {
    return make_error("http_status", target,
                      "GET " + target + " answered " + std::to_string(answer->status) + ": " +
                          gateway_message(answer->body));
  }
  json doc = json::parse(answer->body, nullptr, false);
  if (doc.is_discarded()) {
    return make_error("malformed_json", target, "GET " + target + " did not answer JSON");
  }
  return doc;
}

Result<std::vector<json>> GatewayReader::all_items(const std::string& path) {
  std::vector<json> items;
  std::set<std::string> cursors;
  std::optional<std::string> cursor;
  for (;;) {
    std::string target = path + "?limit=1000";
    if (cursor) target += "&cursor=" + query_escape(*cursor);
    auto page = get_json(target);
    if (!page.ok()) return page.error();
    if (!page->is_object() || !page->contains("items") || !(*page)["items"].is_array()) {
      return make_error("wrong_type", path, "GET " + path + " did not answer {\"items\": [...]}");
    }
    for (json& item : (*page)["items"]) items.push_back(std::move(item));
    const json& next = (*page)["next"];
    if (!next.is_string()) return items;
    cursor = next.get<std::string>();
    if (!cursors.insert(*cursor).second) {
      return make_error("out_of_range", path, "GET " + path + " repeated the cursor " + *cursor);
    }
  }
}

Result<std::vector<TicketRecord>> GatewayReader::tickets(bool evidence) {
  auto items = all_items("/api/v1/tickets");
  if (!items.ok()) return items.error();
  std::vector<TicketRecord> out;
  out.reserve(items->size());
  for (const json& item : *items) {
    auto ticket = ticket_record_from_json(item);
    if (!ticket.ok()) {
      Error e = ticket.error();
      e.message = "a ticket of GET /api/v1/tickets: " + e.message;
      return e;
    }
    if (evidence && !from_people(ticket->source)) {
      auto detail = get_json("/api/v1/tickets/" + query_escape(ticket->id));
      if (!detail.ok()) return detail.error();
      ticket->sightings_ms = machine_evidence_times(*detail);
    }
    out.push_back(std::move(ticket).value());
  }
  return out;
}

Result<std::vector<RefundRecord>> GatewayReader::refunds() {
  auto items = all_items("/api/v1/refunds");
  if (!items.ok()) return items.error();
  std::vector<RefundRecord> out;
  out.reserve(items->size());
  for (const json& item : *items) {
    auto refund = refund_record_from_json(item);
    if (!refund.ok()) {
      Error e = refund.error();
      e.message = "a refund of GET /api/v1/refunds: " + e.message;
      return e;
    }
    out.push_back(std::move(refund).value());
  }
  return out;
}

Result<std::uint64_t> GatewayReader::device_count() {
  auto items = all_items("/api/v1/devices");
  if (!items.ok()) return items.error();
  return static_cast<std::uint64_t>(items->size());
}

}  // namespace wm::sim
