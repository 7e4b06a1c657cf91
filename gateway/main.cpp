// wm-gateway: the after-sales gateway process and its administrative commands.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "gateway/app.h"
#include "gateway/backtest.h"

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

  // The ticket desk's rules, in the units people set them in.
  double offline_after_s = 300, outage_window_s = 120, healthy_hold_s = 600, tds_sustain_s = 120;
  double cleaning_interval_days = 7, reopen_window_h = 24;
  serve_cmd
      ->add_option("--offline-after", offline_after_s,
                   "Seconds of event time without a message before a machine is offline")
      ->check(CLI::Range(5.0, 86400.0))
      ->capture_default_str();
  serve_cmd
      ->add_option("--outage-window", outage_window_s,
                   "Seconds within which most machines of a site going offline is one site "
                   "power outage (an offline machine waits this long before its own ticket)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  serve_cmd
      ->add_option("--healthy-hold", healthy_hold_s,
                   "Seconds a sensor-born ticket's signal must stay healthy before it resolves "
                   "itself")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  serve_cmd
      ->add_option("--tds-limit", serve.detector.tds_out_limit_ppm,
                   "Product water TDS limit in ppm (water_quality)")
      ->check(CLI::Range(1.0, 5000.0))
      ->capture_default_str();
  serve_cmd
      ->add_option("--tds-sustain", tds_sustain_s,
                   "Seconds tds_out must stay above the limit before a water_quality ticket")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  serve_cmd
      ->add_option("--cleaning-interval-days", cleaning_interval_days,
                   "Hygiene interval since the last cleaning (cleaning_due)")
      ->check(CLI::Range(0.01, 365.0))
      ->capture_default_str();
  serve_cmd
      ->add_option("--reopen-window-hours", reopen_window_h,
                   "A resolved ticket that recurs within this many hours is reopened")
      ->check(CLI::Range(0.0, 8760.0))
      ->capture_default_str();

  serve_cmd
      ->add_option("--refund-auto-limit-fen", serve.refunds.auto_limit_fen,
                   "Automatic refunds up to this amount (a site's contract may set its own)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10000000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--refund-card-daily-cap", serve.refunds.max_auto_per_card_day,
                   "Automatic refunds per card per local day; more go to review")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--refund-device-daily-cap", serve.refunds.max_auto_per_device_day,
                   "Automatic refunds per machine per local day; more go to review")
      ->check(CLI::Range(0, 100000))
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

  std::string backtest_csv;
  auto* backtest_cmd = app.add_subcommand(
      "backtest",
      "Score a recorded series with the streaming anomaly detector: reads `timestamp,value` "
      "rows, prints `timestamp,value,anomaly_score` (0..1; 0.5 is worth a look)");
  backtest_cmd
      ->add_option("--csv", backtest_csv,
                   "CSV file: a header line, then YYYY-MM-DD HH:MM:SS,<number> rows ('-' reads "
                   "standard input)")
      ->required();

  CLI11_PARSE(app, argc, argv);
  if (auto level = spdlog::level::from_str(log_level);
      level != spdlog::level::off || log_level == "off") {
    spdlog::set_level(level);
  }
  if (*serve_cmd) {
    auto ms = [](double seconds) { return static_cast<std::int64_t>(seconds * 1000); };
    serve.detector.heartbeat_timeout_ms = ms(offline_after_s);
    serve.detector.outage_window_ms = ms(outage_window_s);
    serve.detector.tds_sustain_ms = ms(tds_sustain_s);
    serve.detector.tds_out_clear_ppm = serve.detector.tds_out_limit_ppm * 0.9;
    serve.detector.cleaning_interval_ms = ms(cleaning_interval_days * 86400);
    serve.desk.healthy_hold_ms = ms(healthy_hold_s);
    serve.desk.reopen_window_ms = ms(reopen_window_h * 3600);
    return wm::gateway::serve(serve);
  }
  if (*token_add) return wm::gateway::add_token(token_db, token_role, token_org);
  if (*backtest_cmd) return wm::gateway::run_backtest(backtest_csv, std::cout, std::cerr);
  return 0;
}
