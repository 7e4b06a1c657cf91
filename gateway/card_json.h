// Cards, ledger entries, dispense records and refunds as the REST API shows them (API.md
// cards and refunds): money in integer fen, times as RFC 3339 UTC strings.
#pragma once

#include <nlohmann/json.hpp>

#include "tickets/card.h"
#include "tickets/card_book.h"
#include "tickets/ledger.h"
#include "tickets/refund.h"

namespace wm::gateway {

nlohmann::json card_json(const tickets::Card& card);
nlohmann::json ledger_entry_json(const tickets::LedgerEntry& entry);
nlohmann::json dispense_json(const tickets::DispenseRecord& dispense);
nlohmann::json refund_json(const tickets::Refund& refund);
nlohmann::json card_flag_json(const tickets::CardFlag& flag);

// GET /cards/{token}: the card with its recent dispenses (each with what is still
// refundable) and refunds, newest first, its newest ledger entries and its flags.
nlohmann::json card_view(const tickets::CardBook& book, const tickets::Card& card);

}  // namespace wm::gateway
