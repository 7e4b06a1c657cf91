#include "gateway/app.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gateway/api.h"
#include "gateway/auth.h"
#include "gateway/callback_store.h"
#include "gateway/clock.h"
#include "gateway/dispense_charger.h"
#include "gateway/fleet_state.h"
#include "gateway/http.h"
#include "gateway/intake.h"
#include "gateway/metrics.h"
#include "gateway/mqtt_bridge.h"
#include "gateway/notifier.h"
#include "gateway/sqlite_card_book.h"
#include "gateway/sqlite_ticket_store.h"
#include "gateway/store.h"
#include "gateway/store_writer.h"
#include "gateway/ticket_service.h"
#include "tickets/card_desk.h"

namespace wm::gateway {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The stored inventory, with the --inventory file merged on top of it.
Result<devices::Inventory> load_inventory(Store& store, const std::string& file) {
  devices::Inventory inventory;
  if (auto stored = store.load_inventory()) {
    auto parsed = devices::Inventory::parse(*stored);
    if (!parsed.ok()) {
      return make_error("bad_inventory", "db",
                        "stored inventory is invalid: " + parsed.error().to_string());
    }
    inventory = std::move(parsed).value();
  }
  if (!file.empty()) {
    auto text = read_file(file);
    if (!text) return make_error("bad_inventory", file, "cannot read the inventory file " + file);
    auto parsed = devices::Inventory::parse(*text);
    if (!parsed.ok()) {
      return make_error("bad_inventory", file,
                        "inventory " + file + ": " + parsed.error().to_string());
    }
    auto merged = inventory.merge(parsed.value());
    if (!merged.ok()) {
      return make_error("bad_inventory", file,
                        "inventory " + file + ": " + merged.error().to_string());
    }
  }
  return inventory;
}

// SQLite creates the file but not the folders above it.
void ensure_parent_directory(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
}

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

int serve(const ServeConfig& config) {
  // Block the signals in every thread we start; the main thread waits for them.
  sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  Metrics metrics;
  std::unique_ptr<Store> store;
  try {
    ensure_parent_directory(config.db_path);
    store = std::make_unique<Store>(config.db_path);
  } catch (const SqliteError& e) {
    spdlog::critical("cannot open the database {}: {}", config.db_path, e.what());
    return 2;
  }
  auto inventory = load_inventory(*store, config.inventory_path);
  if (!inventory.ok()) {
    spdlog::critical("{}", inventory.error().message);
    return 2;
  }
  store->save_inventory(inventory->to_json(), clock.now_ms());
  spdlog::info("inventory: {} orgs, {} sites, {} devices", inventory->orgs().size(),
               inventory->sites().size(), inventory->devices().size());

  FleetState fleet(std::move(inventory).value());
  fleet.restore(store->load_twins());
  // Twin rows trail by up to the twin flush interval; the newest messages make up for it.
  fleet.replay(store->recent_telemetry(200000), store->recent_fault_events(20000));

  StoreWriterOptions writer_options;
  writer_options.retention.quarantine_max_rows = config.quarantine_max_rows;
  writer_options.retention.quarantine_max_age_ms =
      std::int64_t{config.quarantine_max_age_days} * 24 * 3600 * 1000;
  writer_options.retention.telemetry_max_age_ms =
      std::int64_t{config.telemetry_retention_days} * 24 * 3600 * 1000;
  StoreWriter writer(
      *store, metrics, clock,
      [&fleet](const std::vector<TwinIndex>& twins) { return fleet.twin_rows(twins); },
      writer_options);
  SqliteTicketStore ticket_store(*store, writer);
  // Money: a new dispense event is charged (and refunded when no water came) in the
  // transaction that stores it.
  DispenseCharger charger(fleet, ticket_store, metrics, config.refunds);
  store->set_new_event_hook([&charger](Connection& tx, const EventRow& row) { charger(tx, row); });
  writer.start();
  SqliteCardBook card_book(*store, writer);
  tickets::CardDeskConfig card_config;
  card_config.policy = config.refunds;
  tickets::CardDesk card_desk(card_book, site_lookup(fleet), card_config);

  // The ticket desk: detectors on the intake thread, the desk on its own worker,
  // commands and notifications out through the broker (and the orgs' webhooks).
  Intake intake(fleet, writer, metrics, clock);
  MqttBridge bridge(MqttOptions{config.mqtt_uri, config.client_id}, intake, metrics);
  auto poster = make_http_webhook_poster(std::chrono::seconds(5));
  Notifier notifier(
      [&bridge](const std::string& topic, const std::string& payload) {
        bridge.publish(topic, payload, 1, false);
      },
      [&fleet](const std::string& org) -> std::optional<std::string> {
        std::optional<std::string> url;
        fleet.read([&](const devices::Inventory& inv, const TwinView&) {
          const auto* o = inv.org(org);
          if (o != nullptr && !o->webhook.empty()) url = o->webhook;
        });
        return url;
      },
      *poster, metrics);
  TicketService tickets(
      fleet, ticket_store, metrics, clock, config.desk, config.detector,
      [&bridge](const OutgoingMessage& m) { bridge.publish(m.topic, m.payload, m.qos, false); },
      [&notifier](const tickets::Notification& n) { notifier.notify(n); });
  intake.set_observer(&tickets);
  tickets.restore_from_twins();
  tickets.restore_open_tickets();
  tickets.restore_last_cleaning(store->last_maintenance("cleaning"));

  Authenticator auth(*store);
  Api api(fleet, *store, writer, metrics, auth, clock, &tickets);
  api.attach_cards(&card_book, &card_desk);
  CallbackStore callbacks(*store, writer);
  api.attach_callbacks(&callbacks);
  std::unique_ptr<HttpServer> http;
  try {
    http = make_http_server(
        config.http_listen, [&api](const HttpRequest& r) { return api.handle(r); },
        config.http_threads);
    http->start();
  } catch (const std::exception& e) {
    spdlog::critical("cannot listen on http://{}: {}", config.http_listen, e.what());
    writer.stop();
    return 2;
  }
  spdlog::info("http api on http://{}/api/v1", config.http_listen);

  notifier.start();
  tickets.start();
  bridge.start();

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: shutting down", sig);
  bridge.stop();
  http->stop();
  tickets.stop();
  notifier.stop();
  writer.flush();
  writer.stop();
  spdlog::info("stopped");
  return 0;
}

int add_token(const std::string& db_path, const std::string& role_name, const std::string& org) {
  auto role = role_from_string(role_name);
  if (!role) {
    std::cerr << "unknown role '" << role_name
              << "': use admin, operator, property, agent or selfservice\n";
    return 2;
  }
  try {
    ensure_parent_directory(db_path);
    Store store(db_path);
    if (auto stored = store.load_inventory()) {
      auto inventory = devices::Inventory::parse(*stored);
      if (inventory.ok()) {
        auto valid = validate_grant(*role, org, inventory.value());
        if (!valid.ok()) {
          std::cerr << valid.error().message << "\n";
          return 2;
        }
      }
    }
    const std::string token = new_token();
    SystemClock clock;
    store.add_token(sha256_hex(token), std::string(to_string(*role)), org, clock.now_ms());
    std::cerr << "token for role " << to_string(*role) << " of org " << org
              << " (shown once; only its hash is stored):\n";
    std::cout << token << std::endl;
    return 0;
  } catch (const SqliteError& e) {
    std::cerr << "cannot add the token to " << db_path << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace wm::gateway
