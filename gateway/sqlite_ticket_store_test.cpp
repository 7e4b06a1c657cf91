#include "gateway/sqlite_ticket_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "gateway/test_support.h"

namespace wm::gateway {
namespace {

using tickets::Ticket;
using tickets::TicketState;

class SqliteTicketStoreTest : public ::testing::Test {
 protected:
  SqliteTicketStoreTest()
      : store_(dir_.file("g.db")),
        writer_(store_, metrics_, clock_,
                [](const std::vector<StoreWriter::TwinIndex>&) { return std::vector<TwinRow>{}; }),
        tickets_(store_, writer_) {
    writer_.start();
  }
  ~SqliteTicketStoreTest() override { writer_.stop(); }

  static Ticket ticket(const std::string& device, devices::FaultKind kind, std::int64_t opened) {
    Ticket t;
    t.device_id = device;
    t.site_id = "s-001";
    t.kind = kind;
    t.severity = devices::severity_of(kind);
    t.state = TicketState::kAssigned;
    t.responsible = {devices::Party::kOperator, "op-1"};
    t.assigned_by = "default:school/" + std::string(devices::to_string(kind));
    t.opened_at_ms = opened;
    t.detected_at_ms = opened - 5;
    return t;
  }

  testing::TempDir dir_;
  testing::ManualClock clock_;
  Metrics metrics_;
  Store store_;
  StoreWriter writer_;
  SqliteTicketStore tickets_;
};

TEST_F(SqliteTicketStoreTest, InsertGivesIdAndRevisionAndRefusesASecondOpenTicket) {
  auto first = tickets_.insert(ticket("wm-1", devices::FaultKind::kLeak, 1000));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->id, "t-000001");
  EXPECT_EQ(first->revision, 1u);
  auto second = tickets_.insert(ticket("wm-1", devices::FaultKind::kLeak, 2000));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "conflict");
  EXPECT_TRUE(tickets_.insert(ticket("wm-1", devices::FaultKind::kUvFault, 2000)).ok());
  EXPECT_EQ(tickets_.find_open("wm-1", devices::FaultKind::kLeak)->id, "t-000001");
}

TEST_F(SqliteTicketStoreTest, UpdateIsACompareAndSetOnTheRevision) {
  auto t = tickets_.insert(ticket("wm-1", devices::FaultKind::kLeak, 1000)).value();
  Ticket stale = t;
  t.state = TicketState::kAcknowledged;
  auto updated = tickets_.update(t);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->revision, 2u);
  stale.state = TicketState::kInProgress;
  auto lost = tickets_.update(stale);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, "conflict");
  EXPECT_EQ(lost.error().field, "revision");
  EXPECT_EQ(tickets_.get(t.id)->state, TicketState::kAcknowledged);
  Ticket ghost = t;
  ghost.id = "t-999999";
  EXPECT_EQ(tickets_.update(ghost).error().code, "not_found");
}

TEST_F(SqliteTicketStoreTest, AResolvedTicketCannotBeReopenedBesideANewOpenOne) {
  auto t = tickets_.insert(ticket("wm-1", devices::FaultKind::kLeak, 1000)).value();
  t.state = TicketState::kResolved;
  t = tickets_.update(t).value();
  EXPECT_FALSE(tickets_.find_open("wm-1", devices::FaultKind::kLeak).has_value());
  ASSERT_TRUE(tickets_.insert(ticket("wm-1", devices::FaultKind::kLeak, 5000)).ok());
  EXPECT_EQ(tickets_.find_latest("wm-1", devices::FaultKind::kLeak)->opened_at_ms, 5000);
  t.state = TicketState::kInProgress;
  EXPECT_EQ(tickets_.update(t).error().code, "conflict");
}

TEST_F(SqliteTicketStoreTest, ListFiltersAndPagesInOpeningOrder) {
  for (int i = 0; i < 5; ++i) {
    auto t = ticket("wm-" + std::to_string(i % 2), devices::FaultKind::kLeak, 1000 + i);
    t.kind = i < 2 ? devices::FaultKind::kLeak : devices::FaultKind::kPumpFault;
    t.device_id = "wm-" + std::to_string(i);
    ASSERT_TRUE(tickets_.insert(t).ok());
  }
  tickets::TicketFilter pumps;
  pumps.kind = devices::FaultKind::kPumpFault;
  EXPECT_EQ(tickets_.list(pumps).size(), 3u);
  tickets::TicketFilter page;
  page.limit = 2;
  auto first = tickets_.list(page);
  ASSERT_EQ(first.size(), 2u);
  page.after_id = first.back().id;
  auto second = tickets_.list(page);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_GT(second.front().opened_at_ms, first.back().opened_at_ms);
}

TEST_F(SqliteTicketStoreTest, ListOpenOfIsListOfEachMachineInTurnInOneQuery) {
  ASSERT_TRUE(tickets_.insert(ticket("wm-1", devices::FaultKind::kPumpFault, 3000)).ok());
  ASSERT_TRUE(tickets_.insert(ticket("wm-1", devices::FaultKind::kLeak, 1000)).ok());
  auto resolved = tickets_.insert(ticket("wm-2", devices::FaultKind::kLeak, 500)).value();
  resolved.state = TicketState::kResolved;
  ASSERT_TRUE(tickets_.update(resolved).ok());
  ASSERT_TRUE(tickets_.insert(ticket("wm-2", devices::FaultKind::kUvFault, 2000)).ok());
  ASSERT_TRUE(tickets_.insert(ticket("wm-9", devices::FaultKind::kLeak, 100)).ok());  // not asked

  const std::vector<std::string> ids = {"wm-2", "wm-3", "wm-1"};
  std::vector<std::string> expected;
  for (const auto& id : ids) {
    tickets::TicketFilter open;
    open.open_only = true;
    open.device_id = id;
    for (const auto& t : tickets_.list(open)) expected.push_back(t.id);
  }
  auto ids_of = [](const std::vector<Ticket>& list) {
    std::vector<std::string> out;
    for (const auto& t : list) out.push_back(t.id);
    return out;
  };
  // wm-2's open one, then wm-1's two in opening order; not the resolved one, nor wm-9's.
  ASSERT_EQ(expected, (std::vector<std::string>{"t-000004", "t-000002", "t-000001"}));
  EXPECT_EQ(ids_of(tickets_.list_open_of(ids)), expected);
  EXPECT_EQ(ids_of(tickets_.TicketStore::list_open_of(ids)), expected);  // the default
  const auto full = tickets_.list_open_of({"wm-1"});
  ASSERT_EQ(full.size(), 2u);
  EXPECT_EQ(full[0].kind, devices::FaultKind::kLeak);
  EXPECT_EQ(full[0].device_id, "wm-1");
  EXPECT_TRUE(tickets_.list_open_of({}).empty());
}

TEST_F(SqliteTicketStoreTest, ConcurrentSignalsOpenOneTicket) {
  std::atomic<int> opened{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (tickets_.insert(ticket("wm-1", devices::FaultKind::kWaterQuality, 1000 + i)).ok()) {
        opened++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(tickets_.list(tickets::TicketFilter{}).size(), 1u);
}

}  // namespace
}  // namespace wm::gateway
