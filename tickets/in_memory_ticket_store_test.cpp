// The TicketStore contract, on the in-memory store: one open ticket per (device, kind),
// revision compare-and-set, filters and paging. The SQLite store must pass the same.
#include "tickets/in_memory_ticket_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace wm::tickets {
namespace {

using devices::FaultKind;

Ticket ticket_of(const std::string& device, FaultKind kind, std::int64_t opened_at,
                 TicketState state = TicketState::kAssigned) {
  Ticket t;
  t.device_id = device;
  t.site_id = "s-001";
  t.kind = kind;
  t.state = state;
  t.opened_at_ms = opened_at;
  t.responsible = Responsible{devices::Party::kOperator, "op-1"};
  return t;
}

TEST(InMemoryTicketStoreTest, InsertAssignsIdAndRevision) {
  InMemoryTicketStore store;
  const Result<Ticket> a = store.insert(ticket_of("wm-1", FaultKind::kLeak, 10));
  const Result<Ticket> b = store.insert(ticket_of("wm-2", FaultKind::kLeak, 20));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->id, "t-000001");
  EXPECT_EQ(b->id, "t-000002");
  EXPECT_EQ(a->revision, 1u);
  EXPECT_EQ(store.get("t-000001"), a.value());
  EXPECT_EQ(store.get("t-404"), std::nullopt);
}

TEST(InMemoryTicketStoreTest, SecondOpenTicketOfDeviceAndKindIsAConflict) {
  InMemoryTicketStore store;
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 10)).ok());
  const Result<Ticket> again = store.insert(ticket_of("wm-1", FaultKind::kLeak, 11));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "conflict");
  // Another kind, another device, or a closed one: fine.
  EXPECT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kUvFault, 12)).ok());
  EXPECT_TRUE(store.insert(ticket_of("wm-2", FaultKind::kLeak, 13)).ok());
  EXPECT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 14, TicketState::kClosed)).ok());
  EXPECT_EQ(store.size(), 4u);
}

TEST(InMemoryTicketStoreTest, ResolvedTicketDoesNotBlockANewOne) {
  InMemoryTicketStore store;
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 10, TicketState::kResolved)).ok());
  EXPECT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 20)).ok());
  ASSERT_TRUE(store.find_open("wm-1", FaultKind::kLeak).has_value());
  EXPECT_EQ(store.find_open("wm-1", FaultKind::kLeak)->opened_at_ms, 20);
}

TEST(InMemoryTicketStoreTest, UpdateIsCompareAndSetOnRevision) {
  InMemoryTicketStore store;
  Ticket t = store.insert(ticket_of("wm-1", FaultKind::kLeak, 10)).value();
  Ticket stale = t;
  t.escalation_level = 1;
  const Result<Ticket> first = store.update(t);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->revision, 2u);
  stale.transfers = 1;
  const Result<Ticket> second = store.update(stale);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "conflict");
  EXPECT_EQ(second.error().field, "revision");
  EXPECT_EQ(store.get(t.id)->escalation_level, 1);
  EXPECT_EQ(store.get(t.id)->transfers, 0);
}

TEST(InMemoryTicketStoreTest, UpdateOfUnknownIdIsNotFound) {
  InMemoryTicketStore store;
  Ticket t = ticket_of("wm-1", FaultKind::kLeak, 10);
  t.id = "t-000009";
  EXPECT_EQ(store.update(t).error().code, "not_found");
}

TEST(InMemoryTicketStoreTest, ReopeningBesideAnOpenTicketIsAConflict) {
  InMemoryTicketStore store;
  Ticket old =
      store.insert(ticket_of("wm-1", FaultKind::kLeak, 10, TicketState::kResolved)).value();
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 20)).ok());
  old.state = TicketState::kInProgress;
  const Result<Ticket> reopened = store.update(old);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, "conflict");
}

TEST(InMemoryTicketStoreTest, FindLatestInAnyState) {
  InMemoryTicketStore store;
  EXPECT_EQ(store.find_latest("wm-1", FaultKind::kLeak), std::nullopt);
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 10, TicketState::kClosed)).ok());
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 30, TicketState::kResolved)).ok());
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kUvFault, 40)).ok());
  const std::optional<Ticket> latest = store.find_latest("wm-1", FaultKind::kLeak);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->opened_at_ms, 30);
  EXPECT_EQ(store.find_open("wm-1", FaultKind::kLeak), std::nullopt);
}

TEST(InMemoryTicketStoreTest, ListFiltersOrdersAndPages) {
  InMemoryTicketStore store;
  ASSERT_TRUE(store.insert(ticket_of("wm-1", FaultKind::kLeak, 30)).ok());
  ASSERT_TRUE(store.insert(ticket_of("wm-2", FaultKind::kLeak, 10)).ok());
  Ticket pm = ticket_of("wm-3", FaultKind::kWaterSupply, 20);
  pm.responsible = Responsible{devices::Party::kProperty, "pm-7"};
  pm.source = Source::kHotline;
  ASSERT_TRUE(store.insert(pm).ok());
  ASSERT_TRUE(store.insert(ticket_of("wm-4", FaultKind::kLeak, 40, TicketState::kClosed)).ok());

  std::vector<std::string> devices;
  for (const Ticket& t : store.list({})) devices.push_back(t.device_id);
  EXPECT_EQ(devices, (std::vector<std::string>{"wm-2", "wm-3", "wm-1", "wm-4"}));

  TicketFilter leak_open;
  leak_open.kind = FaultKind::kLeak;
  leak_open.open_only = true;
  EXPECT_EQ(store.list(leak_open).size(), 2u);

  TicketFilter by_org;
  by_org.responsible_org = "pm-7";
  ASSERT_EQ(store.list(by_org).size(), 1u);
  EXPECT_EQ(store.list(by_org)[0].device_id, "wm-3");

  TicketFilter by_source;
  by_source.source = Source::kHotline;
  by_source.state = TicketState::kAssigned;
  EXPECT_EQ(store.list(by_source).size(), 1u);

  TicketFilter by_device;
  by_device.device_id = "wm-4";
  by_device.site_id = "s-001";
  EXPECT_EQ(store.list(by_device).size(), 1u);
  by_device.site_id = "s-002";
  EXPECT_TRUE(store.list(by_device).empty());

  TicketFilter page;
  page.limit = 2;
  const std::vector<Ticket> first = store.list(page);
  ASSERT_EQ(first.size(), 2u);
  page.after_id = first.back().id;
  const std::vector<Ticket> second = store.list(page);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].device_id, "wm-1");
  page.after_id = second.back().id;
  EXPECT_TRUE(store.list(page).empty());
}

TEST(InMemoryTicketStoreTest, ConcurrentInsertsLeaveOneOpenTicket) {
  InMemoryTicketStore store;
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&store, &won, i] {
      if (store.insert(ticket_of("wm-1", FaultKind::kLeak, i)).ok()) ++won;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace wm::tickets
