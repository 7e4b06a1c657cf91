// `wm-sim score`: reads a run's ground truth (the file `wm-sim run --truth` wrote) and
// the gateway's tickets and refunds over its REST API, scores them (scorer.h, where the
// matching rules are) and prints the scorecard as a table or as JSON (score_report.h).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace wm::sim {

struct ScoreCommand {
  std::string truth_path;
  std::string api_url;  // http://127.0.0.1:8080
  std::string token;
  std::string from;                // RFC 3339; empty: the earliest time in the records
  std::string until;               // RFC 3339; empty: just past the latest
  std::uint64_t machines = 0;      // 0: count the gateway's devices
  double slack_minutes = 30;       // around each truth line's window
  std::string count_by = "onset";  // or "failure": which time puts a truth line in the period
  bool evidence = true;            // read each ticket's evidence (reopens, joins)
  bool json = false;
};

// Adds `score` and its options (filling `command`) to wm-sim's command line.
CLI::App* add_score_subcommand(CLI::App& app, ScoreCommand& command);

// Prints the scorecard to `out`; says what went wrong on the log. Returns the exit
// code: 0 scored, 1 the truth or the gateway could not be read, 2 a bad argument.
int run_score(const ScoreCommand& command, std::ostream& out);

}  // namespace wm::sim
