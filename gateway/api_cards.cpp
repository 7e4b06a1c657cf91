// Cards and refunds (API.md): a card with its balance and recent dispenses and refunds;
// recharge (idempotent on `ref`), report-lost, reissue, close; refund claims with an
// Idempotency-Key; the review queue with approve and reject. The CardDesk decides and
// writes; here are the HTTP shapes, the roles that may call, and the scope of lists.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/api_helpers.h"
#include "gateway/card_json.h"
#include "gateway/ticket_service.h"
#include "tickets/card_desk.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

bool may_use_cards(const Principal& who) { return who.role != Role::kSelfService; }

HttpResponse no_card(const std::string& token) {
  return error_response(404, "not_found", "no card '" + token + "'");
}

json outcome_json(const tickets::CardOutcome& o) {
  json out = card_json(o.card);
  if (o.successor) out["successor"] = card_json(*o.successor);
  json entries = json::array();
  for (const auto& e : o.entries) entries.push_back(ledger_entry_json(e));
  out["entries"] = std::move(entries);
  out["replayed"] = o.replayed;
  return out;
}

std::optional<std::int64_t> integer_field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace

void Api::attach_cards(tickets::CardBook* book, tickets::CardDesk* desk) {
  card_book_ = book;
  card_desk_ = desk;
}

HttpResponse Api::cards_route(const HttpRequest& req, const Principal& who, std::string_view rest) {
  if (card_book_ == nullptr || card_desk_ == nullptr) {
    return error_response(503, "unavailable", "cards are not served by this gateway");
  }
  if (!may_use_cards(who)) {
    return error_response(403, "forbidden",
                          "a selfservice token reads cards through /api/v1/self-service/cards");
  }
  const auto slash = rest.find('/');
  const std::string token(rest.substr(0, slash));
  if (token.empty()) return error_response(404, "not_found", "no such path: " + req.path);
  if (slash == std::string_view::npos) {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    auto card = card_book_->card(token);
    if (!card) return no_card(token);
    return json_response(200, card_view(*card_book_, *card).dump());
  }
  const std::string action(rest.substr(slash + 1));
  if (req.method != "POST") return error_response(405, "method_not_allowed", "use POST");
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  const auto actor = actor_of(who);
  const std::int64_t now = tickets_ != nullptr ? tickets_->now_ms() : clock_.now_ms();
  Result<tickets::CardOutcome> done = make_error("not_found", "action", "");
  if (action == "recharge") {
    auto amount = integer_field(*body, "amount_fen");
    std::string ref;
    if (!string_field(*body, "ref", ref, error)) return error;
    if (!amount) return error_response(400, "bad_request", "amount_fen must be an integer (fen)");
    if (ref.empty()) {
      return error_response(400, "bad_request",
                            "ref is required: the payment reference makes a recharge happen once");
    }
    done = card_desk_->recharge(token, *amount, ref, actor, now);
  } else if (action == "report-lost") {
    if (!card_book_->card(token)) return no_card(token);
    done = card_desk_->report_lost(token, actor, now);
  } else if (action == "reissue") {
    std::string new_token;
    if (!string_field(*body, "new_token", new_token, error)) return error;
    if (new_token.empty()) return error_response(400, "bad_request", "new_token is required");
    if (!card_book_->card(token)) return no_card(token);
    done = card_desk_->reissue(token, new_token, actor, now);
  } else if (action == "close") {
    if (!card_book_->card(token)) return no_card(token);
    done = card_desk_->close(token, actor, now);
  } else {
    return error_response(404, "not_found",
                          "no card action '" + action +
                              "': use recharge, report-lost, reissue or "
                              "close");
  }
  if (!done.ok()) return desk_error(done.error());
  return json_response(200, outcome_json(done.value()).dump());
}

bool Api::can_see_refund(const Principal& who, const tickets::Refund& refund) const {
  if (who.role == Role::kAdmin || who.role == Role::kAgent) return true;
  if (who.role == Role::kSelfService) return false;
  if (!who.org.empty() && refund.reviewer_org == who.org) return true;
  bool visible = false;
  fleet_.read([&](const devices::Inventory& inventory, const TwinView&) {
    if (const auto* site = inventory.site(refund.site_id)) visible = can_see_site(who, *site);
  });
  return visible;
}

