// The hotline's endpoints (issue 7): the one-box look-up an agent types into while the
// caller waits, the call classifier, and the self-service card answer for an IVR or a
// mini program.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/api_helpers.h"
#include "gateway/card_json.h"
#include "gateway/hotline_classifier.h"
#include "gateway/ticket_json.h"
#include "gateway/ticket_service.h"
#include "gateway/twin_annotations.h"
#include "tickets/call_text.h"
#include "tickets/card_book.h"
#include "tickets/danger_words.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDevices = 50;  // a site-name match lists at most this many machines

// ASCII only, as machine_id_key: names in Chinese have no case, and std::tolower would
// ask the locale for every character of every site name.
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

std::string yuan(std::int64_t fen) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(fen / 100),
                static_cast<long long>(fen % 100));
  return buf;
}

// Adds to `found` every device whose id tickets::machine_id_key turns into `key` (a key
// already: lower case, no '-' or '_'). The map is sorted by id, so instead of building the
// key of every machine of the fleet under the fleet's lock, the walk extends an id prefix
// one character at a time (the key's next character in either case, or a separator) and
// drops a prefix that no id starts with: a few dozen map look-ups instead of 10k keys.
void devices_with_key(const std::map<std::string, devices::Device, std::less<>>& devices,
                      std::string& prefix, std::string_view key,
                      std::vector<const devices::Device*>& found) {
  const auto it = devices.lower_bound(prefix);
  if (it == devices.end() || !it->first.starts_with(prefix)) return;
  if (key.empty() && it->first == prefix) found.push_back(&it->second);
  std::string next = "-_";
  if (!key.empty()) {
    next.push_back(key[0]);
    if (key[0] >= 'a' && key[0] <= 'z') next.push_back(static_cast<char>(key[0] - 'a' + 'A'));
  }
  for (const char c : next) {
    prefix.push_back(c);
    devices_with_key(devices, prefix, c == '-' || c == '_' ? key : key.substr(1), found);
    prefix.pop_back();
  }
}

// Whether `text` contains `needle_lower` ignoring ASCII case, without a lower-case copy.
bool contains_ignoring_case(std::string_view text, std::string_view needle_lower) {
  return std::search(text.begin(), text.end(), needle_lower.begin(), needle_lower.end(),
                     [](char a, char b) { return ascii_lower(a) == b; }) != text.end();
}

// The open tickets of these machines (one indexed query for all), each machine's in turn,
// and in `index` what annotate_twin needs of them. Not OpenTicketIndex::read: that parses
// every open ticket of the fleet.
std::vector<tickets::Ticket> open_tickets_of(const TicketService* service,
                                             const std::vector<std::string>& device_ids,
                                             OpenTicketIndex& index) {
  if (service == nullptr || device_ids.empty()) return {};
  auto open = service->store().list_open_of(device_ids);
  for (const auto& t : open) {
    auto& m = index.machines[t.device_id];
    m.locked = m.locked || t.machine_locked;
    if (t.source != tickets::Source::kPredicted) m.kinds.push_back(t.kind);
  }
  return open;
}

const char* refund_state_zh(tickets::RefundState state) {
  switch (state) {
    case tickets::RefundState::kApproved:
      return "已退回卡内";
    case tickets::RefundState::kPendingReview:
      return "正在审核";
    case tickets::RefundState::kRejected:
      return "未通过审核";
  }
  return "";
}

}  // namespace

