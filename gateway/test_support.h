// Shared fixtures for the gateway's unit tests: a temporary directory, a clock the test
// moves, and a small inventory with one site of each kind.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "devices/inventory.h"
#include "gateway/clock.h"

namespace wm::gateway::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wm-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t now_ms = 1'790'000'000'000) : now_ms_(now_ms) {}
  std::int64_t now_ms() const override { return now_ms_; }
  void advance_ms(std::int64_t ms) { now_ms_ += ms; }

 private:
  std::int64_t now_ms_;
};

inline const char* kTestInventory = R"({
  "orgs": [{"id": "op-1", "type": "operator", "name": "Clearwater Ops"},
           {"id": "pm-7", "type": "property", "name": "Sunrise Property"},
           {"id": "pm-8", "type": "property", "name": "Harbour Malls"}],
  "sites": [{"id": "s-001", "name": "No. 3 Middle School", "kind": "school",
             "operator": "op-1", "property": "pm-7", "utc_offset": "+08:00",
             "business_hours": "08:00-20:00",
             "contract": {"overrides": {"cleaning_due": "operator"}, "arbiter": "op-1"}},
            {"id": "s-002", "name": "Harbour Plaza", "kind": "mall",
             "operator": "op-1", "property": "pm-8"}],
  "devices": [{"id": "wm-0001", "site": "s-001", "protocol": "wm-json-v1", "model": "RO-400",
               "filter_rated_l": 6000},
              {"id": "wm-0002", "site": "s-001", "protocol": "wm-json-v1", "model": "RO-400"},
              {"id": "wm-0003", "site": "s-002", "protocol": "wm-json-v1", "model": "RO-800"},
              {"id": "hx-0001", "site": "s-002", "protocol": "hx-binary", "model": "HX-2"},
              {"id": "tb-0001", "site": "s-002", "protocol": "tb-gateway", "model": "RO-400"}]
})";

inline devices::Inventory test_inventory() {
  auto inv = devices::Inventory::parse(kTestInventory);
  if (!inv.ok()) std::abort();
  return std::move(inv).value();
}

inline std::string telemetry_json(std::int64_t ts_ms, std::uint32_t seq, double tds_out = 12.5) {
  return R"({"ts":)" + std::to_string(ts_ms) + R"(,"seq":)" + std::to_string(seq) +
         R"(,"tds_in":210,"tds_out":)" + std::to_string(tds_out) +
         R"(,"flow_lpm":0,"pressure_kpa":300,"temp_c":21.5,"filter_l":1200,"uv_ok":true})";
}

inline std::string dispense_json(std::int64_t ts_ms, std::uint32_t seq, const std::string& txn) {
  return R"({"ts":)" + std::to_string(ts_ms) + R"(,"seq":)" + std::to_string(seq) +
         R"(,"type":"dispense","txn":")" + txn +
         R"(","card":"c-000123","charged_fen":50,"requested_ml":500,"dispensed_ml":500})";
}

}  // namespace wm::gateway::testing
