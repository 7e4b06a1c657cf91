#include "simulator/score_command.h"

#include <spdlog/spdlog.h>

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
