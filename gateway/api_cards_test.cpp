// Cards and refunds through the API, with dispense events taken by the intake: the
// balance, exactly one automatic refund for water that did not come (also when the
// event is redelivered), the idempotency matrix of POST /refunds, over-refund, loss,
// reissue and close, and the review queue's roles.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "gateway/api_test_util.h"
#include "gateway/ticket_fixture.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::body;
using testing::expect_error;
using testing::TicketFixture;

struct Cards : TicketFixture {
  Cards() { agent = token("agent", "op-1"); }
  HttpResponse post(const std::string& path, const std::string& json_body,
                    const std::string& who = {}, const std::string& key = {}) {
    HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.body = json_body;
    r.headers["authorization"] = "Bearer " + (who.empty() ? agent : who);
    if (!key.empty()) r.headers["idempotency-key"] = key;
    return api.handle(r);
  }
  json card(const std::string& token) { return body(call("GET", "/api/v1/cards/" + token, agent)); }
  std::string agent;
};

TEST(ApiCardsTest, ChargedButNoWaterIsRefundedAutomaticallyExactlyOnce) {
  Cards g;
  auto r = g.post("/api/v1/cards/c-1/recharge", R"({"amount_fen":1000,"ref":"pay-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["balance_fen"], 1000);
  const auto ts = g.clock.now_ms();
  g.dispense("s-001", "wm-0001", ts, 1, "t-1", "c-1", 50, 500, 500);          // delivered
  g.dispense("s-001", "wm-0001", ts + 60'000, 2, "t-2", "c-1", 50, 500, 20);  // no water
  g.dispense("s-001", "wm-0001", ts + 60'000, 2, "t-2", "c-1", 50, 500, 20);  // redelivered
  g.writer.flush();
  auto c = g.card("c-1");
  // 1000 - 50 - 50 + 48 (the undelivered 480 of 500 ml, rounded up in the customer's favour)
  EXPECT_EQ(c["balance_fen"], 1000 - 50 - 50 + 48) << c.dump(2);
  int refunds = 0;
  for (const auto& item : c["recent"]) {
    if (item["type"] != "refund") continue;
    ++refunds;
    EXPECT_EQ(item["state"], "approved");
    EXPECT_EQ(item["amount_fen"], 48);
    EXPECT_EQ(item["txn"], "t-2");
  }
  EXPECT_EQ(refunds, 1);
  EXPECT_EQ(g.metrics.duplicate_count(), 1u);
  // A recharge replayed with its ref is answered again, not paid twice.
  auto again = g.post("/api/v1/cards/c-1/recharge", R"({"amount_fen":1000,"ref":"pay-1"})");
  EXPECT_EQ(body(again)["replayed"], true);
  expect_error(g.post("/api/v1/cards/c-1/recharge", R"({"amount_fen":900,"ref":"pay-1"})"), 422,
               "idempotency_mismatch");
  EXPECT_EQ(g.card("c-1")["balance_fen"], 948);
}

TEST(ApiCardsTest, RefundClaimsAreIdempotentAndNeverExceedTheCharge) {
  Cards g;
  ASSERT_EQ(g.post("/api/v1/cards/c-2/recharge", R"({"amount_fen":500,"ref":"p-2"})").status, 200);
  g.dispense("s-001", "wm-0001", g.clock.now_ms(), 1, "t-9", "c-2", 100, 500, 300);
  g.writer.flush();
  const std::string claim =
      R"({"card":"c-2","device_id":"wm-0001","txn":"t-9","amount_fen":40,"reason":"only 300 ml"})";
  expect_error(g.post("/api/v1/refunds", claim), 400, "bad_request");  // no Idempotency-Key
  auto first = g.post("/api/v1/refunds", claim, {}, "k-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto same = g.post("/api/v1/refunds", claim, {}, "k-1");
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(body(same)["id"], body(first)["id"]);
  // The same body spelt differently is the same claim.
  auto respelt = g.post("/api/v1/refunds",
                        R"({"reason":"only 300 ml","amount_fen":40,"txn":"t-9",
                            "device_id":"wm-0001","card":"c-2"})",
                        {}, "k-1");
  EXPECT_EQ(respelt.status, 200) << respelt.body;
  auto other = R"({"card":"c-2","device_id":"wm-0001","txn":"t-9","amount_fen":41,"reason":"x"})";
  expect_error(g.post("/api/v1/refunds", other, {}, "k-1"), 422, "idempotency_mismatch");
  // 40 of 100 fen is committed; 70 more would exceed the charge.
  expect_error(
      g.post("/api/v1/refunds",
             R"({"card":"c-2","device_id":"wm-0001","txn":"t-9","amount_fen":70,"reason":"x"})", {},
             "k-2"),
      409, "conflict");
  expect_error(
      g.post("/api/v1/refunds",
             R"({"card":"c-2","device_id":"wm-0001","txn":"t-404","amount_fen":1,"reason":"x"})",
             {}, "k-3"),
      404, "not_found");
}

TEST(ApiCardsTest, OneKeySentConcurrentlyMakesOneRefund) {
  Cards g;
  ASSERT_EQ(g.post("/api/v1/cards/c-3/recharge", R"({"amount_fen":500,"ref":"p-3"})").status, 200);
  g.dispense("s-001", "wm-0001", g.clock.now_ms(), 1, "t-3", "c-3", 100, 500, 300);
  g.writer.flush();
  const std::string claim =
      R"({"card":"c-3","device_id":"wm-0001","txn":"t-3","amount_fen":1,"reason":"x"})";
  std::vector<std::thread> callers;
  std::vector<std::string> ids(4);
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&, i] {
      auto r = g.post("/api/v1/refunds", claim, {}, "same-key");
      if (r.status == 200 || r.status == 201) ids[static_cast<std::size_t>(i)] = body(r)["id"];
    });
  }
  for (auto& t : callers) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  tickets::RefundFilter claims;
  claims.card = "c-3";
  int from_claims = 0;
  for (const auto& r : g.card_book.list_refunds(claims)) {
    from_claims += r.origin == tickets::RefundOrigin::kClaim ? 1 : 0;
  }
  EXPECT_EQ(from_claims, 1);
}