HttpResponse Api::hotline_lookup(const HttpRequest& req, const Principal& who) {
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  const std::string* q = req.param("q");
  if (q == nullptr || q->find_first_not_of(' ') == std::string::npos) {
    return error_response(400, "bad_request",
                          "q is required: a machine id, a site id or part of its name, a card "
                          "token or a ticket id");
  }
  const std::string needle = *q;
  const std::string needle_lower = lower(needle);
  const std::string needle_key = tickets::machine_id_key(needle);

  // Machines: by id (exactly, or written without dashes / in capitals), by site id, or by
  // part of the site's name. Copied under the fleet's lock, which the intake and the other
  // HTTP workers wait for; their JSON is made after it.
  struct Machine {
    devices::Device device;
    devices::Twin twin;
  };
  std::vector<Machine> machines;
  std::map<std::string, devices::Site, std::less<>> sites;  // of the machines found
  std::vector<std::string> sites_found;
  bool more = false;
  fleet_.read([&](const devices::Inventory& inv, const auto& all) {
    auto add = [&](const devices::Device& device, const devices::Site& site) {
      if (machines.size() == kMaxDevices) {
        more = true;
        return;
      }
      machines.push_back(Machine{device, all.at(device.id)});
      if (!sites.contains(site.id)) sites.emplace(site.id, site);
    };
    if (const auto* d = inv.device(needle)) {
      const auto* site = inv.site(d->site);
      if (site != nullptr && can_see_site(who, *site)) add(*d, *site);
    }
    if (machines.empty() && !needle_key.empty()) {
      std::vector<const devices::Device*> found;
      std::string prefix;
      devices_with_key(inv.devices(), prefix, needle_key, found);
      std::sort(found.begin(), found.end(),
                [](const auto* a, const auto* b) { return a->id < b->id; });
      for (const auto* device : found) {
        const auto* site = inv.site(device->site);
        if (site != nullptr && can_see_site(who, *site)) add(*device, *site);
      }
    }
    if (!machines.empty()) return;
    for (const auto& [id, site] : inv.sites()) {
      if (!can_see_site(who, site)) continue;
      if (id != needle && !contains_ignoring_case(site.name, needle_lower)) continue;
      sites_found.push_back(id);
    }
    if (sites_found.empty()) return;
    // Their machines in id order, as a walk over the fleet would find them.
    const auto by_site = site_machines_.get(inv, fleet_.inventory_version());
    std::vector<const std::string*> ids;
    for (const auto& site : sites_found) {
      for (const auto& id : by_site->of(site)) ids.push_back(&id);
    }
    if (sites_found.size() > 1) {
      std::sort(ids.begin(), ids.end(), [](const auto* a, const auto* b) { return *a < *b; });
    }
    for (const auto* id : ids) {
      if (more) break;
      const auto* device = inv.device(*id);
      if (device != nullptr) add(*device, *inv.site(device->site));
    }
  });

  std::vector<json> twins;
  std::vector<std::string> device_ids;
  twins.reserve(machines.size());
  for (const auto& m : machines) {
    twins.push_back(twin_json(m.device, sites.find(m.device.site)->second, m.twin));
    device_ids.push_back(m.device.id);
  }
  machines.clear();

  json devices = json::array();
  json tickets_out = json::array();
  std::vector<std::string> seen_tickets;
  OpenTicketIndex open;
  const auto open_list = open_tickets_of(tickets_, device_ids, open);
  auto next_open = open_list.begin();  // each machine's tickets in turn, machines in order
  for (std::size_t i = 0; i < twins.size(); ++i) {
    auto& twin = twins[i];
    json open_tickets = json::array();
    for (; next_open != open_list.end() && next_open->device_id == device_ids[i]; ++next_open) {
      open_tickets.push_back(ticket_json(*next_open, TicketDetail::kSummary));
      seen_tickets.push_back(next_open->id);
      tickets_out.push_back(open_tickets.back());
    }
    annotate_twin(twin, open, tickets_);
    twin["open_tickets"] = std::move(open_tickets);
    devices.push_back(std::move(twin));
  }
  // Site-wide tickets (an outage) of the sites found.
  if (tickets_ != nullptr) {
    for (const auto& site : sites_found) {
      tickets::TicketFilter filter;
      filter.open_only = true;
      filter.device_id = site;
      for (const auto& t : tickets_->store().list(filter)) {
        tickets_out.push_back(ticket_json(t, TicketDetail::kSummary));
      }
    }
    // A ticket id.
    if (auto t = tickets_->store().get(needle);
        t && can_see_ticket(who, *t) &&
        std::find(seen_tickets.begin(), seen_tickets.end(), t->id) == seen_tickets.end()) {
      tickets_out.push_back(ticket_json(*t, TicketDetail::kSummary));
    }
  }
  json cards = json::array();
  if (card_book_ != nullptr) {
    if (auto card = card_book_->card(needle)) cards.push_back(card_view(*card_book_, *card));
  }
  json out = {{"q", needle},
              {"devices", std::move(devices)},
              {"cards", std::move(cards)},
              {"tickets", std::move(tickets_out)},
              {"more_devices", more}};
  return json_response(200, out.dump());
}

HttpResponse Api::hotline_classify(const HttpRequest& req, const Principal& who) {
  if (who.role == Role::kSelfService) {
    return error_response(403, "forbidden", "a selfservice token may only read self-service cards");
  }
  HttpResponse error;
  auto body = body_object(req, error);
  if (!body) return error;
  std::string text;
  if (!string_field(*body, "text", text, error)) return error;
  if (text.empty()) return error_response(400, "bad_request", "text is required: what was said");
  const auto c = call_classifier().classify(text);
  json top = json::array();
  for (const auto& [kind, p] : c.top) {
    top.push_back({{"kind", devices::to_string(kind)}, {"confidence", p}});
  }
  json danger_words = json::array();
  for (auto w : tickets::danger_words_in(text)) danger_words.push_back(std::string(w));
  json out = {{"kind", devices::to_string(c.kind)},
              {"confidence", c.confidence},
              {"danger", c.danger},
              {"danger_words", std::move(danger_words)},
              {"top", std::move(top)},
              {"devices", mentioned_devices(text, who)}};
  return json_response(200, out.dump());
}

