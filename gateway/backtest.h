// `wm-gateway backtest`: replays a recorded series through the AnomalyDetector so that an
// operator can see what it would have said and choose thresholds.
//
// Input (CSV): a header line, then one row per sample, `YYYY-MM-DD HH:MM:SS,<number>`
// (a 'T' between date and time and a fraction of a second are also accepted; times are
// taken as UTC). Output: the header `timestamp,value,anomaly_score`, then for every input
// row its timestamp and value exactly as they were written (byte for byte) and the score
// in [0, 1] with four decimals.
//
// Bad input is refused whole, never half-printed: the first bad row yields an Error whose
// `field` is "line N" and whose message says what is wrong, and nothing is written. Blank
// lines (and a CR before the line feed) are not rows and are passed over. Rows need not be
// evenly spaced; a timestamp earlier than the one before is scored as if it were equal.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "devices/anomaly_detector.h"
#include "protocols/result.h"

namespace wm::gateway {

struct BacktestOutput {
  std::string csv;  // header and one line per input row
  std::size_t rows = 0;
};

// Pure: the whole input in, the whole output out.
Result<BacktestOutput> backtest_csv(std::string_view input,
                                    const devices::AnomalyConfig& config = {});

// The command: reads `path` ("-" for standard input), writes the output to `out`, or a
// message naming the file and line to `err`. Returns the process exit status (0 or 1).
int run_backtest(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace wm::gateway
