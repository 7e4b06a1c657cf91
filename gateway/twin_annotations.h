// What the twin shows beside the machine's own state (API.md: `health`, `locked`,
// `predictions`, `open_tickets`): read from the ticket desk and the predictors, shared by
// the device endpoints and the fleet health endpoint.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "devices/fault_kind.h"
#include "devices/inventory.h"
#include "devices/twin.h"

namespace wm::gateway {

class TicketService;

// The twin as the machine's own messages show it (api_devices.cpp).
nlohmann::json twin_json(const devices::Device& device, const devices::Site& site,
                         const devices::Twin& twin);

// Open tickets per machine, from one read of the open tickets.
struct OpenTicketIndex {
  struct Machine {
    std::vector<devices::FaultKind> kinds;  // open tickets not born of a prediction
    bool locked = false;
  };
  std::map<std::string, Machine, std::less<>> machines;

  static OpenTicketIndex read(const TicketService* tickets);
};

// Adds `locked`, `health` (0-100) and `predictions` to a twin made by twin_json. Must not
// be called under FleetState's lock (the predictors take their own, then the fleet's).
void annotate_twin(nlohmann::json& twin, const OpenTicketIndex& open, const TicketService* tickets);

}  // namespace wm::gateway
