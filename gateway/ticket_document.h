// A ticket as the JSON document the SQLite ticket store keeps (times as Unix ms, enums by
// their API names). The document is the whole ticket; the columns beside it in the
// tickets table exist only to find and filter tickets.
#pragma once

#include <string>
#include <string_view>

#include "protocols/result.h"
#include "tickets/ticket.h"

namespace wm::gateway {

std::string ticket_to_document(const tickets::Ticket& ticket);
// Error "corrupt_ticket" naming the field when the document is not one this gateway wrote.
[[nodiscard]] Result<tickets::Ticket> ticket_from_document(std::string_view document);

}  // namespace wm::gateway