std::vector<std::string> Api::mentioned_devices(const std::string& text,
                                                const Principal& who) const {
  std::vector<std::string> keys;
  for (const auto& id : tickets::mentioned_ids(text)) keys.push_back(tickets::machine_id_key(id));
  std::vector<std::string> found;
  if (keys.empty()) return found;
  fleet_.read([&](const devices::Inventory& inv, const auto&) {
    for (const auto& [id, device] : inv.devices()) {
      if (std::find(keys.begin(), keys.end(), tickets::machine_id_key(id)) == keys.end()) continue;
      const auto* site = inv.site(device.site);
      if (site != nullptr && can_see_site(who, *site)) found.push_back(id);
    }
  });
  return found;
}

HttpResponse Api::self_service_card(const std::string& token, const Principal& who) {
  if (who.role != Role::kSelfService && who.role != Role::kAdmin) {
    return error_response(403, "forbidden",
                          "the self-service answer is for the IVR or mini program's selfservice "
                          "token; agents use GET /api/v1/cards/{token}");
  }
  if (card_book_ == nullptr) {
    return error_response(503, "unavailable", "cards are not served by this gateway");
  }
  auto card = card_book_->card(token);
  if (!card) return error_response(404, "not_found", "no card '" + token + "'");
  json dispenses = json::array();
  const auto recent = card_book_->dispenses_of_card(token, 5);
  for (const auto& d : recent) {
    dispenses.push_back({{"at", dispense_json(d)["at"]},
                         {"device_id", d.device_id},
                         {"requested_ml", d.requested_ml},
                         {"dispensed_ml", d.dispensed_ml},
                         {"charged_fen", d.applied_fen}});
  }
  json refunds = json::array();
  tickets::RefundFilter mine;
  mine.card = token;
  auto all_refunds = card_book_->list_refunds(mine);
  for (auto it = all_refunds.rbegin(); it != all_refunds.rend() && refunds.size() < 5; ++it) {
    refunds.push_back({{"id", it->id},
                       {"state", tickets::to_string(it->state)},
                       {"amount_fen", it->amount_fen},
                       {"created_at", refund_json(*it)["created_at"]}});
  }
  json machine = nullptr;
  std::string machine_say;
  if (!recent.empty()) {
    const std::string id = recent.front().device_id;
    std::optional<json> twin;
    fleet_.read([&](const devices::Inventory& inv, const auto& all) {
      const auto* device = inv.device(id);
      const auto* site = device ? inv.site(device->site) : nullptr;
      if (site != nullptr) twin = twin_json(*device, *site, all.at(id));
    });
    if (twin) {
      OpenTicketIndex open;
      open_tickets_of(tickets_, {id}, open);
      annotate_twin(*twin, open, tickets_);
      const bool online =
          twin->value("online", json(false)).is_boolean() && (*twin)["online"].get<bool>();
      const bool locked = twin->value("locked", false);
      const bool faulty = !(*twin)["faults"].empty();
      const char* state = locked ? "locked" : !online ? "offline" : faulty ? "fault" : "ok";
      machine = {{"id", id},
                 {"site_name", (*twin)["site_name"]},
                 {"state", state},
                 {"online", (*twin)["online"]},
                 {"locked", locked}};
      machine_say = std::string("您上次使用的") + (*twin)["site_name"].get<std::string>() +
                    "的饮水机" +
                    (locked    ? "因水质检查暂停售水，我们正在处理。"
                     : !online ? "暂时离线，维修人员已收到通知。"
                     : faulty  ? "正在维修中。"
                               : "运行正常。");
    }
  }
  std::string say = "您的卡";
  if (card->state == tickets::CardState::kLost) say += "已挂失，";
  if (card->state == tickets::CardState::kClosed) say += "已注销，";
  say += "余额" + yuan(card->balance_fen) + "元。";
  if (!recent.empty()) {
    const auto& d = recent.front();
    say += "最近一次取水" + std::to_string(d.dispensed_ml) + "毫升，扣费" + yuan(d.applied_fen) +
           "元。";
  }
  if (!all_refunds.empty()) {
    const auto& r = all_refunds.back();
    say += "您有一笔" + yuan(r.amount_fen) + "元的退款" + refund_state_zh(r.state) + "。";
  }
  say += machine_say;
  json out = {{"token", card->token},
              {"state", tickets::to_string(card->state)},
              {"balance_fen", card->balance_fen},
              {"dispenses", std::move(dispenses)},
              {"refunds", std::move(refunds)},
              {"machine", std::move(machine)},
              {"say", say}};
  return json_response(200, out.dump());
}

}  // namespace wm::gateway
