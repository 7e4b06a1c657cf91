// The fixture of the end-to-end tests: a Mosquitto on a free loopback port, wm-gateway
// as a child process (started with extra flags a test may add), a Paho publisher, and
// helpers that read the answers back over HTTP as a client would. Messages are written by
// hand from PROTOCOLS.md, not with the gateway's own encoders.
#pragma once

#include <gtest/gtest.h>
#include <mqtt/async_client.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/harness.h"

namespace wm::tests {

using nlohmann::json;

inline constexpr const char* kInventory = R"({
  "orgs": [{"id": "op-1", "type": "operator", "name": "Clearwater Ops"},
           {"id": "pm-7", "type": "property", "name": "Sunrise Property"},
           {"id": "pm-8", "type": "property", "name": "Harbour Malls"}],
  "sites": [{"id": "s-001", "name": "No. 3 Middle School", "kind": "school",
             "operator": "op-1", "property": "pm-7", "utc_offset": "+08:00"},
            {"id": "s-002", "name": "Harbour Plaza", "kind": "mall",
             "operator": "op-1", "property": "pm-8"}],
  "devices": [{"id": "wm-0001", "site": "s-001", "protocol": "wm-json-v1", "model": "RO-400"},
              {"id": "wm-0002", "site": "s-002", "protocol": "wm-json-v1", "model": "RO-400"},
              {"id": "hx-0001", "site": "s-002", "protocol": "hx-binary", "model": "HX-2"},
              {"id": "tb-0001", "site": "s-001", "protocol": "tb-gateway", "model": "RO-400"}]
})";

inline std::string telemetry(std::int64_t ts, std::uint32_t seq, double tds_out) {
  json j = {{"ts", ts},       {"seq", seq},
            {"tds_in", 180},  {"tds_out", tds_out},
            {"flow_lpm", 0},  {"pressure_kpa", 310},
            {"temp_c", 19.5}, {"filter_l", 420},
            {"uv_ok", true},  {"firmware_note", "unknown fields are ignored"}};
  return j.dump();
}

class GatewayIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    broker_ = std::make_unique<Broker>(dir_, free_port());
    broker_->start();
    std::ofstream(dir_ + "/inventory.json") << kInventory;
    http_port_ = free_port();
    start_gateway();
    admin_ = add_token("admin", "op-1");
    publisher_ = std::make_unique<mqtt::async_client>(broker_->uri(), "it-publisher");
    auto opts = mqtt::connect_options_builder().clean_session(true).finalize();
    publisher_->connect(opts)->wait();
  }

  void TearDown() override {
    if (publisher_ && publisher_->is_connected()) publisher_->disconnect()->wait();
    if (gateway_) gateway_->stop(SIGTERM);
    broker_->stop();
    if (!HasFailure()) {  // keep the logs of a failed test for a look
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  void start_gateway() {
    std::vector<std::string> args{"serve",
                                  "--mqtt",
                                  broker_->uri(),
                                  "--http",
                                  "127.0.0.1:" + std::to_string(http_port_),
                                  "--db",
                                  dir_ + "/gateway.db",
                                  "--inventory",
                                  dir_ + "/inventory.json",
                                  "--client-id",
                                  "wm-gateway-it"};
    args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
    gateway_ = std::make_unique<Process>(WM_GATEWAY_BIN, args, dir_ + "/gateway.log");
    ASSERT_TRUE(wait_until([this] { return metric("wm_mqtt_connected") == 1; }))
        << read_text(dir_ + "/gateway.log");
  }

  std::string add_token(const std::string& role, const std::string& org) {
    std::string log = dir_ + "/token-" + role + "-" + org + ".out";
    Process p(WM_GATEWAY_BIN,
              {"token", "add", "--db", dir_ + "/gateway.db", "--role", role, "--org", org}, log);
    EXPECT_EQ(p.stop(0, std::chrono::seconds(10)), 0);  // signal 0: just wait for the exit
    std::string out = read_text(log);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  void publish(const std::string& topic, const std::string& payload, int qos = 1) {
    publisher_->publish(topic, payload.data(), payload.size(), qos, false)->wait();
  }

  HttpResult get(const std::string& target, const std::string& token) {
    return http_request(http_port_, "GET", target, {{"Authorization", "Bearer " + token}});
  }

  HttpResult post(const std::string& target, const std::string& token, const std::string& body) {
    return http_request(http_port_, "POST", target, {{"Authorization", "Bearer " + token}}, body);
  }

  // A counter or gauge from /metrics (-1 when absent or the gateway does not answer).
  double metric(const std::string& series) {
    auto r = http_request(http_port_, "GET", "/metrics");
    if (r.status != 200) return -1;
    auto pos = r.body.find("\n" + series + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(r.body.substr(pos + series.size() + 2));
  }

  std::int64_t stored_events(const std::string& device) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir_ + "/gateway.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM events WHERE device_id = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, device.c_str(), -1, SQLITE_TRANSIENT);
    std::int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  json twin(const std::string& id) {
    auto r = get("/api/v1/devices/" + id, admin_);
    return r.status == 200 ? json::parse(r.body) : json();
  }

  std::vector<std::string> extra_flags_;  // set in a derived constructor: more serve flags
  std::string dir_;
  std::unique_ptr<Broker> broker_;
  std::uint16_t http_port_ = 0;
  std::unique_ptr<Process> gateway_;
  std::string admin_;
  std::unique_ptr<mqtt::async_client> publisher_;
};

inline constexpr std::int64_t kTs = 1'795'400'000'000;

// An HX frame written from PROTOCOLS.md section 2 alone (not with the gateway's encoder):
// AA 55 01 cmd len(BE) payload CRC-16/MODBUS(low byte first) over version..payload.
inline std::string hx_frame(std::uint8_t command, const std::string& payload) {
  std::string f = {'\xAA',
                   '\x55',
                   '\x01',
                   static_cast<char>(command),
                   static_cast<char>(payload.size() >> 8),
                   static_cast<char>(payload.size() & 0xFF)};
  f += payload;
  std::uint16_t crc = 0xFFFF;
  for (size_t i = 2; i < f.size(); ++i) {
    crc ^= static_cast<std::uint8_t>(f[i]);
    for (int b = 0; b < 8; ++b)
      crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001)
                      : static_cast<std::uint16_t>(crc >> 1);
  }
  f += static_cast<char>(crc & 0xFF);
  f += static_cast<char>(crc >> 8);
  return f;
}

inline void put(std::string& s, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

}  // namespace wm::tests
