// Callback promises through the API: create, list (filters, paging by due time), done once
// (409 the second time), scope by the ticket's site, validation, and broken promises in
// GET /stats/service once the clock passes their due time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/api_test_util.h"
#include "gateway/ticket_fixture.h"
#include "gateway/time_format.h"

namespace wm::gateway {
namespace {

using nlohmann::json;
using testing::body;
using testing::expect_error;
using testing::TicketFixture;

constexpr std::int64_t kMinute = 60'000;

// A leak ticket at s-001 (op-1 / pm-7) and one at s-002 (op-1 / pm-8).
struct Callbacks : TicketFixture {
  Callbacks() {
    fault("s-001", "wm-0001", clock.now_ms(), 1, "E02", true);
    fault("s-002", "wm-0003", clock.now_ms(), 1, "E02", true);
    service.run_once();
    school = tickets_of("wm-0001").at(0).id;
    mall = tickets_of("wm-0003").at(0).id;
    agent = token("agent", "op-1");
  }
  // A callback due `due_in_ms` from now; `ticket` may be empty.
  HttpResponse promise(const std::string& who, std::int64_t due_in_ms,
                       const std::string& ticket = {}, const std::string& phone = "138-0013-8000") {
    json b = {{"phone", phone},
              {"due_at", format_rfc3339(clock.now_ms() + due_in_ms)},
              {"note", "asked about the leak"}};
    if (!ticket.empty()) b["ticket_id"] = ticket;
    return call("POST", "/api/v1/callbacks", who, b.dump());
  }
  HttpResponse done(const std::string& id, const std::string& who,
                    const std::string& json_body = R"({"outcome":"reached"})") {
    return call("POST", "/api/v1/callbacks/" + id + "/done", who, json_body);
  }
  std::vector<std::string> listed(const std::string& who,
                                  std::map<std::string, std::string> query = {}) {
    auto r = call("GET", "/api/v1/callbacks", who, "", std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    const auto page = body(r);
    for (const auto& item : page["items"]) ids.push_back(item["id"]);
    return ids;
  }
  json callback_stats(const std::string& who, std::map<std::string, std::string> query = {}) {
    auto r = call("GET", "/api/v1/stats/service", who, "", std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    return body(r)["callbacks"];
  }
  std::string school, mall, agent;
};

TEST(ApiCallbacksTest, APromiseIsCreatedListedAndDoneOnce) {
  Callbacks g;
  const auto due = g.clock.now_ms() + 30 * kMinute;
  auto r = g.promise(g.agent, 30 * kMinute, g.school);
  ASSERT_EQ(r.status, 201) << r.body;
  auto cb = body(r);
  EXPECT_EQ(cb["id"], "cb-000001");
  EXPECT_EQ(cb["phone"], "138-0013-8000");
  EXPECT_EQ(cb["ticket_id"], g.school);
  EXPECT_EQ(cb["site_id"], "s-001");
  EXPECT_EQ(cb["due_at"], format_rfc3339(due));
  EXPECT_EQ(cb["note"], "asked about the leak");
  EXPECT_EQ(cb["created_by"], "agent:op-1");
  EXPECT_EQ(cb["state"], "open");
  EXPECT_EQ(cb["overdue"], false);
  EXPECT_EQ(cb["done_at"], nullptr);

  auto list = body(g.call("GET", "/api/v1/callbacks", g.agent));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], "cb-000001");
  EXPECT_EQ(list["next"], nullptr);
  EXPECT_EQ(body(g.call("GET", "/api/v1/callbacks/cb-000001", g.agent))["phone"], "138-0013-8000");

