// GatewayReader: reads from the gateway's REST API (docs/openapi.yaml) what `wm-sim
// score` compares with the ground truth — every ticket, every refund (all pages) and
// the number of machines — over http_get.h. Blocking; one request at a time. The JSON
// to record conversions are separate pure functions, tested on their own.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocols/result.h"
#include "simulator/http_get.h"
#include "simulator/scorer.h"

namespace wm::sim {

// An item of GET /api/v1/tickets. Errors: "missing_field", "wrong_type", "out_of_range"
// (a time that is not RFC 3339), naming the field.
[[nodiscard]] Result<TicketRecord> ticket_record_from_json(const nlohmann::json& item);

// The event times of a ticket's machine evidence (source detected or predicted) in the
// answer of GET /api/v1/tickets/{id}; entries that do not parse are skipped.
std::vector<std::int64_t> machine_evidence_times(const nlohmann::json& ticket);

// An item of GET /api/v1/refunds. Errors as for tickets.
[[nodiscard]] Result<RefundRecord> refund_record_from_json(const nlohmann::json& item);

class GatewayReader {
 public:
  // `url` is the gateway's base address (http://127.0.0.1:8080); `token` a bearer token
  // that may read tickets and refunds (admin or agent sees the whole fleet).
  GatewayReader(HttpUrl url, std::string token);

  // Every ticket in the token's scope. With `evidence`, also asks GET /tickets/{id} for
  // each machine ticket (one request each) and keeps its later machine evidence — the
  // signals that joined or reopened it — as sightings.
  [[nodiscard]] Result<std::vector<TicketRecord>> tickets(bool evidence);
  [[nodiscard]] Result<std::vector<RefundRecord>> refunds();
  // The machines in the token's scope (GET /api/v1/devices).
  [[nodiscard]] Result<std::uint64_t> device_count();

  std::uint64_t requests() const { return requests_; }

 private:
  // A 200 answer's JSON; any other status is an error that quotes the gateway's message.
  Result<nlohmann::json> get_json(const std::string& target);
  // The items of every page of a list (limit 1000, following `next`).
  Result<std::vector<nlohmann::json>> all_items(const std::string& path);

  HttpUrl url_;
  std::string token_;
  std::uint64_t requests_ = 0;
};

}  // namespace wm::sim
