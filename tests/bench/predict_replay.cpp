// wm-predict-replay: replays the telemetry and maintenance events recorded in a gateway
// database through the fault predictors (devices/fleet_predictor.h), offline, and prints
// every prediction change as a JSON line. With a simulated run's truth file,
// tests/bench/predict_score.py scores them per kind in seconds instead of re-running the
// fleet for 40 minutes: the tool for tuning the predictors against recorded history.
//
//   wm-predict-replay --db gateway.db --inventory inventory.json > changes.jsonl
//
// Telemetry is read in the order it was stored (rowid), which is each machine's arrival
// order; maintenance events are merged in by event time.
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "devices/fleet_predictor.h"
#include "protocols/messages.h"

namespace {

using wm::devices::FleetPredictor;
using wm::devices::PredictionChange;

struct Maintenance {
  std::int64_t ts_ms;
  std::uint32_t machine;
  wm::protocols::MaintenanceAction action;
  std::string staff;
};

struct Fleet {
  std::unordered_map<std::string, std::uint32_t> index;
  std::vector<std::string> ids;
};

Fleet declare(FleetPredictor& predictor, const std::string& inventory_path) {
  std::ifstream in(inventory_path);
  const auto inventory = nlohmann::json::parse(in);
  Fleet fleet;
  for (const auto& device : inventory.at("devices")) {
    const auto id = device.at("id").get<std::string>();
    const auto index = static_cast<std::uint32_t>(fleet.ids.size());
    predictor.add_machine(index, id, device.at("site").get<std::string>(),
                          device.value("filter_rated_l", 0.0));
    fleet.index.emplace(id, index);
    fleet.ids.push_back(id);
  }
  return fleet;
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

std::vector<Maintenance> read_maintenance(sqlite3* db, const Fleet& fleet) {
  std::vector<Maintenance> out;
  sqlite3_stmt* s = nullptr;
  check(sqlite3_prepare_v2(
            db, "SELECT device_id, ts_ms, action, staff FROM events WHERE type = 'maintenance'",
            -1, &s, nullptr),
        db, "maintenance");
  while (sqlite3_step(s) == SQLITE_ROW) {
    const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const auto* action = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    const auto* staff = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
    const auto found = fleet.index.find(id ? id : "");
    const auto parsed = wm::protocols::maintenance_action_from_string(action ? action : "");
    if (found == fleet.index.end() || !parsed) continue;
    out.push_back({sqlite3_column_int64(s, 1), found->second, *parsed, staff ? staff : ""});
  }
  sqlite3_finalize(s);
  std::stable_sort(out.begin(), out.end(),
                   [](const Maintenance& a, const Maintenance& b) { return a.ts_ms < b.ts_ms; });
  return out;
}

void print(const std::vector<PredictionChange>& changes) {
  for (const auto& c : changes) {
    nlohmann::json line = {{"machine", c.subject},
                           {"kind", wm::devices::to_string(c.prediction.kind)},
                           {"change", wm::devices::to_string(c.change)},
                           {"at", c.prediction.at_ms},
                           {"eta", c.prediction.eta_ms},
                           {"confidence", c.prediction.confidence},
                           {"evidence", c.prediction.evidence}};
    if (c.prediction.litres_left) line["litres_left"] = *c.prediction.litres_left;
    std::cout << line.dump() << '\n';
  }
}

std::optional<double> optional_real(sqlite3_stmt* s, int column) {
  if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(s, column);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Replay a gateway database's telemetry through the fault predictors"};
  std::string db_path, inventory_path;
  app.add_option("--db", db_path, "Gateway SQLite database")->required();
  app.add_option("--inventory", inventory_path, "Inventory JSON of the fleet")->required();
  CLI11_PARSE(app, argc, argv);

  FleetPredictor predictor;
  const Fleet fleet = declare(predictor, inventory_path);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s\n", db_path.c_str());
    return 1;
  }
  const std::vector<Maintenance> maintenance = read_maintenance(db, fleet);
  std::size_t next_maintenance = 0;

  sqlite3_stmt* s = nullptr;
  check(sqlite3_prepare_v2(db,
                           "SELECT device_id, ts_ms, seq, tds_in, tds_out, flow_lpm, pressure_kpa, "
                           "temp_c, tank_pct, uv_ok, filter_l, pump_a FROM telemetry ORDER BY rowid",
                           -1, &s, nullptr),
        db, "telemetry");
  std::vector<PredictionChange> changes;
  std::unordered_map<std::string, std::uint32_t>::const_iterator found = fleet.index.end();
  std::string last_id;
  std::uint64_t rows = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    if (last_id != id) {
      last_id = id;
      found = fleet.index.find(last_id);
    }
    if (found == fleet.index.end()) continue;
    wm::protocols::Telemetry t;
    t.ts_ms = sqlite3_column_int64(s, 1);
    t.seq = static_cast<std::uint32_t>(sqlite3_column_int64(s, 2));
    t.tds_in = sqlite3_column_double(s, 3);
    t.tds_out = sqlite3_column_double(s, 4);
    t.flow_lpm = sqlite3_column_double(s, 5);
    t.pressure_kpa = sqlite3_column_double(s, 6);
    t.temp_c = sqlite3_column_double(s, 7);
    t.tank_pct = optional_real(s, 8);
    if (sqlite3_column_type(s, 9) != SQLITE_NULL) t.uv_ok = sqlite3_column_int(s, 9) != 0;
    t.filter_l = sqlite3_column_int64(s, 10);
    t.pump_a = optional_real(s, 11);
    changes.clear();
    while (next_maintenance < maintenance.size() && maintenance[next_maintenance].ts_ms <= t.ts_ms) {
      const Maintenance& m = maintenance[next_maintenance++];
      wm::protocols::Event event{m.ts_ms, 0, wm::protocols::Maintenance{m.action, m.staff}};
      predictor.on_event(m.machine, event, changes);
    }
    predictor.on_telemetry(found->second, t, changes);
    print(changes);
    ++rows;
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  std::fprintf(stderr, "replayed %llu readings and %zu maintenance events of %zu machines\n",
               static_cast<unsigned long long>(rows), maintenance.size(), fleet.ids.size());
  return 0;
}
