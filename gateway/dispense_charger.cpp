#include "gateway/dispense_charger.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "gateway/sqlite_card_book.h"
#include "gateway/time_format.h"
#include "tickets/dispense_plan.h"

namespace wm::gateway {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// What the twin knew about the machine when the dispense arrived: the fault codes
// active at its time and the newest readings, for the refund's evidence.
struct TwinFacts {
  bool e08_active = false;
  std::string evidence;
};

TwinFacts twin_facts(const devices::Twin& twin, std::int64_t ts_ms) {
  TwinFacts f;
  for (const auto& [code, state] : twin.fault_states()) {
    if (!state.active || state.since_ms > ts_ms) continue;
    if (code == protocols::FaultCode::kE08) f.e08_active = true;
    f.evidence += std::string(protocols::to_string(code)) + " active since " +
                  format_rfc3339(state.since_ms) + "; ";
  }
  if (const auto& t = twin.telemetry()) {
    f.evidence += "telemetry at " + format_rfc3339(t->ts_ms) + ": flow " + number(t->flow_lpm) +
                  " L/min, pressure " + number(t->pressure_kpa) + " kPa";
    if (t->tank_pct) f.evidence += ", tank " + number(*t->tank_pct) + "%";
  } else {
    f.evidence += "no telemetry yet";
  }
  return f;
}

}  // namespace

DispenseCharger::DispenseCharger(FleetState& fleet, const tickets::TicketStore& tickets,
                                 Metrics& metrics, tickets::RefundPolicy policy)
    : fleet_(fleet), tickets_(tickets), metrics_(metrics), policy_(policy) {}

void DispenseCharger::operator()(Connection& tx, const EventRow& row) {
  const auto* dispense = std::get_if<protocols::Dispense>(&row.event.body);
  if (dispense == nullptr) return;
  std::optional<devices::Site> site;
  TwinFacts twin;
  fleet_.read([&](const devices::Inventory& inventory, const TwinView& twins) {
    const auto* device = inventory.device(row.device_id);
    if (device == nullptr) return;
    if (const auto* s = inventory.site(device->site)) site = *s;
    twin = twin_facts(twins.at(row.device_id), row.event.ts_ms);
  });
  if (!site) {
    spdlog::error("dispense {} of {}: the machine is not in the inventory; not charged",
                  dispense->txn, row.device_id);
    metrics_.count("wm_money_errors_total", "reason=\"unknown_device\"");
    return;
  }
  auto facts = tickets::DispenseFacts::of(row.device_id, *site, *dispense, row.event.ts_ms);
  facts.failure_active = twin.e08_active;
  facts.evidence = "dispense " + dispense->txn + " at " + format_rfc3339(row.event.ts_ms) + ": " +
                   std::to_string(dispense->dispensed_ml) + " of " +
                   std::to_string(dispense->requested_ml) + " ml, charged " +
                   std::to_string(dispense->charged_fen) + " fen; " + twin.evidence;
  if (auto ticket = tickets_.find_open(row.device_id, devices::FaultKind::kDispenseFailure)) {
    facts.failure_active = true;
    facts.failure_ticket_id = ticket->id;
  }
  const auto card = read_card(tx, facts.card);
  const auto today =
      read_counters(tx, facts.card, facts.device_id, tickets::local_day(*site, facts.ts_ms));
  auto plan = tickets::plan_dispense(card, facts, policy_, today);
  if (!plan.ok()) {
    spdlog::error("dispense {} of {}: {}; not charged", dispense->txn, row.device_id,
                  plan.error().to_string());
    metrics_.count("wm_money_errors_total", "reason=\"" + plan.error().code + "\"");
    return;
  }
  auto stored = apply_money_plan(tx, std::move(plan).value());
  if (!stored.ok()) {
    if (stored.error().code == "unavailable") {
      throw SqliteError(SQLITE_IOERR,
                        "dispense " + dispense->txn + ": " + stored.error().to_string());
    }
    spdlog::error("dispense {} of {}: the card book refused the charge: {}", dispense->txn,
                  row.device_id, stored.error().to_string());
    metrics_.count("wm_money_errors_total", "reason=\"" + stored.error().code + "\"");
    return;
  }
  metrics_.count("wm_dispenses_charged_total",
                 "outcome=\"" + std::string(tickets::to_string(stored->dispense->outcome)) + "\"");
  if (const auto& refund = stored->refund) {
    metrics_.count("wm_refunds_total", "origin=\"dispense\",state=\"" +
                                           std::string(tickets::to_string(refund->refund.state)) +
                                           "\"");
    spdlog::info("refund {} of {} fen for {} on {} ({})", refund->refund.id,
                 refund->refund.amount_fen, dispense->txn, row.device_id,
                 tickets::to_string(refund->refund.state));
  }
}

}  // namespace wm::gateway
