#include "gateway/store.h"

#include <gtest/gtest.h>

#include "gateway/schema.h"
#include "gateway/test_support.h"

namespace wm::gateway {
namespace {

using testing::TempDir;

EventRow dispense(const std::string& device, const std::string& txn, std::int64_t ts,
                  std::uint32_t seq) {
  protocols::Dispense d{txn, "c-1", 50, 500, 500};
  return EventRow{device, protocols::Event{ts, seq, d}, ts + 5};
}

TEST(StoreTest, MigratesToTheNewestSchemaOnceAndKeepsDataAcrossReopen) {
  TempDir dir;
  {
    Store store(dir.file("g.db"));
    EXPECT_EQ(store.schema_version(), static_cast<int>(schema_migrations().size()));
    WriteBatch b;
    b.events.push_back(dispense("wm-1", "t-1", 1000, 1));
    EXPECT_EQ(store.write_batch(b), std::vector<bool>{true});
  }
  Store reopened(dir.file("g.db"));
  EXPECT_EQ(reopened.schema_version(), static_cast<int>(schema_migrations().size()));
  EXPECT_EQ(reopened.count_events("wm-1"), 1);
}

TEST(StoreTest, ADispenseCountsOncePerMachineAndTxn) {
  TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  b.events.push_back(dispense("wm-1", "t-1", 1000, 1));
  b.events.push_back(dispense("wm-1", "t-1", 1000, 1));  // redelivered in the same batch
  b.events.push_back(dispense("wm-2", "t-1", 1000, 1));  // same txn, other machine
  EXPECT_EQ(store.write_batch(b), (std::vector<bool>{true, false, true}));
  WriteBatch again;
  again.events.push_back(dispense("wm-1", "t-1", 2000, 7));  // same txn, other envelope
  EXPECT_EQ(store.write_batch(again), std::vector<bool>{false});
  EXPECT_EQ(store.count_events("wm-1"), 1);
  EXPECT_EQ(store.count_events("wm-2"), 1);
}

TEST(StoreTest, FaultEventsRedeliveredAsIsAreStoredOnce) {
  TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  protocols::Event e{1000, 3, protocols::Fault{protocols::FaultCode::kE02, true}};
  b.events.push_back(EventRow{"wm-1", e, 1001});
  b.events.push_back(EventRow{"wm-1", e, 1002});
  protocols::Event cleared{2000, 4, protocols::Fault{protocols::FaultCode::kE02, false}};
  b.events.push_back(EventRow{"wm-1", cleared, 2001});
  EXPECT_EQ(store.write_batch(b), (std::vector<bool>{true, false, true}));
}

TEST(StoreTest, QuarantineFiltersAndPagesNewestFirst) {
  TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  for (int i = 0; i < 5; ++i) {
    b.quarantine.push_back(QuarantineRow{"wm/v1/s/d/telemetry", std::string("\x01\xff", 2),
                                         1000 + i, i % 2 == 0 ? "malformed_json" : "unknown_device",
                                         "detail", i % 2 == 0 ? "" : "wm-9"});
  }
  (void)store.write_batch(b);
  QuarantineQuery all;
  auto rows = store.list_quarantine(all);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows.front().received_ms, 1004);
  EXPECT_EQ(rows.front().payload, std::string("\x01\xff", 2));

