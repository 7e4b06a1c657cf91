// A whole in-process gateway (store on a temporary file, fleet, writer, intake, API)
// without MQTT or HTTP sockets, for the intake and API tests.
#pragma once

#include <memory>
#include <string>

#include "gateway/api.h"
#include "gateway/intake.h"
#include "gateway/test_support.h"

namespace wm::gateway::testing {

class GatewayFixture {
 public:
  GatewayFixture()
      : store(dir.file("gateway.db")),
        fleet(test_inventory()),
        writer(store, metrics, clock,
               [this](const std::vector<TwinIndex>& twins) { return fleet.twin_rows(twins); }),
        intake(fleet, writer, metrics, clock),
        auth(store),
        api(fleet, store, writer, metrics, auth, clock) {
    writer.start();
  }
  ~GatewayFixture() { writer.stop(); }

  std::string token(const std::string& role, const std::string& org) {
    auto t = new_token();
    store.add_token(sha256_hex(t), role, org, clock.now_ms());
    return t;
  }

  HttpResponse get(const std::string& path, const std::string& token,
                   std::map<std::string, std::string> query = {}) {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return api.handle(r);
  }

  TempDir dir;
  ManualClock clock;
  Metrics metrics;
  Store store;
  FleetState fleet;
  StoreWriter writer;
  Intake intake;
  Authenticator auth;
  Api api;
};

}  // namespace wm::gateway::testing