TEST(ApiCardsTest, LossReissueAndCloseMoveTheBalance) {
  Cards g;
  ASSERT_EQ(g.post("/api/v1/cards/c-4/recharge", R"({"amount_fen":700,"ref":"p-4"})").status, 200);
  EXPECT_EQ(body(g.post("/api/v1/cards/c-4/report-lost", "{}"))["state"], "lost");
  auto re = g.post("/api/v1/cards/c-4/reissue", R"({"new_token":"c-5"})");
  ASSERT_EQ(re.status, 200) << re.body;
  EXPECT_EQ(body(re)["state"], "closed");
  EXPECT_EQ(body(re)["successor"]["balance_fen"], 700);
  EXPECT_EQ(g.card("c-4")["balance_fen"], 0);
  auto closed = g.post("/api/v1/cards/c-5/close", "{}");
  EXPECT_EQ(body(closed)["balance_fen"], 0);
  EXPECT_EQ(body(closed)["entries"][0]["kind"], "refund_out");
  expect_error(g.call("GET", "/api/v1/cards/c-404", g.agent), 404, "not_found");
  auto self = g.token("selfservice", "op-1");
  expect_error(g.call("GET", "/api/v1/cards/c-5", self), 403, "forbidden");
}

TEST(ApiCardsTest, TheReviewQueueIsTheMatrixPartysToDecide) {
  Cards g;
  ASSERT_EQ(g.post("/api/v1/cards/c-6/recharge", R"({"amount_fen":9000,"ref":"p-6"})").status, 200);
  // 3000 fen charged at the mall, nothing delivered: above the 2000 auto limit.
  g.dispense("s-002", "wm-0003", g.clock.now_ms(), 1, "t-6", "c-6", 3000, 500, 0);
  g.writer.flush();
  auto queue = body(g.call("GET", "/api/v1/refunds", g.agent, "", {{"state", "pending_review"}}));
  ASSERT_EQ(queue["items"].size(), 1u) << queue.dump(2);
  const auto& pending = queue["items"][0];
  EXPECT_EQ(pending["amount_fen"], 3000);
  // refund_dispute at a mall: the property manager (pm-8).
  EXPECT_EQ(pending["reviewer"]["org"], "pm-8");
  const std::string id = pending["id"];
  expect_error(g.post("/api/v1/refunds/" + id + "/approve", "{}"), 403, "forbidden");  // agent
  auto pm7 = g.token("property", "pm-7");
  expect_error(g.post("/api/v1/refunds/" + id + "/approve", "{}", pm7), 404, "not_found");
  auto pm8 = g.token("property", "pm-8");
  auto ok = g.post("/api/v1/refunds/" + id + "/approve", R"({"note":"checked the CCTV"})", pm8);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok)["state"], "approved");
  expect_error(g.post("/api/v1/refunds/" + id + "/reject", "{}", pm8), 409, "conflict");
  EXPECT_EQ(g.card("c-6")["balance_fen"], 9000);
}

}  // namespace
}  // namespace wm::gateway
