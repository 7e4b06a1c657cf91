// A whole in-process gateway with its ticket desk (SQLite ticket store, detectors on the
// intake, the API's ticket endpoints), without MQTT or HTTP sockets. Commands and
// notifications the desk sends are captured; the test drives the worker with
// service.run_once() and moves time with the clock and the messages' ts.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/api.h"
#include "gateway/callback_store.h"
#include "gateway/dispense_charger.h"
#include "gateway/intake.h"
#include "gateway/sqlite_card_book.h"
#include "gateway/sqlite_ticket_store.h"
#include "gateway/test_support.h"
#include "gateway/ticket_service.h"
#include "tickets/card_desk.h"

namespace wm::gateway::testing {

inline devices::DetectorConfig fast_detector_config() {
  devices::DetectorConfig c;
  c.heartbeat_timeout_ms = 60'000;
  c.outage_window_ms = 30'000;
  return c;
}

class TicketFixture {
 public:
  explicit TicketFixture(tickets::DeskConfig desk = {},
                         devices::DetectorConfig detector = fast_detector_config())
      : store(dir.file("gateway.db")),
        fleet(test_inventory()),
        writer(store, metrics, clock,
               [this](const std::vector<TwinIndex>& twins) { return fleet.twin_rows(twins); }),
        ticket_store(store, writer),
        charger(fleet, ticket_store, metrics),
        card_book(store, writer),
        card_desk(card_book, site_lookup(fleet)),
        callbacks(store, writer),
        service(
            fleet, ticket_store, metrics, clock, desk, detector,
            [this](const OutgoingMessage& m) {
              std::lock_guard lock(mu);
              commands.push_back(m);
            },
            [this](const tickets::Notification& n) {
              std::lock_guard lock(mu);
              notifications.push_back(n);
            }),
        intake(fleet, writer, metrics, clock),
        auth(store),
        api(fleet, store, writer, metrics, auth, clock, &service) {
    store.set_new_event_hook([this](Connection& tx, const EventRow& row) { charger(tx, row); });
    writer.start();
    intake.set_observer(&service);
    api.attach_cards(&card_book, &card_desk);
    api.attach_callbacks(&callbacks);
  }
  ~TicketFixture() { writer.stop(); }

  std::string token(const std::string& role, const std::string& org) {
    auto t = new_token();
    store.add_token(sha256_hex(t), role, org, clock.now_ms());
    return t;
  }

  HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                    std::string body = {}, std::map<std::string, std::string> query = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.body = std::move(body);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return api.handle(r);
  }

  // A wm-json-v1 fault event of `device` at `site`.
  void fault(const std::string& site, const std::string& device, std::int64_t ts_ms,
             std::uint32_t seq, const std::string& code, bool active) {
    intake.on_message("wm/v1/" + site + "/" + device + "/event",
                      R"({"ts":)" + std::to_string(ts_ms) + R"(,"seq":)" + std::to_string(seq) +
                          R"(,"type":"fault","code":")" + code + R"(","active":)" +
                          (active ? "true" : "false") + "}");
  }

  // A wm-json-v1 dispense event of `device` at `site`.
  void dispense(const std::string& site, const std::string& device, std::int64_t ts_ms,
                std::uint32_t seq, const std::string& txn, const std::string& card,
                std::int64_t charged_fen, std::int64_t requested_ml, std::int64_t dispensed_ml) {
    intake.on_message("wm/v1/" + site + "/" + device + "/event",
                      R"({"ts":)" + std::to_string(ts_ms) + R"(,"seq":)" + std::to_string(seq) +
                          R"(,"type":"dispense","txn":")" + txn + R"(","card":")" + card +
                          R"(","charged_fen":)" + std::to_string(charged_fen) +
                          R"(,"requested_ml":)" + std::to_string(requested_ml) +
                          R"(,"dispensed_ml":)" + std::to_string(dispensed_ml) + "}");
  }

  std::vector<tickets::Ticket> tickets_of(const std::string& device) {
    tickets::TicketFilter f;
    f.device_id = device;
    return ticket_store.list(f);
  }

  TempDir dir;
  ManualClock clock;
  Metrics metrics;
  Store store;
  FleetState fleet;
  StoreWriter writer;
  SqliteTicketStore ticket_store;
  DispenseCharger charger;
  SqliteCardBook card_book;
  tickets::CardDesk card_desk;
  CallbackStore callbacks;
  std::mutex mu;
  std::vector<OutgoingMessage> commands;
  std::vector<tickets::Notification> notifications;
  TicketService service;
  Intake intake;
  Authenticator auth;
  Api api;
};

}  // namespace wm::gateway::testing
