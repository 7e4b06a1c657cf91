// Service statistics as the industry reports them (DESIGN.md "Tickets", API.md
// GET /stats/service): first response time (opened -> first ack), resolution time
// (opened -> resolved), transfers per ticket, SLA attainment for ack and resolution, and
// satisfaction (1-5 ratings), grouped by fault kind, site kind or channel.
//
// Contract: pure function of the tickets handed in and `now_ms` (which decides whether an
// unmet deadline is already missed). SLA attainment counts only decided outcomes: an ack
// is met when the first ack came by ack_due, or, for a ticket resolved without an ack, when
// it was resolved by ack_due; it is missed when it came later or is still missing after the
// deadline. Resolution likewise against resolve_due with resolved_at. Percentiles use the
// nearest-rank method. Empty samples leave the optional values unset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tickets/ticket.h"

namespace wm::tickets {

enum class StatsGroupBy : std::uint8_t { kKind, kSiteKind, kChannel };
std::string_view to_string(StatsGroupBy group_by);  // "site_kind"
std::optional<StatsGroupBy> stats_group_by_from_string(std::string_view name);

// Durations in seconds.
struct Distribution {
  std::size_t count = 0;
  std::optional<double> mean;
  std::optional<double> p50;
  std::optional<double> p90;
};

// Share of decided outcomes that met their deadline.
struct Attainment {
  std::size_t met = 0;
  std::size_t missed = 0;
  [[nodiscard]] std::optional<double> ratio() const;
};

struct GroupStats {
  std::string group;  // "leak", "school", "hotline"; "all" for the total
  std::size_t tickets = 0;
  Distribution first_response_s;
  Distribution resolution_s;
  double transfers_per_ticket = 0;
  Attainment ack_sla;
  Attainment resolve_sla;
  std::size_t ratings = 0;
  std::optional<double> satisfaction;  // mean rating, 1-5
};

struct ServiceStats {
  std::vector<GroupStats> groups;  // ordered by group name
  GroupStats total;
};

ServiceStats compute_service_stats(const std::vector<Ticket>& tickets, StatsGroupBy group_by,
                                   std::int64_t now_ms);

// Nearest-rank percentile (0 < p <= 100) of `values`; nullopt when empty.
std::optional<double> percentile(std::vector<double> values, double p);

}  // namespace wm::tickets