  g.clock.advance_ms(10 * kMinute);
  auto d = g.done("cb-000001", g.agent, R"({"outcome":"resolved"})");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(body(d)["state"], "done");
  EXPECT_EQ(body(d)["outcome"], "resolved");
  EXPECT_EQ(body(d)["done_by"], "agent:op-1");
  EXPECT_EQ(body(d)["kept"], true);
  EXPECT_EQ(body(d)["done_at"], format_rfc3339(g.clock.now_ms()));
  expect_error(g.done("cb-000001", g.agent), 409, "conflict");
  expect_error(g.done("cb-404404", g.agent), 404, "not_found");
  expect_error(g.call("GET", "/api/v1/callbacks/cb-404404", g.agent), 404, "not_found");
  expect_error(g.call("POST", "/api/v1/callbacks/cb-000001/forget", g.agent, "{}"), 404,
               "not_found");
  expect_error(g.call("DELETE", "/api/v1/callbacks", g.agent), 405, "method_not_allowed");
  // Done is stored: a new read shows it.
  EXPECT_EQ(body(g.call("GET", "/api/v1/callbacks/cb-000001", g.agent))["state"], "done");
}

TEST(ApiCallbacksTest, BadInputAnswers400NamingTheField) {
  Callbacks g;
  const auto due = format_rfc3339(g.clock.now_ms() + kMinute);
  auto post = [&](const json& b) { return g.call("POST", "/api/v1/callbacks", g.agent, b.dump()); };
  for (const char* phone : {"", "1234", "call me maybe", "138001380001380013800", "138#0013"}) {
    auto r = post({{"phone", phone}, {"due_at", due}});
    expect_error(r, 400, "bad_request");
    EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("phone"), std::string::npos);
  }
  EXPECT_EQ(post({{"phone", "+86 138 0013 8000"}, {"due_at", due}}).status, 201);
  auto no_due = post({{"phone", "13800138000"}});
  expect_error(no_due, 400, "bad_request");
  EXPECT_NE(body(no_due)["error"]["message"].get<std::string>().find("due_at"), std::string::npos);
  expect_error(post({{"phone", "13800138000"}, {"due_at", "tomorrow at nine"}}), 400,
               "bad_request");
  expect_error(post({{"phone", 13800138000}, {"due_at", due}}), 400, "bad_request");
  expect_error(post({{"phone", "13800138000"}, {"due_at", due}, {"note", std::string(3000, 'x')}}),
               400, "bad_request");
  expect_error(g.call("POST", "/api/v1/callbacks", g.agent, "[1,2]"), 400, "bad_request");
  auto unknown = post({{"phone", "13800138000"}, {"due_at", due}, {"ticket_id", "t-999999"}});
  expect_error(unknown, 404, "not_found");
  EXPECT_NE(body(unknown)["error"]["message"].get<std::string>().find("ticket_id"),
            std::string::npos);

  expect_error(g.done("cb-000001", g.agent, "{}"), 400, "bad_request");
  expect_error(g.done("cb-000001", g.agent, R"({"outcome":""})"), 400, "bad_request");
  expect_error(g.done("cb-000001", g.agent, R"({"outcome":7})"), 400, "bad_request");
  EXPECT_EQ(body(g.call("GET", "/api/v1/callbacks/cb-000001", g.agent))["state"], "open");

  expect_error(g.call("GET", "/api/v1/callbacks", g.agent, "", {{"state", "pending"}}), 400,
               "bad_request");
  expect_error(g.call("GET", "/api/v1/callbacks", g.agent, "", {{"due_before", "soon"}}), 400,
               "bad_request");
  expect_error(g.call("GET", "/api/v1/callbacks", g.agent, "", {{"cursor", "cb-777777"}}), 400,
               "bad_request");
  expect_error(g.call("GET", "/api/v1/callbacks", g.agent, "", {{"limit", "0"}}), 400,
               "bad_request");
}

TEST(ApiCallbacksTest, AListFiltersByDueTimeAndStateAndPagesInDueOrder) {
  Callbacks g;
  ASSERT_EQ(g.promise(g.agent, 60 * kMinute).status, 201);          // cb-000001, due last
  ASSERT_EQ(g.promise(g.agent, 10 * kMinute).status, 201);          // cb-000002, due first
  ASSERT_EQ(g.promise(g.agent, 30 * kMinute, g.mall).status, 201);  // cb-000003
  ASSERT_EQ(g.done("cb-000003", g.agent).status, 200);

  EXPECT_EQ(g.listed(g.agent), (std::vector<std::string>{"cb-000002", "cb-000003", "cb-000001"}));
  const auto before = format_rfc3339(g.clock.now_ms() + 45 * kMinute);
  EXPECT_EQ(g.listed(g.agent, {{"due_before", before}}),
            (std::vector<std::string>{"cb-000002", "cb-000003"}));
  EXPECT_EQ(g.listed(g.agent, {{"state", "open"}}),
            (std::vector<std::string>{"cb-000002", "cb-000001"}));
  EXPECT_EQ(g.listed(g.agent, {{"state", "done"}}), (std::vector<std::string>{"cb-000003"}));
  EXPECT_EQ(g.listed(g.agent, {{"ticket_id", g.mall}}), (std::vector<std::string>{"cb-000003"}));

  std::vector<std::string> paged;
  std::map<std::string, std::string> query = {{"limit", "2"}};
  for (int page = 0; page < 5; ++page) {
    auto r = body(g.call("GET", "/api/v1/callbacks", g.agent, "", query));
    for (const auto& item : r["items"]) paged.push_back(item["id"]);
    if (r["next"].is_null()) break;
    EXPECT_EQ(r["items"].size(), 2u);
    query["cursor"] = r["next"];
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"cb-000002", "cb-000003", "cb-000001"}));
}

