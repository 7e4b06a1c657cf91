// Money end to end, as issue 6's checker does it: cards recharged through REST, dispense
// events written from PROTOCOLS.md published at QoS 1 (delivered and not delivered,
// redelivered), the gateway killed with SIGKILL again and again under that load. Every
// dispense must be charged exactly once and every undelivered one refunded exactly once;
// each card's balance must be the sum of its ledger.
#include "tests/gateway_process_fixture.h"

namespace wm::tests {
namespace {

class MoneyIntegrationTest : public GatewayIntegrationTest {
 protected:
  std::int64_t query_int(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir_ + "/gateway.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    std::int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  void recharge(const std::string& card, std::int64_t fen) {
    auto r = post("/api/v1/cards/" + card + "/recharge", admin_,
                  json{{"amount_fen", fen}, {"ref", "pay-" + card}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  json card(const std::string& token) {
    auto r = get("/api/v1/cards/" + token, admin_);
    return r.status == 200 ? json::parse(r.body) : json();
  }
};

TEST_F(MoneyIntegrationTest, OneDeliveredOneNotAndARedeliveryGiveTheBalanceAndOneRefund) {
  recharge("c-check", 1000);
  auto dispense = [](const std::string& txn, std::uint32_t seq, int delivered) {
    return json{{"ts", kTs + seq},     {"seq", seq},
                {"type", "dispense"},  {"txn", txn},
                {"card", "c-check"},   {"charged_fen", 60},
                {"requested_ml", 600}, {"dispensed_ml", delivered}}
        .dump();
  };
  publish("wm/v1/s-001/wm-0001/event", dispense("t-ok", 1, 600));
  publish("wm/v1/s-001/wm-0001/event", dispense("t-dry", 2, 0));
  publish("wm/v1/s-001/wm-0001/event", dispense("t-dry", 2, 0));  // QoS 1 redelivery
  ASSERT_TRUE(wait_until([&] { return stored_events("wm-0001") == 2; }));
  json c;
  ASSERT_TRUE(wait_until([&] {
    c = card("c-check");
    return c.value("balance_fen", -1) == 1000 - 60 - 60 + 60;
  })) << c.dump(2);
  int refunds = 0;
  for (const auto& item : c["recent"]) refunds += item["type"] == "refund" ? 1 : 0;
  EXPECT_EQ(refunds, 1);
}

TEST_F(MoneyIntegrationTest, KillNineUnderLoadNeverLosesOrDoublesMoney) {
  constexpr int kCount = 600;
  constexpr int kCards = 4;
  constexpr std::int64_t kRecharge = 1'000'000;
  for (int c = 0; c < kCards; ++c) recharge("c-load-" + std::to_string(c), kRecharge);
  std::atomic<bool> sent{false};
  std::thread sender([&] {
    for (int i = 0; i < kCount; ++i) {
      const bool dry = i % 10 == 0;  // every tenth: charged, no water
      json d = {{"ts", kTs + i * 1000LL},
                {"seq", 1000 + i},
                {"type", "dispense"},
                {"txn", "t-load-" + std::to_string(i)},
                {"card", "c-load-" + std::to_string(i % kCards)},
                {"charged_fen", 30 + i % 7},
                {"requested_ml", 300},
                {"dispensed_ml", dry ? 0 : 300}};
      publish("wm/v1/s-001/wm-0001/event", d.dump());
    }
    sent = true;
  });
  for (int kill = 1; kill <= 3; ++kill) {
    ASSERT_TRUE(wait_until([&] { return stored_events("wm-0001") >= kill * kCount / 5; },
                           std::chrono::seconds(60)));
    gateway_->stop(SIGKILL);
    start_gateway();
  }
  sender.join();
  ASSERT_TRUE(
      wait_until([&] { return stored_events("wm-0001") == kCount; }, std::chrono::seconds(60)))
      << stored_events("wm-0001");
  // Exactly one dispense record and one charge per txn.
  EXPECT_EQ(query_int("SELECT count(*) FROM dispenses WHERE device_id = 'wm-0001'"), kCount);
  EXPECT_EQ(query_int("SELECT count(*) FROM ledger WHERE kind = 'charge'"), kCount);
  EXPECT_EQ(query_int("SELECT count(*) FROM (SELECT txn FROM ledger WHERE kind = 'charge'"
                      " GROUP BY device_id, txn HAVING count(*) > 1)"),
            0);
  // Exactly one refund per undelivered dispense (approved, or waiting for review once a
  // card's daily cap is reached), none for the delivered ones.
  EXPECT_EQ(query_int("SELECT count(*) FROM refunds"), kCount / 10);
  EXPECT_EQ(query_int("SELECT count(*) FROM (SELECT txn FROM refunds GROUP BY device_id, txn"
                      " HAVING count(*) > 1)"),
            0);
  EXPECT_EQ(query_int("SELECT count(*) FROM refunds r JOIN dispenses d USING (device_id, txn)"
                      " WHERE d.dispensed_ml > 0"),
            0);
  // Each card's balance is the sum of its ledger, and money is conserved.
  EXPECT_EQ(query_int("SELECT count(*) FROM cards c WHERE balance_fen <>"
                      " (SELECT sum(amount_fen) FROM ledger l WHERE l.card = c.token)"),
            0);
  const std::int64_t charged =
      query_int("SELECT sum(charged_fen) FROM dispenses WHERE device_id = 'wm-0001'");
  const std::int64_t refunded =
      query_int("SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE state = 'approved'");
  EXPECT_EQ(query_int("SELECT sum(balance_fen) FROM cards WHERE token LIKE 'c-load-%'"),
            kCards * kRecharge - charged + refunded);
}

}  // namespace
}  // namespace wm::tests
