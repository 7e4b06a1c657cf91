#include "simulator/score_command.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "simulator/fault_truth.h"
#include "simulator/gateway_reader.h"
#include "simulator/http_get.h"
#include "simulator/score_report.h"
#include "simulator/scorer.h"
#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

std::optional<std::vector<FaultTruth>> read_truth(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    spdlog::error(
        "cannot read the truth file {}: write one with `wm-sim run --faults RATE "
        "--truth {}`",
        path, path);
    return std::nullopt;
  }
  std::vector<FaultTruth> truths;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto truth = parse_truth_line(line);
    if (!truth.ok()) {
      spdlog::error("{} line {}: {}", path, number, truth.error().to_string());
      return std::nullopt;
    }
    truths.push_back(std::move(truth).value());
  }
  return truths;
}

// An option's time, or `fallback` when the option is empty; nullopt when it does not parse.
std::optional<std::int64_t> time_option(const char* name, const std::string& text,
                                        std::int64_t fallback) {
  if (text.empty()) return fallback;
  const auto ms = parse_iso8601_ms(text);
  if (!ms)
    spdlog::error("{} {}: expected an RFC 3339 time such as 2024-03-04T08:00:00Z", name, text);
  return ms;
}

}  // namespace

CLI::App* add_score_subcommand(CLI::App& app, ScoreCommand& command) {
  auto* cmd = app.add_subcommand(
      "score", "Score the gateway's tickets and refunds against a run's ground truth");
  cmd->footer(
      "Per fault kind: truth lines, machine tickets, true positives, duplicates, false\n"
      "tickets, precision, recall, median lead before the failure (hours; negative when\n"
      "late) from detected_at and from opened_at, and false tickets per 1000 machine-days.\n"
      "Then the refunds of sales charged without water. Matching (simulator/scorer.h):\n"
      "  - tickets from people (hotline, app, mini_program, property) are ignored;\n"
      "  - a ticket matches a truth line of the same subject (the machine; the site for\n"
      "    site_power_outage) and kind when its detected_at lies in [onset - slack,\n"
      "    cleared + slack] (the period's end when not cleared); each line is matched at\n"
      "    most once, the earliest onset first;\n"
      "  - a ticket reopened or joined by a later signal (its machine evidence) may match\n"
      "    one more line of its machine and kind per such sighting;\n"
      "  - a ticket matching nothing is a duplicate when its detected_at lies in the window\n"
      "    of a line another ticket matched, else false (so is any ticket of a kind the\n"
      "    truth never put on that machine);\n"
      "  - cleaning_due tickets match the truth's skipped cleanings.\n"
      "Refunds: the truly short sales are the txns of dispense_failure lines; precision =\n"
      "refunds (not rejected) of truly short sales / refunds; recall = short sales refunded\n"
      "exactly once / short sales; doubles are counted apart. Truth lines count when their\n"
      "onset (with --count-by failure: their failure) lies in [--from, --until), tickets when\n"
      "their detected_at does (default: the span of the records). The gateway is read over\n"
      "plain HTTP (no TLS).");
  cmd->add_option("--truth", command.truth_path, "Ground-truth file of `wm-sim run --truth`")
      ->required();
  cmd->add_option("--api", command.api_url, "The gateway's address, e.g. http://127.0.0.1:8080")
      ->required();
  cmd->add_option("--token", command.token, "Bearer token (admin or agent: the whole fleet)")
      ->required();
  cmd->add_option("--from", command.from, "Start of the scored period (RFC 3339)");
  cmd->add_option("--until", command.until, "End of the scored period (RFC 3339), exclusive");
  cmd->add_option("--machines", command.machines,
                  "Machines in the fleet, for machine-days (default: the gateway's count)");
  cmd->add_option("--slack", command.slack_minutes,
                  "Event-time minutes a ticket may come before the onset or after the clearing")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 7.0 * 24 * 60));
  cmd->add_option("--count-by", command.count_by,
                  "Which time of a truth line must lie in the period for it to count: onset, "
                  "or failure (slow faults that began near the end fail after it)")
      ->capture_default_str()
      ->check(CLI::IsMember({"onset", "failure"}));
  cmd->add_flag("!--no-evidence", command.evidence,
                "Do not read each ticket's evidence (faster; reopened tickets then match "
                "one episode only)");
  cmd->add_flag("--json", command.json, "Print JSON instead of the table");
  return cmd;
}

int run_score(const ScoreCommand& command, std::ostream& out) {
  const auto url = parse_http_url(command.api_url);
  if (!url.ok()) {
    spdlog::error("--api {}", url.error().message);
    return 2;
  }
  const auto truths = read_truth(command.truth_path);
  if (!truths) return 1;

  GatewayReader gateway(*url, command.token);
  auto tickets = gateway.tickets(command.evidence);
  if (!tickets.ok()) {
    spdlog::error("reading the tickets from {}: {}", command.api_url, tickets.error().message);
    return 1;
  }
  auto refunds = gateway.refunds();
  if (!refunds.ok()) {
    spdlog::error("reading the refunds from {}: {}", command.api_url, refunds.error().message);
    return 1;
  }
  ScoreOptions options;
  options.machines = command.machines;
  if (options.machines == 0) {
    auto devices = gateway.device_count();
    if (!devices.ok()) {
      spdlog::error("counting the machines at {}: {} (or give --machines)", command.api_url,
                    devices.error().message);
      return 1;
    }
    options.machines = *devices;
  }
  const Period seen = observed_period(*truths, *tickets);
  const auto from = time_option("--from", command.from, seen.from_ms);
  const auto until = time_option("--until", command.until, seen.until_ms);
  if (!from || !until) return 2;
  if (*until <= *from && !(truths->empty() && tickets->empty())) {
    spdlog::error("the scored period is empty: --until must come after --from");
    return 2;
  }
  options.from_ms = *from;
  options.until_ms = *until;
  options.slack_ms =
      static_cast<std::int64_t>(command.slack_minutes * static_cast<double>(kMsPerMinute));
  options.count_by_failure = command.count_by == "failure";
  spdlog::info("{} truth lines, {} tickets, {} refunds ({} requests to the gateway)",
               truths->size(), tickets->size(), refunds->size(), gateway.requests());

  const Scorecard card = score(*truths, *tickets, *refunds, options);
  if (command.json) {
    out << scorecard_json(card).dump(2) << "\n";
  } else {
    out << scorecard_table(card);
  }
  return out ? 0 : 1;
}

}  // namespace wm::sim