TEST(ApiCallbacksTest, OperatorsAndPropertyManagersSeeTheCallbacksOfTheirSites) {
  Callbacks g;
  auto op = g.token("operator", "op-1");
  auto pm7 = g.token("property", "pm-7");
  auto pm8 = g.token("property", "pm-8");
  auto self = g.token("selfservice", "ivr-1");
  auto admin = g.token("admin", "");
  ASSERT_EQ(g.promise(g.agent, 10 * kMinute, g.school).status, 201);  // cb-000001 at s-001
  ASSERT_EQ(g.promise(g.agent, 10 * kMinute, g.mall).status, 201);    // cb-000002 at s-002
  ASSERT_EQ(g.promise(pm8, 10 * kMinute).status, 201);                // cb-000003, pm-8's own
  // A property manager cannot attach a callback to a ticket it cannot see.
  expect_error(g.promise(pm7, 10 * kMinute, g.mall), 404, "not_found");

  using Ids = std::vector<std::string>;
  EXPECT_EQ(g.listed(admin), (Ids{"cb-000001", "cb-000002", "cb-000003"}));
  EXPECT_EQ(g.listed(op), (Ids{"cb-000001", "cb-000002"}));
  EXPECT_EQ(g.listed(pm7), (Ids{"cb-000001"}));
  EXPECT_EQ(g.listed(pm8), (Ids{"cb-000002", "cb-000003"}));
  // Paging a scoped list skips what the caller may not see.
  auto first = body(g.call("GET", "/api/v1/callbacks", pm8, "", {{"limit", "1"}}));
  ASSERT_EQ(first["items"].size(), 1u);
  EXPECT_EQ(first["next"], "cb-000002");

  expect_error(g.done("cb-000002", pm7), 404, "not_found");
  expect_error(g.call("GET", "/api/v1/callbacks/cb-000003", op), 404, "not_found");
  EXPECT_EQ(g.done("cb-000001", pm7).status, 200);
  EXPECT_EQ(g.done("cb-000003", pm8).status, 200);

  expect_error(g.call("GET", "/api/v1/callbacks", self), 403, "forbidden");
  expect_error(g.promise(self, 10 * kMinute), 403, "forbidden");
  expect_error(g.done("cb-000002", self), 403, "forbidden");
  expect_error(g.call("GET", "/api/v1/callbacks", ""), 401, "unauthorized");
}

TEST(ApiCallbacksTest, AStatsWindowCountsPromisesKeptAndBroken) {
  Callbacks g;
  const auto start = g.clock.now_ms();
  ASSERT_EQ(g.promise(g.agent, 10 * kMinute).status, 201);  // cb-000001: done in time
  ASSERT_EQ(g.promise(g.agent, 20 * kMinute).status, 201);  // cb-000002: never done
  ASSERT_EQ(g.promise(g.agent, 5 * kMinute).status, 201);   // cb-000003: done late
  ASSERT_EQ(g.promise(g.agent, 90 * kMinute).status, 201);  // cb-000004: not due yet
  ASSERT_EQ(g.done("cb-000001", g.agent).status, 200);

  auto now = g.callback_stats(g.agent);
  EXPECT_EQ(now,
            json({{"promised", 4}, {"kept", 1}, {"broken", 0}, {"open_overdue", 0}, {"open", 3}}))
      << now.dump();

  g.clock.advance_ms(30 * kMinute);  // past the due times of 2 and 3
  auto later = g.callback_stats(g.agent);
  EXPECT_EQ(later,
            json({{"promised", 4}, {"kept", 1}, {"broken", 2}, {"open_overdue", 2}, {"open", 3}}))
      << later.dump();
  ASSERT_EQ(g.done("cb-000003", g.agent, R"({"outcome":"no_answer"})").status, 200);
  EXPECT_EQ(body(g.call("GET", "/api/v1/callbacks/cb-000003", g.agent))["kept"], false);
  auto after = g.callback_stats(g.agent);
  EXPECT_EQ(after,
            json({{"promised", 4}, {"kept", 1}, {"broken", 2}, {"open_overdue", 1}, {"open", 2}}))
      << after.dump();

  // The window is by creation time; the scope is the caller's.
  ASSERT_EQ(g.promise(g.agent, kMinute).status, 201);  // cb-000005, created 30 min later
  auto window = g.callback_stats(g.agent, {{"since", format_rfc3339(start + 15 * kMinute)}});
  EXPECT_EQ(window["promised"], 1) << window.dump();
  EXPECT_EQ(g.callback_stats(g.token("property", "pm-7"))["promised"], 0);
}

}  // namespace
}  // namespace wm::gateway