HttpResponse Api::refunds_route(const HttpRequest& req, const Principal& who,
                                std::string_view rest) {
  if (card_book_ == nullptr || card_desk_ == nullptr) {
    return error_response(503, "unavailable", "refunds are not served by this gateway");
  }
  if (!may_use_cards(who)) {
    return error_response(403, "forbidden", "a selfservice token may not handle refunds");
  }
  if (rest.empty()) {
    if (req.method == "POST") return claim_refund(req, who);
    if (req.method == "GET") return list_refunds(req, who);
    return error_response(405, "method_not_allowed", "use GET or POST");
  }
  const auto slash = rest.find('/');
  const std::string id(rest.substr(0, slash));
  auto refund = card_book_->refund(id);
  if (!refund || !can_see_refund(who, *refund)) {
    return error_response(404, "not_found", "no refund '" + id + "'");
  }
  if (slash == std::string_view::npos) {
    if (req.method != "GET") return error_response(405, "method_not_allowed", "use GET");
    return json_response(200, refund_json(*refund).dump());
  }
  const std::string action(rest.substr(slash + 1));
  if (action != "approve" && action != "reject") {
    return error_response(404, "not_found",
                          "no refund action '" + action + "': use approve or reject");
  }
  if (req.method != "POST") return error_response(405, "method_not_allowed", "use POST");
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  std::string note;
  if (!string_field(*body, "note", note, error)) return error;
  const std::int64_t now = tickets_ != nullptr ? tickets_->now_ms() : clock_.now_ms();
  auto done = action == "approve" ? card_desk_->approve(id, actor_of(who), note, now)
                                  : card_desk_->reject(id, actor_of(who), note, now);
  if (!done.ok()) return desk_error(done.error());
  return json_response(200, refund_json(done->refund).dump());
}

HttpResponse Api::claim_refund(const HttpRequest& req, const Principal& who) {
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  tickets::RefundClaim claim;
  if (const auto* key = req.header("idempotency-key")) claim.idempotency_key = *key;
  if (!string_field(*body, "card", claim.card, error) ||
      !string_field(*body, "device_id", claim.device_id, error) ||
      !string_field(*body, "txn", claim.txn, error) ||
      !string_field(*body, "reason", claim.reason, error)) {
    return error;
  }
  auto amount = integer_field(*body, "amount_fen");
  if (!amount) return error_response(400, "bad_request", "amount_fen must be an integer (fen)");
  claim.amount_fen = *amount;
  // The canonical body identifies the claim whatever its JSON spelling; hashed so the
  // stored copy stays small.
  claim.body_hash = sha256_hex(tickets::canonical_claim_body(claim));
  const std::int64_t now = tickets_ != nullptr ? tickets_->now_ms() : clock_.now_ms();
  auto done = card_desk_->request_refund(claim, actor_of(who), now);
  if (!done.ok()) return desk_error(done.error());
  if (!done->replayed) {
    metrics_.count("wm_refunds_total",
                   "origin=\"claim\",state=\"" +
                       std::string(tickets::to_string(done->refund.state)) + "\"");
  }
  json out = refund_json(done->refund);
  out["replayed"] = done->replayed;
  return json_response(done->replayed ? 200 : 201, out.dump());
}

HttpResponse Api::list_refunds(const HttpRequest& req, const Principal& who) {
  int limit = 0;
  if (auto bad = read_limit(req, limit)) return *bad;
  tickets::RefundFilter filter;
  if (const auto* v = req.param("state")) {
    if (!(filter.state = tickets::refund_state_from_string(*v))) {
      return error_response(400, "bad_request",
                            "state must be approved, pending_review or rejected, got '" + *v + "'");
    }
  }
  if (const auto* v = req.param("card")) filter.card = *v;
  if (const auto* v = req.param("device")) filter.device_id = *v;
  if (const auto* v = req.param("reviewer")) filter.reviewer_org = *v;
  if (const auto* v = req.param("cursor")) filter.after_id = *v;
  json items = json::array();
  std::optional<std::string> next;
  for (const auto& r : card_book_->list_refunds(filter)) {
    if (!can_see_refund(who, r)) continue;
    if (static_cast<int>(items.size()) == limit) {
      next = items.back()["id"].get<std::string>();
      break;
    }
    items.push_back(refund_json(r));
  }
  json out = {{"items", std::move(items)}, {"next", next ? json(*next) : json(nullptr)}};
  return json_response(200, out.dump());
}

}  // namespace wm::gateway
