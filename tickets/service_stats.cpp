// One pass collects samples per group and for the total; the summaries are computed at
// the end, so a ticket contributes to exactly one group and to the total.
#include "tickets/service_stats.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>

namespace wm::tickets {
namespace {

constexpr std::array<std::string_view, 3> kGroupByNames = {"kind", "site_kind", "channel"};

struct Samples {
  std::size_t tickets = 0;
  std::vector<double> first_response_s;
  std::vector<double> resolution_s;
  std::int64_t transfers = 0;
  Attainment ack_sla;
  Attainment resolve_sla;
  std::vector<double> ratings;
};

double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::optional<double> mean_of(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

Distribution summarize(const std::vector<double>& values) {
  return Distribution{values.size(), mean_of(values), percentile(values, 50),
                      percentile(values, 90)};
}

void count(Attainment& attainment, std::optional<std::int64_t> done_at, std::int64_t due_ms,
           std::int64_t now_ms) {
  if (done_at) {
    ++(*done_at <= due_ms ? attainment.met : attainment.missed);
  } else if (now_ms > due_ms) {
    ++attainment.missed;
  }
}

void add(Samples& samples, const Ticket& t, std::int64_t now_ms) {
  ++samples.tickets;
  if (t.acknowledged_at_ms) {
    samples.first_response_s.push_back(seconds(*t.acknowledged_at_ms - t.opened_at_ms));
  }
  if (t.resolved_at_ms) samples.resolution_s.push_back(seconds(*t.resolved_at_ms - t.opened_at_ms));
  samples.transfers += t.transfers;
  // A ticket resolved before anyone acknowledged it had its first response in the fix.
  const std::optional<std::int64_t> responded =
      t.acknowledged_at_ms ? t.acknowledged_at_ms : t.resolved_at_ms;
  count(samples.ack_sla, responded, t.ack_due_ms, now_ms);
  count(samples.resolve_sla, t.resolved_at_ms, t.resolve_due_ms, now_ms);
  if (t.rating) samples.ratings.push_back(*t.rating);
}

GroupStats finish(std::string group, const Samples& samples) {
  GroupStats out;
  out.group = std::move(group);
  out.tickets = samples.tickets;
  out.first_response_s = summarize(samples.first_response_s);
  out.resolution_s = summarize(samples.resolution_s);
  out.transfers_per_ticket = samples.tickets == 0 ? 0.0
                                                  : static_cast<double>(samples.transfers) /
                                                        static_cast<double>(samples.tickets);
  out.ack_sla = samples.ack_sla;
  out.resolve_sla = samples.resolve_sla;
  out.ratings = samples.ratings.size();
  out.satisfaction = mean_of(samples.ratings);
  return out;
}

std::string group_of(const Ticket& t, StatsGroupBy group_by) {
  switch (group_by) {
    case StatsGroupBy::kKind:
      return std::string(devices::to_string(t.kind));
    case StatsGroupBy::kSiteKind:
      return std::string(devices::to_string(t.site_kind));
    case StatsGroupBy::kChannel:
      return t.channel;
  }
  std::abort();
}

}  // namespace

std::string_view to_string(StatsGroupBy group_by) {
  const auto index = static_cast<std::size_t>(group_by);
  if (index >= kGroupByNames.size()) std::abort();
  return kGroupByNames[index];
}

std::optional<StatsGroupBy> stats_group_by_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kGroupByNames.size(); ++i) {
    if (kGroupByNames[i] == name) return static_cast<StatsGroupBy>(i);
  }
  return std::nullopt;
}

std::optional<double> Attainment::ratio() const {
  if (met + missed == 0) return std::nullopt;
  return static_cast<double>(met) / static_cast<double>(met + missed);
}

std::optional<double> percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const auto index = static_cast<std::size_t>(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[index];
}

ServiceStats compute_service_stats(const std::vector<Ticket>& tickets, StatsGroupBy group_by,
                                   std::int64_t now_ms) {
  std::map<std::string, Samples> groups;
  Samples total;
  for (const Ticket& t : tickets) {
    add(groups[group_of(t, group_by)], t, now_ms);
    add(total, t, now_ms);
  }
  ServiceStats out;
  for (const auto& [name, samples] : groups) out.groups.push_back(finish(name, samples));
  out.total = finish("all", total);
  return out;
}

}  // namespace wm::tickets
