#include "simulator/scorer.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace wm::sim {
namespace {

using Key = std::pair<std::string, std::string>;  // (subject, kind), or (machine, txn)

// A truth line with its matching window and, once matched, its lead times.
struct Line {
  const FaultTruth* truth = nullptr;
  std::int64_t lo_ms = 0;
  std::int64_t hi_ms = 0;
  bool counted = false;  // onset in the scored period
  bool matched = false;
  std::int64_t lead_ms = 0;
  std::int64_t lead_opened_ms = 0;
};

enum class Verdict { kFalse, kDuplicate, kTrue };

std::string subject_of(const FaultTruth& t) { return t.machine.empty() ? t.site : t.machine; }

bool in_period(std::int64_t ts_ms, const ScoreOptions& o) {
  return ts_ms >= o.from_ms && ts_ms < o.until_ms;
}

std::optional<double> ratio(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> median_hours(std::vector<std::int64_t> ms) {
  if (ms.empty()) return std::nullopt;
  std::sort(ms.begin(), ms.end());
  const std::size_t mid = ms.size() / 2;
  const double median = ms.size() % 2 == 1
                            ? static_cast<double>(ms[mid])
                            : (static_cast<double>(ms[mid - 1]) + static_cast<double>(ms[mid])) / 2;
  return median / static_cast<double>(kMsPerHour);
}

// The unmatched line of `group` (sorted by onset) whose window holds at_ms, if any.
Line* unmatched_line_at(std::vector<Line>& lines, const std::vector<std::size_t>& group,
                        std::int64_t at_ms) {
  for (std::size_t i : group) {
    Line& line = lines[i];
    if (!line.matched && line.lo_ms <= at_ms && at_ms <= line.hi_ms) return &line;
  }
  return nullptr;
}

// What one kind's row accumulates before the ratios are taken.
struct Tally {
  KindScore score;
  std::vector<std::int64_t> leads_ms;
  std::vector<std::int64_t> leads_opened_ms;
};

void finish_row(Tally& tally, double machine_days) {
  KindScore& s = tally.score;
  s.precision = ratio(s.true_tickets, s.tickets);
  s.recall = ratio(s.matched, s.truths);
  s.median_lead_h = median_hours(tally.leads_ms);
  s.median_lead_opened_h = median_hours(tally.leads_opened_ms);
  s.false_per_1000_machine_days =
      machine_days > 0 ? static_cast<double>(s.false_tickets) * 1000.0 / machine_days : 0.0;
}

RefundScore score_refunds(const std::vector<FaultTruth>& truths,
                          const std::vector<RefundRecord>& refunds, const ScoreOptions& options) {
  std::set<Key> short_anywhere;
  std::map<Key, std::uint64_t> refunds_of_short;  // short sales of the period
  for (const FaultTruth& t : truths) {
    if (t.kind != FaultKind::kDispenseFailure) continue;
    for (const std::string& txn : t.txns) {
      short_anywhere.emplace(t.machine, txn);
      if (in_period(t.onset_ms, options)) refunds_of_short.emplace(Key{t.machine, txn}, 0);
    }
  }
  RefundScore out;
  for (const RefundRecord& r : refunds) {
    const Key key{r.device, r.txn};
    const auto short_sale = refunds_of_short.find(key);
    const bool relevant = short_sale != refunds_of_short.end() ||
                          (!short_anywhere.contains(key) && in_period(r.created_ms, options));
    if (!relevant) continue;
    if (r.state == "rejected") {
      ++out.rejected;
      continue;
    }
    ++out.refunds;
    if (r.state == "pending_review") ++out.pending_review;
    if (short_sale != refunds_of_short.end()) {
      ++out.true_refunds;
      ++short_sale->second;
    }
  }
  out.short_sales = refunds_of_short.size();
  for (const auto& [key, n] : refunds_of_short) {
    if (n == 0) ++out.missed;
    if (n == 1) ++out.refunded_once;
    if (n >= 2) ++out.doubles;
  }
  out.precision = ratio(out.true_refunds, out.refunds);
  out.recall = ratio(out.refunded_once, out.short_sales);
  return out;
}

}  // namespace

bool from_people(const std::string& source) {
  return source != "detected" && source != "predicted";
}

Period observed_period(const std::vector<FaultTruth>& truths,
                       const std::vector<TicketRecord>& tickets) {
  std::int64_t lo = INT64_MAX;
  std::int64_t hi = INT64_MIN;
  auto see = [&](std::int64_t ts_ms) {
    lo = std::min(lo, ts_ms);
    hi = std::max(hi, ts_ms);
  };
  for (const FaultTruth& t : truths) {
    see(t.onset_ms);
    see(t.failure_ms);
    if (t.cleared_ms) see(*t.cleared_ms);
  }
  for (const TicketRecord& t : tickets) {
    if (!from_people(t.source)) see(t.detected_ms);
  }
  if (lo > hi) return Period{};
  return Period{lo, hi + 1};
}

Scorecard score(const std::vector<FaultTruth>& truths, const std::vector<TicketRecord>& tickets,
                const std::vector<RefundRecord>& refunds, const ScoreOptions& options) {
  Scorecard card;
  card.from_ms = options.from_ms;
  card.until_ms = options.until_ms;
  card.machines = options.machines;
  card.slack_ms = options.slack_ms;
  card.counted_by_failure = options.count_by_failure;
  card.machine_days =
      static_cast<double>(options.machines) *
      static_cast<double>(std::max<std::int64_t>(0, options.until_ms - options.from_ms)) /
      static_cast<double>(kMsPerDay);

  std::vector<Line> lines;
  lines.reserve(truths.size());
  std::map<Key, std::vector<std::size_t>> groups;
  for (const FaultTruth& t : truths) {
    const std::int64_t end =
        t.cleared_ms ? *t.cleared_ms : std::max(options.until_ms, t.failure_ms);
    const std::int64_t counted_at = options.count_by_failure ? t.failure_ms : t.onset_ms;
    lines.push_back(Line{&t, t.onset_ms - options.slack_ms, end + options.slack_ms,
                         in_period(counted_at, options)});
    groups[Key{subject_of(t), std::string(to_string(t.kind))}].push_back(lines.size() - 1);
  }
  for (auto& [key, group] : groups) {
    std::stable_sort(group.begin(), group.end(), [&](std::size_t a, std::size_t b) {
      return lines[a].truth->onset_ms < lines[b].truth->onset_ms;
    });
  }

  std::vector<std::size_t> machine_tickets;
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    if (from_people(tickets[i].source)) {
      card.people_tickets += in_period(tickets[i].detected_ms, options);
    } else {
      machine_tickets.push_back(i);
    }
  }
  std::sort(machine_tickets.begin(), machine_tickets.end(), [&](std::size_t a, std::size_t b) {
    const TicketRecord& x = tickets[a];
    const TicketRecord& y = tickets[b];
    return x.detected_ms != y.detected_ms ? x.detected_ms < y.detected_ms : x.id < y.id;
  });

