// wm-sim: the fleet simulator. Generates inventories, plays a live fleet against an
// MQTT broker, and floods a broker with telemetry for the ingest benchmark.
// This file parses the command line and reads and writes files; the work is behind
// inventory_generator.h, live_fleet.h and flood.h.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "simulator/fault_truth.h"
#include "simulator/fleet.h"
#include "simulator/flood.h"
#include "simulator/inventory_generator.h"
#include "simulator/live_fleet.h"
#include "simulator/protocol_mix.h"
#include "simulator/score_command.h"
#include "simulator/sim_time.h"

namespace {

using wm::sim::Fleet;

std::optional<Fleet> load_fleet(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    spdlog::error(
        "cannot read inventory {}: create one with `wm-sim inventory --devices N --out {}`", path,
        path);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto fleet = wm::sim::parse_fleet(text.str());
  if (!fleet.ok()) {
    spdlog::error("inventory {} is not usable: {}", path, fleet.error().to_string());
    return std::nullopt;
  }
  if (fleet->machines.empty()) {
    spdlog::error(
        "inventory {} has no machines to play: protocols must be wm-json-v1, hx-binary or "
        "tb-gateway",
        path);
    return std::nullopt;
  }
  return std::move(fleet).value();
}

std::optional<std::int64_t> resolve_start(const std::string& start) {
  if (start == "now") {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  auto ms = wm::sim::parse_iso8601_ms(start);
  if (!ms) {
    spdlog::error(
        "--start {}: expected `now` or an ISO-8601 time such as 2024-03-04T08:00:00+08:00", start);
  }
  return ms;
}

std::string default_client_id() { return "wm-sim-" + std::to_string(::getpid()); }

int write_inventory(std::size_t devices, std::uint64_t seed, const std::string& mix_text,
                    const std::string& out) {
  const auto mix = wm::sim::parse_protocol_mix(mix_text);
  if (!mix.ok()) {  // the option's check has already said why
    spdlog::error("--protocol-mix {}: {}", mix_text, mix.error().message);
    return 2;
  }
  const std::string text = wm::sim::generate_inventory(devices, seed, *mix).dump(2) + "\n";
  if (out.empty() || out == "-") {
    std::cout << text;
    return std::cout ? 0 : 1;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    spdlog::error("cannot write {}: check the directory exists and is writable", out);
    return 1;
  }
  spdlog::info("wrote {} devices ({}) to {}", devices, wm::sim::to_string(*mix), out);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries the inventory and the flood's result line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("wm-sim"));

  CLI::App app{
      "wm-sim: a simulated fleet of drinking-water machines speaking wm-json-v1, hx-binary and "
      "tb-gateway (PROTOCOLS.md) over MQTT"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  wm-sim inventory --devices 10000 --seed 1 --out fleet.json\n"
      "  wm-sim inventory --devices 2000 --protocol-mix json:60,hx:30,tb:10 --out mixed.json\n"
      "  wm-sim run --mqtt tcp://127.0.0.1:1883 --inventory fleet.json --speed 60\n"
      "  wm-sim run --mqtt tcp://127.0.0.1:1883 --inventory fleet.json --speed 60 --faults 0.5 \\\n"
      "             --truth truth.jsonl\n"
      "  wm-sim run --mqtt tcp://127.0.0.1:1883 --inventory fleet.json --speed 1000 \\\n"
      "             --sim-days 30 --degradation 1 --truth truth.jsonl\n"
      "  wm-sim flood --mqtt tcp://127.0.0.1:1883 --inventory fleet.json --count 200000 --qos 1\n"
      "  wm-sim score --truth truth.jsonl --api http://127.0.0.1:8080 --token TOKEN\n"
      "Messages carry event time (ts): `run` starts it at --start and runs it --speed times\n"
      "faster than the wall clock. Logs go to stderr.");

  std::size_t devices = 0;
  std::uint64_t seed = 1;
  std::string out;
  auto* inventory = app.add_subcommand("inventory", "Write a fleet inventory (API.md format)");
  inventory->add_option("--devices", devices, "Number of machines")
      ->required()
      ->check(CLI::Range(std::size_t{1}, std::size_t{999'999}));
  inventory->add_option("--seed", seed, "Seed; the same seed gives the same inventory")
      ->capture_default_str();
  std::string mix_text = "json:100";
  inventory
      ->add_option("--protocol-mix", mix_text,
                   "Shares of the wire protocols as name:weight pairs (json = wm-json-v1, hx = "
                   "hx-binary, tb = tb-gateway), e.g. json:60,hx:30,tb:10. tb goes to whole "
                   "sites (a hub per site), hx machines are mixed into the other sites")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) {
            const auto mix = wm::sim::parse_protocol_mix(text);
            return mix.ok() ? std::string() : mix.error().message;
          },
          "MIX"));
  inventory->add_option("--out", out, "Output file (default: stdout)");

  wm::sim::LiveFleetOptions live;
  std::string inventory_path;
  std::string start = "now";
  double interval_s = 60;
  double hub_batch_s = 0;
  auto* run = app.add_subcommand(
      "run", "Play every machine of an inventory in its own protocol (PROTOCOLS.md)");
  run->footer(
      "Each machine speaks its inventory protocol:\n"
      "  wm-json-v1  telemetry and dispense events on wm/v1/{site}/{device}/..., a retained\n"
      "              status online at start and offline at a clean shutdown\n"
      "  hx-binary   frames on hx/{device}/up at QoS 1: telemetry (0x01), dispense (0x02) and\n"
      "              a heartbeat (0x03) half-way between two readings; HX has no status\n"
      "  tb-gateway  one hub per site: v1/gateway/connect for each machine at start,\n"
      "              v1/gateway/telemetry batching the samples of all its machines per\n"
      "              --hub-batch window, v1/gateway/disconnect at a clean shutdown. Hubs of\n"
      "              the 2nd, 4th, ... site of the inventory leave seq out. Their machines'\n"
      "              dispenses are not sent: the ThingsBoard gateway API has no event topic.\n"
      "\n"
      "Faults (--faults RATE, expected faults per machine per simulated day; 0 = none):\n"
      "water_quality (tds_out climbs past 50 ppm, E03), leak (leak flag, E02), uv_fault (uv_ok\n"
      "false, E05), water_supply (inlet pressure collapses, E01), dispense_failure (charged,\n"
      "dispensed_ml far below requested; E08 when the valve sticks), pump_fault (pump current,\n"
      "E04), heater_fault (temperature, E06), card_reader_fault (no sales, E07), tamper (door\n"
      "open, no visit), device_offline (one machine silent), site_power_outage (a site's\n"
      "machines silent). Each is fixed after minutes to hours. Codes go out where the protocol\n"
      "carries them (wm-json-v1 fault events, hx fault frames 0x04); tb hubs show only what\n"
      "the sensors show. A silent wm-json-v1 machine's retained status goes online:false on\n"
      "its behalf and online when it is back; a hub reconnects its machine; HX just stops.\n"
      "With --faults, wm-json-v1 machines also get routine technicians' visits (service_start,\n"
      "door open, service_end: not tamper) and a cleaning every 3-6 days, which a quarter of\n"
      "the machines skip half the time (cleaning_due after --hygiene-days). Each repair by a\n"
      "technician is such a visit, with filter_change, membrane_change or uv_change where\n"
      "they fit.\n"
      "\n"
      "Slow faults (--degradation RATE, expected per machine per 30 simulated days; 0 = none)\n"
      "wear a part out over days to weeks, with sensor noise, then fail, and are repaired\n"
      "hours later (simulator/degradation_episode.h): filter_clogging (flow per inlet\n"
      "pressure falls as litres pass, sooner with high tds_in and heavy use; failure below 70%\n"
      "of the clean filter's; filter_change, or filter_l back to 0 where no maintenance is\n"
      "sent), membrane_degradation (salt rejection 1 - tds_out/tds_in decays; failure below\n"
      "90%; membrane_change), water_quality (tds_out rises over days; failure when it crosses\n"
      "50 ppm, E03; the membrane's 90% on the way is a membrane_degradation line of its own),\n"
      "pump_fault (running current drifts up, then the pump seizes: the failure, E04) and\n"
      "heater_fault (temperature leaves its set point; failure 5 degC off, E06). Routine\n"
      "visits come with either flag.\n"
      "\n"
      "--truth FILE gets one JSON line per fault when it clears (or at the end,\n"
      "\"cleared\":null): machine (null for a site outage), site, kind, onset, failure, cleared,\n"
      "codes, and for a dispense_failure txns: the sales it shorted (written 5 minutes after\n"
      "the fix). `wm-sim score` compares the file with the gateway's tickets and refunds.");
  run->add_option("--mqtt", live.mqtt_uri, "Broker URI, e.g. tcp://127.0.0.1:1883")->required();
  run->add_option("--inventory", inventory_path, "Inventory JSON file")->required();
  run->add_option("--speed", live.speed, "Event time runs this many times faster than wall time")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run->add_option("--seed", live.seed, "Seed of sensor noise and customers")->capture_default_str();
  run->add_option("--start", start, "Event time at start: `now` or ISO-8601")
      ->capture_default_str();
  run->add_option("--duration", live.duration_s, "Wall-clock seconds to run; 0 = until a signal")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  double sim_days = 0;
  run->add_option("--sim-days", sim_days,
                  "Stop once this many days of event time are played, even when the "
                  "simulator could not keep up with --speed; 0 = no such limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3650.0));
  run->add_option("--telemetry-interval", interval_s, "Event-time seconds between readings")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  run->add_option("--qos-telemetry", live.qos_telemetry,
                  "QoS of wm-json-v1 telemetry (events, hx frames and hub messages use 1)")
      ->capture_default_str()
      ->check(CLI::IsMember({0, 1}));
  run->add_option("--client-id", live.client_id, "MQTT client id (default: wm-sim-<pid>)");
  run->add_option("--window", live.window, "Publishes in flight at most")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{60'000}));
  run->add_option("--hub-batch", hub_batch_s,
                  "Event-time seconds a tb-gateway hub collects samples into one "
                  "v1/gateway/telemetry message; 0 = twice --telemetry-interval")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  run->add_option("--hub-max-samples", live.hubs.max_samples,
                  "A hub sends its batch early once it holds this many samples")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}));
  run->add_option("--faults", live.faults.per_machine_day,
                  "Expected injected faults per machine per simulated day (e.g. 0.5); 0 = none "
                  "(and no routine visits)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  run->add_option("--degradation", live.faults.degradation_per_machine_30d,
                  "Expected slow faults (days to weeks of wear before the failure) per machine "
                  "per 30 simulated days (e.g. 1); 0 = none")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  std::string truth_path;
  run->add_option("--truth", truth_path,
                  "Ground truth: one JSON line per injected fault, written when it clears");
  double hygiene_days = 7;
  run->add_option("--hygiene-days", hygiene_days,
                  "The cleaning interval the gateway enforces; a machine past it without a "
                  "cleaning is a cleaning_due fault in the ground truth")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 365.0));

  wm::sim::FloodOptions flood;
  std::string flood_start = "now";
  double flood_interval_s = 60;
  auto* flood_cmd = app.add_subcommand(
      "flood",
      "Publish M wm-json-v1 telemetry messages as fast as possible, round-robin over the "
      "inventory's wm-json-v1 machines (others are left out)");
  flood_cmd->add_option("--mqtt", flood.mqtt_uri, "Broker URI, e.g. tcp://127.0.0.1:1883")
      ->required();
  flood_cmd->add_option("--inventory", inventory_path, "Inventory JSON file")->required();
  flood_cmd->add_option("--count", flood.count, "Messages to publish")
      ->required()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  flood_cmd->add_option("--qos", flood.qos, "QoS 0 or 1")
      ->capture_default_str()
      ->check(CLI::IsMember({0, 1}));
  flood_cmd->add_option("--rate", flood.rate, "Messages per second; 0 = as fast as possible")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  flood_cmd->add_option("--seed", flood.seed, "Seed of sensor values")->capture_default_str();
  flood_cmd->add_option("--start", flood_start, "Event time of the first message: now or ISO-8601")
      ->capture_default_str();
  flood_cmd
      ->add_option("--telemetry-interval", flood_interval_s,
                   "Event-time seconds between two readings of one machine")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
  flood_cmd->add_option("--client-id", flood.client_id, "MQTT client id (default: wm-sim-<pid>)");
  flood_cmd->add_option("--window", flood.window, "Publishes in flight at most")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{60'000}));
  std::string cpu = "auto";
  flood_cmd
      ->add_option("--cpu", cpu,
                   "Pin the publisher to one CPU: auto (the one it starts on), none, or a number")
      ->capture_default_str();

  wm::sim::ScoreCommand score;
  CLI::App* score_cmd = wm::sim::add_score_subcommand(app, score);

  CLI11_PARSE(app, argc, argv);

  if (*inventory) return write_inventory(devices, seed, mix_text, out);
  if (*score_cmd) return wm::sim::run_score(score, std::cout);

  const auto fleet = load_fleet(inventory_path);
  if (!fleet) return 1;
  if (*run) {
    const auto start_ms = resolve_start(start);
    if (!start_ms) return 2;
    live.start_ms = *start_ms;
    live.telemetry_interval_ms = static_cast<std::int64_t>(interval_s * 1000.0);
    live.hubs.batch_ms = hub_batch_s > 0 ? static_cast<std::int64_t>(hub_batch_s * 1000.0)
                                         : 2 * live.telemetry_interval_ms;
    if (live.client_id.empty()) live.client_id = default_client_id();
    if (sim_days > 0) {
      live.until_ms = live.start_ms +
                      static_cast<std::int64_t>(sim_days * static_cast<double>(wm::sim::kMsPerDay));
    }
    const bool injecting =
        live.faults.per_machine_day > 0 || live.faults.degradation_per_machine_30d > 0;
    live.faults.routine_maintenance = injecting;
    live.faults.hygiene_interval_ms =
        static_cast<std::int64_t>(hygiene_days * static_cast<double>(wm::sim::kMsPerDay));
    std::ofstream truth_file;
    std::optional<wm::sim::TruthWriter> truth;
    if (!truth_path.empty()) {
      truth_file.open(truth_path, std::ios::binary | std::ios::trunc);
      if (!truth_file) {
        spdlog::error("cannot write {}: check the directory exists and is writable", truth_path);
        return 1;
      }
      if (!injecting) {
        spdlog::warn(
            "--truth {} stays empty: no faults are injected without --faults or "
            "--degradation",
            truth_path);
      }
      live.truth = &truth.emplace(truth_file);
    }
    const int code = wm::sim::run_live_fleet(*fleet, live);
    if (truth && !truth->ok()) {
      spdlog::error("could not write every line of {}: check the disk", truth_path);
      return 1;
    }
    if (truth) spdlog::info("wrote {} ground-truth lines to {}", truth->lines(), truth_path);
    return code;
  }
  const auto start_ms = resolve_start(flood_start);
  if (!start_ms) return 2;
  flood.start_ms = *start_ms;
  flood.telemetry_interval_ms =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(flood_interval_s * 1000.0));
  if (flood.client_id.empty()) flood.client_id = default_client_id();
  if (cpu == "none") {
    flood.cpu = -2;
  } else if (cpu != "auto") {
    try {
      flood.cpu = std::stoi(cpu);
    } catch (const std::exception&) {
      flood.cpu = -3;
    }
    if (flood.cpu < 0) {
      spdlog::error("--cpu {}: expected auto, none or a CPU number", cpu);
      return 2;
    }
  }
  const Fleet json_fleet = wm::sim::machines_speaking(*fleet, wm::sim::WireProtocol::kWmJson);
  if (json_fleet.machines.empty()) {
    spdlog::error("inventory {} has no wm-json-v1 machines: flood publishes wm-json-v1 only",
                  inventory_path);
    return 1;
  }
  return wm::sim::run_flood(json_fleet, flood);
}
