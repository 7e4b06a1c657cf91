// Tickets and service statistics as the REST API shows them (API.md "A ticket carries at
// least"): times as RFC 3339 UTC strings, `responsible` as {"party", "org"}, enums by
// their API names. The list form leaves out history and evidence; the single-ticket
// form has both.
#pragma once

#include <nlohmann/json.hpp>

#include "tickets/service_stats.h"
#include "tickets/ticket.h"

namespace wm::gateway {

enum class TicketDetail : bool { kSummary, kFull };

nlohmann::json ticket_json(const tickets::Ticket& ticket, TicketDetail detail);
nlohmann::json service_stats_json(const tickets::ServiceStats& stats,
                                  tickets::StatsGroupBy group_by);

}  // namespace wm::gateway