  static const std::vector<std::size_t> kNone;
  auto group_of = [&](const TicketRecord& t) -> const std::vector<std::size_t>& {
    const auto it = groups.find(Key{t.subject, t.kind});
    return it == groups.end() ? kNone : it->second;
  };
  std::vector<Verdict> verdicts(tickets.size(), Verdict::kFalse);
  auto try_match = [&](std::size_t i, std::int64_t at_ms, std::int64_t opened_ms) {
    Line* line = unmatched_line_at(lines, group_of(tickets[i]), at_ms);
    if (line == nullptr) return;
    line->matched = true;
    line->lead_ms = line->truth->failure_ms - at_ms;
    line->lead_opened_ms = line->truth->failure_ms - opened_ms;
    verdicts[i] = Verdict::kTrue;
  };
  for (std::size_t i : machine_tickets) try_match(i, tickets[i].detected_ms, tickets[i].opened_ms);
  for (std::size_t i : machine_tickets) {
    std::vector<std::int64_t> later = tickets[i].sightings_ms;
    std::sort(later.begin(), later.end());
    for (std::int64_t at_ms : later) {
      if (at_ms > tickets[i].detected_ms) try_match(i, at_ms, at_ms);
    }
  }
  for (std::size_t i : machine_tickets) {
    if (verdicts[i] == Verdict::kTrue) continue;
    for (std::size_t l : group_of(tickets[i])) {
      if (lines[l].lo_ms <= tickets[i].detected_ms && tickets[i].detected_ms <= lines[l].hi_ms) {
        verdicts[i] = Verdict::kDuplicate;
      }
    }
  }

  std::map<std::string, Tally> rows;
  Tally total;
  total.score.kind = "all";
  auto count_line = [](Tally& tally, const Line& line) {
    ++tally.score.truths;
    if (!line.matched) return;
    ++tally.score.matched;
    tally.leads_ms.push_back(line.lead_ms);
    tally.leads_opened_ms.push_back(line.lead_opened_ms);
  };
  for (const Line& line : lines) {
    if (!line.counted) continue;
    count_line(rows[std::string(to_string(line.truth->kind))], line);
    count_line(total, line);
  }
  auto count_ticket = [](Tally& tally, Verdict verdict) {
    ++tally.score.tickets;
    if (verdict == Verdict::kTrue) ++tally.score.true_tickets;
    if (verdict == Verdict::kDuplicate) ++tally.score.duplicate_tickets;
    if (verdict == Verdict::kFalse) ++tally.score.false_tickets;
  };
  for (std::size_t i : machine_tickets) {
    if (!in_period(tickets[i].detected_ms, options)) continue;
    count_ticket(rows[tickets[i].kind], verdicts[i]);
    count_ticket(total, verdicts[i]);
  }
  for (auto& [kind, tally] : rows) {
    tally.score.kind = kind;
    finish_row(tally, card.machine_days);
    card.kinds.push_back(tally.score);
  }
  finish_row(total, card.machine_days);
  card.total = total.score;
  card.refunds = score_refunds(truths, refunds, options);
  return card;
}

}  // namespace wm::sim
