// Scorer: compares the ground truth of a run (fault_truth.h) with the gateway's tickets
// and refunds, and says per fault kind how many faults were found, how early, and how
// many tickets were noise; and whether every sale charged without water was refunded
// exactly once. Pure: the records come in, a Scorecard comes out (`wm-sim score` reads
// them from the truth file and the REST API; score_report.h prints the card).
//
// Tickets. Only machine tickets count (source `detected` or `predicted`); tickets from
// people (hotline, app, mini_program, property) are ignored and counted apart. A ticket's
// subject is its device_id — the machine, or the site for site_power_outage — as is a
// truth line's (machine, or site when machine is null). A ticket is seen at its
// detected_at and again at each later machine evidence (a signal joining it, or
// reopening it for a recurrence); all in event time.
//
// Matching. A truth line's window is [onset - slack, end + slack], end being cleared, or
// the end of the scored period when the fault was still active (never before failure).
//   1. Each ticket, in detected_at order, matches the unmatched truth line of the same
//      subject and kind whose window holds its detected_at (the earliest onset first).
//   2. Then each later sighting of a ticket does the same: one ticket reopened (or
//      joined) for a second episode of the same machine and kind matches both.
// Each truth line is matched at most once. A ticket that matched a line is a true
// ticket; one that did not, but whose detected_at lies in the window of a line of its
// subject and kind that another ticket matched, is a duplicate; any other is false — in
// particular every ticket of a kind the truth never injected on that subject. A
// cleaning_due ticket matches the truth's cleaning_due line (a skipped cleaning) like any
// other kind. A slow fault's predicted ticket matches from its onset, so its lead can be
// days; its fix always comes after its failure (degradation_episode.h).
//
// Per kind: precision = true tickets / tickets (duplicates and false ones count against
// it); recall = matched truth lines / truth lines; lead = failure - the matching
// sighting (detected_at, or opened_at for the opened lead), in hours, negative when the
// ticket came after the failure; the median over the matched lines. False tickets are
// also given per 1000 machine-days (machines x days of the scored period).
//
// Period. Truth lines count when their onset lies in [from, until) (or their failure,
// with count_by_failure: slow faults that began late in a run fail after it, and nothing
// could have been seen of most of them), tickets when their detected_at does; matching
// looks across the whole run, so a fault near an edge still finds its ticket.
//
// Refunds. The truly short sales are the txns of the dispense_failure lines (whose onset
// lies in the period), keyed by (machine, txn). A refund counts unless it was rejected
// (pending_review counts: the gateway did claim it); one of a txn the truth does not list
// counts when its created_at lies in the period. Precision = counted refunds of truly
// short sales / counted refunds; recall = short sales refunded exactly once / short
// sales; a short sale refunded twice or more is a double, reported apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/fault_truth.h"
#include "simulator/sim_time.h"

namespace wm::sim {

// A ticket as GET /api/v1/tickets (and /tickets/{id} for the evidence) shows it.
struct TicketRecord {
  std::string id;
  std::string subject;  // device_id: the machine, or the site for site_power_outage
  std::string kind;     // DESIGN.md's name, e.g. "leak"
  std::string source;   // predicted, detected, hotline, app, mini_program, property
  std::int64_t detected_ms = 0;
  std::int64_t opened_ms = 0;
  std::vector<std::int64_t> sightings_ms;  // later machine evidence (joins, reopens)
};

// A refund as GET /api/v1/refunds shows it.
struct RefundRecord {
  std::string id;
  std::string device;
  std::string txn;
  std::string state;  // approved, pending_review, rejected
  std::int64_t created_ms = 0;
};

// Whether a ticket's source is a person rather than the machine's data.
bool from_people(const std::string& source);

struct ScoreOptions {
  std::int64_t from_ms = 0;  // the scored period [from_ms, until_ms)
  std::int64_t until_ms = 0;
  std::uint64_t machines = 0;  // in the fleet, for false tickets per 1000 machine-days
  std::int64_t slack_ms = 30 * kMsPerMinute;
  bool count_by_failure = false;  // truth lines count by failure time instead of onset
};

// The period the records span when none is given: from the earliest onset or
// detected_at to just past the latest onset, failure, clearing or detected_at.
struct Period {
  std::int64_t from_ms = 0;
  std::int64_t until_ms = 0;
};
Period observed_period(const std::vector<FaultTruth>& truths,
                       const std::vector<TicketRecord>& tickets);

struct KindScore {
  std::string kind;  // "all" for the total
  std::uint64_t truths = 0;
  std::uint64_t matched = 0;  // truth lines found: the true positives
  std::uint64_t tickets = 0;  // machine tickets
  std::uint64_t true_tickets = 0;
  std::uint64_t duplicate_tickets = 0;
  std::uint64_t false_tickets = 0;
  std::optional<double> precision;             // nullopt without tickets
  std::optional<double> recall;                // nullopt without truth lines
  std::optional<double> median_lead_h;         // from detected_at
  std::optional<double> median_lead_opened_h;  // from opened_at
  double false_per_1000_machine_days = 0;
};

struct RefundScore {
  std::uint64_t short_sales = 0;     // truly short (truth txns)
  std::uint64_t refunds = 0;         // counted (not rejected)
  std::uint64_t pending_review = 0;  // of which still waiting for a person
  std::uint64_t rejected = 0;        // not counted
  std::uint64_t true_refunds = 0;    // counted refunds of truly short sales
  std::uint64_t refunded_once = 0;   // short sales refunded exactly once
  std::uint64_t doubles = 0;         // short sales refunded twice or more
  std::uint64_t missed = 0;          // short sales not refunded
  std::optional<double> precision;
  std::optional<double> recall;
};

struct Scorecard {
  std::int64_t from_ms = 0;
  std::int64_t until_ms = 0;
  std::uint64_t machines = 0;
  double machine_days = 0;
  std::int64_t slack_ms = 0;
  bool counted_by_failure = false;
  std::uint64_t people_tickets = 0;  // ignored
  std::vector<KindScore> kinds;      // every kind in the truth or the tickets, by name
  KindScore total;
  RefundScore refunds;
};

Scorecard score(const std::vector<FaultTruth>& truths, const std::vector<TicketRecord>& tickets,
                const std::vector<RefundRecord>& refunds, const ScoreOptions& options);

}  // namespace wm::sim
