#include "gateway/sqlite_ticket_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "gateway/test_support.h"
#include "gateway/ticket_document.h"

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

TEST(TicketDocumentTest, EveryFieldSurvivesTheRoundTrip) {
  Ticket t;
  t.id = "t-000042";
  t.revision = 7;
  t.device_id = "wm-0001";
  t.site_id = "s-001";
  t.site_kind = devices::SiteKind::kMall;
  t.kind = devices::FaultKind::kFilterClogging;
  t.severity = devices::Severity::kP3;
  t.source = tickets::Source::kPredicted;
  t.channel = "sensor";
  t.state = TicketState::kInProgress;
  t.responsible = {devices::Party::kProperty, "pm-7"};
  t.assigned_by = "contract:s-001/filter_clogging";
  t.detected_at_ms = 1;
  t.opened_at_ms = 2;
  t.predicted_failure_at_ms = 3;
  t.ack_due_ms = 4;
  t.resolve_due_ms = 5;
  t.escalation_level = 1;
  t.transfers = 2;
  t.dispute = tickets::DisputeState::kReassigned;
  t.dispute_reason = "the filter is ours 水";
  t.acknowledged_at_ms = 6;
  t.resolved_at_ms = std::nullopt;
  t.closed_at_ms = std::nullopt;
  t.healthy_since_ms = 9;
  t.rating = 4;
  t.machine_locked = true;
  t.history.push_back({10, "system", "open", TicketState::kOpen, TicketState::kAssigned, "n"});
  t.evidence.push_back({11, tickets::Source::kHotline, "caller says it is slow"});
  auto back = ticket_from_document(ticket_to_document(t));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back.value(), t);
  EXPECT_EQ(ticket_from_document("{\"id\":1}").error().code, "corrupt_ticket");
}

}  // namespace
}  // namespace wm::gateway
