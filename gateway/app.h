// The gateway process: wires the store, the fleet, the intake, the MQTT bridge and the
// HTTP API together, runs until asked to stop, and shuts down in order (stop taking
// messages, flush the store, close the API).
#pragma once

#include <cstdint>
#include <string>

#include "devices/fault_detector.h"
#include "tickets/desk_types.h"
#include "tickets/refund_policy.h"
#include "tickets/refund_policy.h"

namespace wm::gateway {

struct ServeConfig {
  std::string mqtt_uri = "tcp://127.0.0.1:1883";
  std::string http_listen = "127.0.0.1:8080";
  std::string db_path = "var/gateway.db";
  std::string inventory_path;  // optional: merged into the stored inventory at start
  std::string client_id = "wm-gateway";
  int http_threads = 2;
  std::int64_t quarantine_max_rows = 100000;
  int quarantine_max_age_days = 7;
  int telemetry_retention_days = 30;
  tickets::DeskConfig desk;          // reopen window, hold time, SLA policy
  devices::DetectorConfig detector;  // limits, debounce, timeouts
  tickets::RefundPolicy refunds;     // auto-approval limit, daily caps
};

// Runs until SIGINT or SIGTERM. Returns the process exit code; errors are logged.
int serve(const ServeConfig& config);

// `wm-gateway token add`: prints the new token on its last line. Returns the exit code.
int add_token(const std::string& db_path, const std::string& role, const std::string& org);

}  // namespace wm::gateway