  QuarantineQuery by_reason;
  by_reason.reason = "unknown_device";
  EXPECT_EQ(store.list_quarantine(by_reason).size(), 2u);
  QuarantineQuery by_device;
  by_device.device_id = "wm-9";
  EXPECT_EQ(store.list_quarantine(by_device).size(), 2u);
  QuarantineQuery by_time;
  by_time.since_ms = 1001;
  by_time.until_ms = 1003;
  EXPECT_EQ(store.list_quarantine(by_time).size(), 2u);
  QuarantineQuery page;
  page.limit = 2;
  auto first = store.list_quarantine(page);
  page.before_id = first.back().id;
  auto second = store.list_quarantine(page);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_LT(second.front().id, first.back().id);
}

TEST(StoreTest, RetentionBoundsTheQuarantineByCountAndAge) {
  TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  for (int i = 0; i < 50; ++i) {
    b.quarantine.push_back(QuarantineRow{"t", "p", 10'000 + i, "malformed_json", "d", ""});
  }
  (void)store.write_batch(b);
  RetentionPolicy policy;
  policy.quarantine_max_rows = 20;
  policy.quarantine_max_age_ms = 1'000'000;
  EXPECT_EQ(store.apply_retention(policy, 20'000), 30);
  auto left = store.list_quarantine(QuarantineQuery{});
  ASSERT_EQ(left.size(), 20u);
  EXPECT_EQ(left.back().received_ms, 10'030);  // the oldest kept
  policy.quarantine_max_age_ms = 10;           // now everything is too old
  EXPECT_EQ(store.apply_retention(policy, 20'000), 20);
  EXPECT_TRUE(store.list_quarantine(QuarantineQuery{}).empty());
}

TEST(StoreTest, TwinsAndInventoryAndTokensRoundTrip) {
  TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  b.twins.push_back(TwinRow{"wm-1", R"({"ts":1})", 1000, true, 900, true, std::nullopt});
  b.twins.push_back(TwinRow{"wm-1", R"({"ts":2})", 2000, false, 1900, false, R"({"E02":{}})"});
  (void)store.write_batch(b);
  auto twins = store.load_twins();
  ASSERT_EQ(twins.size(), 1u);
  EXPECT_EQ(twins[0].telemetry_json, R"({"ts":2})");
  EXPECT_EQ(twins[0].online, false);
  EXPECT_EQ(twins[0].status_online, false);
  EXPECT_EQ(twins[0].faults_json, R"({"E02":{}})");

  EXPECT_FALSE(store.load_inventory().has_value());
  store.save_inventory(R"({"orgs":[]})", 5);
  EXPECT_EQ(store.load_inventory(), R"({"orgs":[]})");

  EXPECT_FALSE(store.find_token("abc").has_value());
  store.add_token("abc", "property", "pm-7", 5);
  auto token = store.find_token("abc");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->role, "property");
  EXPECT_EQ(token->org, "pm-7");
}

}  // namespace
}  // namespace wm::gateway

namespace wm::gateway {
namespace {

TEST(StoreRetentionTest, TelemetryOlderThanTheLimitIsDeletedOldestFirst) {
  testing::TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  for (int i = 0; i < 10; ++i) {
    protocols::Telemetry t;
    t.ts_ms = 500 + i;
    b.telemetry.push_back(TelemetryRow{"wm-1", t, 1000 + i * 100});
  }
  (void)store.write_batch(b);
  RetentionPolicy policy;
  policy.telemetry_max_age_ms = 450;  // keep what was received at or after 1550
  EXPECT_EQ(store.apply_retention(policy, 2000), 6);
  policy.telemetry_max_age_ms = 1;  // nothing young enough: everything goes
  EXPECT_EQ(store.apply_retention(policy, 5000), 4);
  EXPECT_EQ(store.apply_retention(policy, 5000), 0);
}

}  // namespace
}  // namespace wm::gateway

namespace wm::gateway {
namespace {

TEST(StoreQuarantineTest, AHugePayloadIsKeptOnlyInPartWithItsSize) {
  testing::TempDir dir;
  Store store(dir.file("g.db"));
  WriteBatch b;
  b.quarantine.push_back(QuarantineRow{"wm/v1/s/d/telemetry", std::string(1 << 20, 'x'), 1,
                                       "malformed_json", "d", ""});
  (void)store.write_batch(b);
  auto rows = store.list_quarantine(QuarantineQuery{});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].payload.size(), kQuarantinePayloadLimit);
  EXPECT_EQ(rows[0].payload_size, 1 << 20);
}

}  // namespace
}  // namespace wm::gateway
