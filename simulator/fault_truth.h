// The ground truth of a run with injected faults: one record per fault, written as one
// JSON line (the file `wm-sim run --truth FILE` writes and `wm-sim score` will read):
//
//   {"machine":"wm-00012","site":"s-003","kind":"leak",
//    "onset":"2024-03-04T09:12:00.000Z","failure":"2024-03-04T09:12:00.000Z",
//    "cleared":"2024-03-04T11:40:30.000Z","codes":["E02"]}
//
// A dispense_failure line also lists the sales it shorted (charged in full, little or no
// water), by the txn of their dispense events:
//
//   {"machine":"wm-00007","site":"s-002","kind":"dispense_failure",...,"codes":["E08"],
//    "txns":["t-wm-00007-1709546400000","t-wm-00007-1709546530000"]}
//
// machine   the machine, or null for a fault of the whole site (site_power_outage)
// site      the site
// kind      DESIGN.md's fault kind (fault_kind.h)
// onset     when the fault began (RFC 3339, UTC, event time)
// failure   when it became a failure that users notice; equals onset for sudden faults,
//           later for ones that build up (product TDS climbing to the limit), and may lie
//           past the end of the run when cleared is null
// cleared   when the machine was healthy again (sensor normal, code cleared, machine back
//           online, cleaned), or null when the run stopped first
// codes     the fault codes the machine put on the wire for it (none on tb-gateway hubs)
// txns      dispense_failure only: the txn of every sale it shorted (dispensed_ml below
//           requested_ml), in the order they ended; each is unique per machine
//
// A record is written when its fault clears, or when the run stops (cleared null). A
// dispense failure is written a few minutes after it clears, so that a sale which began
// before the fix and ended after it is in its txns.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/messages.h"
#include "protocols/result.h"
#include "simulator/fault_kind.h"

namespace wm::sim {

struct FaultTruth {
  std::string machine;  // empty for a site-wide fault
  std::string site;
  FaultKind kind = FaultKind::kLeak;
  std::int64_t onset_ms = 0;
  std::int64_t failure_ms = 0;
  std::optional<std::int64_t> cleared_ms;
  std::vector<protocols::FaultCode> codes;
  std::vector<std::string> txns;  // dispense_failure: the sales it shorted

  bool operator==(const FaultTruth&) const = default;
};

// The JSON line of a record, without the newline.
std::string truth_json_line(const FaultTruth& truth);

// Reads a line back. Errors: "malformed_json", "missing_field", "wrong_type",
// "out_of_range" (unknown kind or code, a time that is not RFC 3339); `field` names it.
// txns is optional (lines written before it existed have none).
[[nodiscard]] Result<FaultTruth> parse_truth_line(std::string_view line);

// Where a FaultInjector reports what it injected.
class TruthSink {
 public:
  virtual ~TruthSink() = default;
  virtual void record(const FaultTruth& truth) = 0;
};

// Writes each record as a line to a stream and flushes it at once, so a reader tailing
// the file sees every fault that has cleared. The stream must outlive the writer.
class TruthWriter final : public TruthSink {
 public:
  explicit TruthWriter(std::ostream& out) : out_(out) {}
  void record(const FaultTruth& truth) override;

  std::uint64_t lines() const { return lines_; }
  // False once a write failed (disk full, file removed): later records are still tried.
  bool ok() const { return ok_; }

 private:
  std::ostream& out_;
  std::uint64_t lines_ = 0;
  bool ok_ = true;
};

}  // namespace wm::sim
