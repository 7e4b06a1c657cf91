// wm-gateway: the after-sales gateway process and its administrative commands.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "gateway/app.h"

int main(int argc, char** argv) {
  CLI::App app{
      "wm-gateway: MQTT bridge, digital twins and REST API for a fleet of "
      "drinking-water machines"};
  app.require_subcommand(1);
  app.fallthrough();  // --log-level may follow the subcommand
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();

  wm::gateway::ServeConfig serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the gateway until SIGINT/SIGTERM");
  serve_cmd->add_option("--mqtt", serve.mqtt_uri, "Broker URI, e.g. tcp://127.0.0.1:1883")
      ->capture_default_str();
  serve_cmd->add_option("--http", serve.http_listen, "HTTP listen address HOST:PORT")
      ->capture_default_str();
  serve_cmd->add_option("--db", serve.db_path, "SQLite database file (created if missing)")
      ->capture_default_str();
  serve_cmd->add_option("--inventory", serve.inventory_path,
                        "Fleet inventory JSON (API.md) merged into the stored one at start");
  serve_cmd
      ->add_option("--client-id", serve.client_id,
                   "MQTT client id; stable, so the broker keeps the session across restarts")
      ->capture_default_str();
  serve_cmd->add_option("--http-threads", serve.http_threads, "HTTP worker threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_cmd
      ->add_option("--quarantine-max-rows", serve.quarantine_max_rows,
                   "Quarantine entries kept at most")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{100000000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--quarantine-max-age-days", serve.quarantine_max_age_days,
                   "Quarantine entries older than this are deleted")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  serve_cmd
      ->add_option("--telemetry-retention-days", serve.telemetry_retention_days,
                   "Telemetry history kept, by event time")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();

  auto* token_cmd = app.add_subcommand("token", "Manage API bearer tokens");
  token_cmd->require_subcommand(1);
  std::string token_db = "var/gateway.db", token_role, token_org;
  auto* token_add = token_cmd->add_subcommand(
      "add", "Create a token; prints it on the last line (only its hash is stored)");
  token_add->add_option("--db", token_db, "SQLite database file")->capture_default_str();
  token_add->add_option("--role", token_role, "admin, operator, property, agent or selfservice")
      ->required();
  token_add->add_option("--org", token_org, "Org id the token acts for")->required();

  CLI11_PARSE(app, argc, argv);
  if (auto level = spdlog::level::from_str(log_level);
      level != spdlog::level::off || log_level == "off") {
    spdlog::set_level(level);
  }
  if (*serve_cmd) return wm::gateway::serve(serve);
  if (*token_add) return wm::gateway::add_token(token_db, token_role, token_org);
  return 0;
}
