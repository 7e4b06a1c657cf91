#include "gateway/card_json.h"

#include <algorithm>

#include "gateway/time_format.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? json(format_rfc3339(*ms)) : json(nullptr);
}

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

json card_json(const tickets::Card& c) {
  return {{"token", c.token},
          {"state", tickets::to_string(c.state)},
          {"balance_fen", c.balance_fen},
          {"flagged", c.flagged},
          {"flags", c.flag_count},
          {"created_at", format_rfc3339(c.created_at_ms)},
          {"lost_at", time_or_null(c.lost_at_ms)},
          {"closed_at", time_or_null(c.closed_at_ms)},
          {"reissued_to", text_or_null(c.reissued_to)},
          {"reissued_from", text_or_null(c.reissued_from)}};
}

json ledger_entry_json(const tickets::LedgerEntry& e) {
  json j = {{"seq", e.seq},
            {"kind", tickets::to_string(e.kind)},
            {"amount_fen", e.amount_fen},
            {"balance_after_fen", e.balance_after_fen},
            {"at", format_rfc3339(e.at_ms)},
            {"ref", text_or_null(e.ref)}};
  if (!e.device_id.empty()) j["device_id"] = e.device_id;
  if (!e.txn.empty()) j["txn"] = e.txn;
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

json dispense_json(const tickets::DispenseRecord& d) {
  return {{"type", "dispense"},
          {"device_id", d.device_id},
          {"site_id", d.site_id},
          {"txn", d.txn},
          {"at", format_rfc3339(d.ts_ms)},
          {"charged_fen", d.charged_fen},
          {"applied_fen", d.applied_fen},
          {"outcome", tickets::to_string(d.outcome)},
          {"requested_ml", d.requested_ml},
          {"dispensed_ml", d.dispensed_ml},
          {"failure_active", d.failure_active},
          {"suspicious", d.suspicious}};
}

json refund_json(const tickets::Refund& r) {
  json reasons = json::array();
  for (const auto& why : r.review_reasons) reasons.push_back(why);
  return {{"type", "refund"},
          {"id", r.id},
          {"state", tickets::to_string(r.state)},
          {"amount_fen", r.amount_fen},
          {"card", r.card},
          {"device_id", r.device_id},
          {"txn", r.txn},
          {"site_id", r.site_id},
          {"origin", tickets::to_string(r.origin)},
          {"auto_approved", r.auto_approved},
          {"review_reasons", std::move(reasons)},
          {"reviewer",
           {{"party", devices::to_string(r.reviewer_party)},
            {"org", r.reviewer_org},
            {"rule", r.reviewer_rule}}},
          {"reason", r.reason},
          {"evidence", r.evidence},
          {"ticket_id", text_or_null(r.ticket_id)},
          {"requested_by", r.requested_by},
          {"created_at", format_rfc3339(r.created_at_ms)},
          {"decided_at", time_or_null(r.decided_at_ms)},
          {"decided_by", text_or_null(r.decided_by)},
          {"decision_note", text_or_null(r.decision_note)}};
}

json card_flag_json(const tickets::CardFlag& f) {
  return {{"reason", tickets::to_string(f.reason)},
          {"device_id", text_or_null(f.device_id)},
          {"txn", text_or_null(f.txn)},
          {"amount_fen", f.amount_fen},
          {"at", format_rfc3339(f.at_ms)},
          {"note", f.note}};
}

json card_view(const tickets::CardBook& book, const tickets::Card& card) {
  constexpr std::size_t kRecent = 20;
  json out = card_json(card);
  std::vector<std::pair<std::string, json>> recent;  // (RFC 3339 time, item)
  for (const auto& d : book.dispenses_of_card(card.token, kRecent)) {
    json j = dispense_json(d);
    const std::int64_t committed =
        tickets::committed_fen(book.refunds_of_dispense(d.device_id, d.txn));
    const std::int64_t left = std::max<std::int64_t>(0, d.applied_fen - committed);
    j["refundable_fen"] = left;
    j["refund_eligible"] = left > 0 && d.dispensed_ml < d.requested_ml;
    std::string at = j["at"];
    recent.emplace_back(std::move(at), std::move(j));
  }
  tickets::RefundFilter mine;
  mine.card = card.token;
  for (const auto& r : book.list_refunds(mine)) {
    json j = refund_json(r);
    std::string at = j["created_at"];
    recent.emplace_back(std::move(at), std::move(j));
  }
  std::stable_sort(recent.begin(), recent.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (recent.size() > kRecent) recent.resize(kRecent);
  json items = json::array();
  for (auto& [at, item] : recent) items.push_back(std::move(item));
  out["recent"] = std::move(items);
  json ledger = json::array();
  for (const auto& e : book.ledger(card.token, 0, kRecent)) ledger.push_back(ledger_entry_json(e));
  out["ledger"] = std::move(ledger);
  json flags = json::array();
  for (const auto& f : book.flags(card.token)) flags.push_back(card_flag_json(f));
  out["flag_list"] = std::move(flags);
  return out;
}

}  // namespace wm::gateway
