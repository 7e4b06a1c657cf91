// Dispense events become money exactly once: the store calls the charger for every
// dispense event it has just inserted as new, inside the same transaction, so the event
// and its ledger entries (the charge, and an automatic refund when the machine did not
// deliver) commit together or not at all, before the broker's QoS 1 message is
// acknowledged. A redelivered event is not new (the unique (device, txn) index) and is
// never charged again. Runs on the store writer's thread only.
#pragma once

#include <cstdint>

#include "gateway/fleet_state.h"
#include "gateway/metrics.h"
#include "gateway/sqlite.h"
#include "gateway/store.h"
#include "tickets/refund_policy.h"
#include "tickets/ticket_store.h"

namespace wm::gateway {

class DispenseCharger {
 public:
  // `tickets` gives the machine's open dispense_failure ticket (read on its own
  // connection: committed state).
  DispenseCharger(FleetState& fleet, const tickets::TicketStore& tickets, Metrics& metrics,
                  tickets::RefundPolicy policy = {});

  // The store's hook for a newly inserted event (anything but a dispense is ignored).
  // Never throws for a refused plan: a plan the book refuses is logged and counted
  // (wm_money_errors_total), and the event stays stored; a storage failure is rethrown
  // so the whole transaction is retried.
  void operator()(Connection& tx, const EventRow& row);

 private:
  FleetState& fleet_;
  const tickets::TicketStore& tickets_;
  Metrics& metrics_;
  tickets::RefundPolicy policy_;
};

}  // namespace wm::gateway
