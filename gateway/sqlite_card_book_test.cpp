// SqliteCardBook: the whole CardBook contract (the typed suites of tickets/), then what
// only the SQLite book promises: the data survives a restart, apply_money_plan() lives
// and dies with the caller's transaction, concurrent writers cannot double-spend a key
// or lose a recharge, and the schema itself refuses impossible money.
#include "gateway/sqlite_card_book.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/test_support.h"
#include "tickets/card_book_contract_test.h"
#include "tickets/card_book_records_test.h"
#include "tickets/card_desk.h"

namespace wm::gateway {
namespace {

using tickets::Card;
using tickets::MoneyPlan;
using tickets::contract::code_of;
using tickets::contract::dispense_plan;
using tickets::contract::kT0;
using tickets::contract::new_card;
using tickets::contract::recharge_plan;

std::vector<TwinRow> no_twins(const std::vector<StoreWriter::TwinIndex>&) { return {}; }

// A gateway store with its writer thread and the book over both; reopen() is a restart.
class CardStore {
 public:
  CardStore() { open(); }
  ~CardStore() { close(); }
  void open() {
    store_.emplace(dir_.file("cards.db"));
    writer_.emplace(*store_, metrics_, clock_, no_twins);
    writer_->start();
    book_.emplace(*store_, *writer_);
  }
  void close() {
    book_.reset();
    if (writer_) writer_->stop();
    writer_.reset();
    store_.reset();
  }
  void reopen() {
    close();
    open();
  }
  tickets::CardBook& book() { return *book_; }
  // Runs `fn` with the writer connection on the writer thread, as the intake's hook does.
  void on_writer(const std::function<void(Connection&)>& fn) {
    writer_->run_exclusive([&](Store& store) { store.with_writer(fn); });
  }

 private:
  testing::TempDir dir_;
  testing::ManualClock clock_;
  Metrics metrics_;
  std::optional<Store> store_;
  std::optional<StoreWriter> writer_;
  std::optional<SqliteCardBook> book_;
};

}  // namespace
}  // namespace wm::gateway

namespace wm::tickets::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CardBookContractTest, ::testing::Types<gateway::CardStore>);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CardBookRecordsTest, ::testing::Types<gateway::CardStore>);
}  // namespace wm::tickets::contract

namespace wm::gateway {
namespace {

class SqliteCardBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(book().apply(recharge_plan(new_card("c-1"), 10000, "pay-1")).ok());
  }
  tickets::CardBook& book() { return cards_.book(); }
  Card card(const std::string& token = "c-1") { return book().card(token).value_or(Card{}); }

  CardStore cards_;
};

TEST_F(SqliteCardBookTest, DataSurvivesReopeningTheStore) {
  ASSERT_TRUE(book().apply(dispense_plan(book(), "t-1", 100, 0)).ok());  // automatic refund
  ASSERT_TRUE(book()
                  .apply(tickets::contract::dispense_plan_of(
                      book(), tickets::contract::facts("t-2", 50, 500, "c-404")))
                  .ok());
  const Card before = card();
  const auto ledger = book().ledger("c-1", 0, 0);
  const auto refund = book().refund("r-000001");
  const auto dispense = book().dispense("wm-0001", "t-1");
  const auto flags = book().flags("c-404");
  ASSERT_TRUE(refund && dispense && flags.size() == 1);
  cards_.reopen();
  EXPECT_EQ(card(), before);
  EXPECT_EQ(book().ledger("c-1", 0, 0), ledger);
  EXPECT_EQ(book().refund("r-000001"), refund);
  EXPECT_EQ(book().dispense("wm-0001", "t-1"), dispense);
  EXPECT_EQ(book().flags("c-404"), flags);
  const auto next = book().apply(
      dispense_plan(book(), "t-3", 2500, 0, book().counters("c-1", "wm-0001", refund->day)));
  ASSERT_TRUE(next.ok()) << next.error().to_string();
  EXPECT_EQ(next->refund->refund.id, "r-000002") << "ids go on after a restart";
  EXPECT_EQ(code_of(book().apply(recharge_plan(card(), 1, "pay-1"))), "conflict/ref");
}

// card_book.h: "newest (by ts_ms, then latest recorded) first". (InMemoryCardBook breaks
// ties by (device_id, txn) instead, so the shared suite avoids ties.)
TEST_F(SqliteCardBookTest, DispensesAtTheSameTimeAreLatestRecordedFirst) {
  for (const char* device : {"wm-0002", "wm-0001"}) {
    ASSERT_TRUE(book()
                    .apply(tickets::contract::dispense_plan_of(
                        book(), tickets::contract::facts("t-1", 10, 500, "c-1", device)))
                    .ok());
  }
  const auto dispenses = book().dispenses_of_card("c-1", 0);
  ASSERT_EQ(dispenses.size(), 2u);
  EXPECT_EQ(dispenses[0].device_id, "wm-0001");
  EXPECT_EQ(dispenses[1].device_id, "wm-0002");
}

TEST_F(SqliteCardBookTest, APlanInARolledBackOuterTransactionLeavesNothing) {
  cards_.on_writer([&](Connection& db) {
    Transaction tx(db);
    const auto done = apply_money_plan(db, recharge_plan(new_card("c-9"), 500, "pay-9"));
    ASSERT_TRUE(done.ok()) << done.error().to_string();
    EXPECT_EQ(read_card(db, "c-9")->balance_fen, 500) << "visible inside the transaction";
  });  // no commit: rolled back
  EXPECT_EQ(book().card("c-9"), std::nullopt);
  EXPECT_EQ(book().recharge_by_ref("pay-9"), std::nullopt);
  cards_.on_writer([&](Connection& db) {
    Transaction tx(db);
    ASSERT_TRUE(apply_money_plan(db, recharge_plan(new_card("c-9"), 500, "pay-9")).ok());
    tx.commit();
  });
  EXPECT_EQ(card("c-9").balance_fen, 500);
}

TEST_F(SqliteCardBookTest, ARefusedPlanLeavesTheOuterTransactionUsable) {
  cards_.on_writer([&](Connection& db) {
    Transaction tx(db);
    db.exec(
        "INSERT INTO tokens (token_hash, role, org, created_ms) VALUES ('h-1', 'admin', '', 1)");
    EXPECT_EQ(code_of(apply_money_plan(db, recharge_plan(new_card("c-2"), 5, "pay-1"))),
              "conflict/ref");
    EXPECT_TRUE(apply_money_plan(db, recharge_plan(new_card("c-3"), 5, "pay-3")).ok());
    tx.commit();
  });
  EXPECT_EQ(book().card("c-2"), std::nullopt);
  EXPECT_EQ(card("c-3").balance_fen, 5);
  int tokens = 0;
  cards_.on_writer([&](Connection& db) {
    Statement st = db.prepare("SELECT count(*) FROM tokens WHERE token_hash = 'h-1'");
    tokens = st.step() ? static_cast<int>(st.int64(0)) : -1;
  });
  EXPECT_EQ(tokens, 1) << "the caller's own write committed";
}

// The schema's unique indexes back the checks up: a refund credit whose ref a stray row
// already holds fails in the middle of the writes, and the savepoint takes back every
// part of the plan while the caller's transaction goes on.
TEST_F(SqliteCardBookTest, AWriteTheSchemaRefusesMidwayLeavesNoPartOfThePlan) {
  ASSERT_TRUE(book().apply(recharge_plan(new_card("c-x"), 5, "pay-x")).ok());
  const MoneyPlan plan = dispense_plan(book(), "t-1", 10, 0);  // credits new refund r-000001
  cards_.on_writer([&](Connection& db) {
    Transaction tx(db);
    db.exec("INSERT INTO ledger VALUES ('c-x', 2, 'refund', 1, 6, 1, 'r-000001', '', '', '')");
    EXPECT_EQ(code_of(apply_money_plan(db, plan)), "conflict/ref");
    tx.commit();
  });
  EXPECT_EQ(book().refund("r-000001"), std::nullopt);
  EXPECT_EQ(book().dispense("wm-0001", "t-1"), std::nullopt);
  EXPECT_EQ(card().revision, 1u);
  EXPECT_EQ(book().ledger("c-1", 0, 0).size(), 1u);
  EXPECT_EQ(book().ledger("c-x", 0, 0).size(), 2u) << "the caller's own row committed";
}

TEST_F(SqliteCardBookTest, WithoutATransactionApplyMoneyPlanRefuses) {
  cards_.on_writer([&](Connection& db) {
    EXPECT_EQ(apply_money_plan(db, recharge_plan(new_card("c-2"), 5, "pay-2")).error().code,
              "no_transaction");
  });
  EXPECT_EQ(book().card("c-2"), std::nullopt);
}

// What the store writer's dispense hook does: the event row and its money in one commit,
// so a redelivered event is neither stored nor charged twice.
TEST_F(SqliteCardBookTest, TheDispenseHookChargesOnceInTheEventTransaction) {
  const tickets::DispenseFacts f = tickets::contract::facts("t-1", 300, 500);
  for (int delivery = 0; delivery < 2; ++delivery) {
    cards_.on_writer([&](Connection& db) {
      Transaction tx(db);
      db.prepare(
            "INSERT OR IGNORE INTO events (device_id, ts_ms, seq, type, txn, card, charged_fen,"
            " requested_ml, dispensed_ml, received_ms) VALUES (?, ?, 1, 'dispense', ?, ?, ?, ?, ?, "
            "?)")
          .bind(1, f.device_id)
          .bind(2, f.ts_ms)
          .bind(3, f.txn)
          .bind(4, f.card)
          .bind(5, f.charged_fen)
          .bind(6, f.requested_ml)
          .bind(7, f.dispensed_ml)
          .bind(8, f.ts_ms)
          .run();
      const bool new_event = db.changes() == 1;
      const std::int64_t day = tickets::local_day(f.site, f.ts_ms);
      const auto plan = tickets::plan_dispense(read_card(db, f.card), f, {},
                                               read_counters(db, f.card, f.device_id, day));
      ASSERT_TRUE(plan.ok());
      const auto stored = apply_money_plan(db, plan.value());
      EXPECT_EQ(code_of(stored), new_event ? "ok" : "conflict/txn") << delivery;
      tx.commit();
    });
  }
  EXPECT_EQ(card().balance_fen, 9700);
  EXPECT_EQ(book().ledger("c-1", 0, 0).size(), 2u);
}

TEST_F(SqliteCardBookTest, ConcurrentClaimsWithOneKeyMakeOneRefund) {
  ASSERT_TRUE(book().apply(dispense_plan(book(), "t-1", 500, 500)).ok());
  std::atomic<int> made{0}, taken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      MoneyPlan plan;
      tickets::Refund refund;
      refund.card = "c-1";
      refund.device_id = "wm-0001";
      refund.txn = "t-1";
      refund.amount_fen = 10 + i;
      refund.origin = tickets::RefundOrigin::kClaim;
      refund.idempotency_key = "k-1";
      plan.refund = tickets::RefundWrite{0, refund};
      plan.caps = tickets::CapBasis{"c-1", "wm-0001", 0, book().counters("c-1", "wm-0001", 0)};
      const std::string code = code_of(book().apply(plan));
      if (code == "ok") ++made;
      if (code == "conflict/idempotency_key") ++taken;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(taken.load(), 7);
  EXPECT_EQ(book().refunds_of_dispense("wm-0001", "t-1").size(), 1u);
}

TEST_F(SqliteCardBookTest, ConcurrentDeskCallsLoseNothing) {
  tickets::CardDeskConfig config;
  config.max_attempts = 1000;  // four writers on one card retry often
  const devices::Site site = tickets::testutil::site();
  tickets::CardDesk desk(
      book(),
      [&](std::string_view id) -> std::optional<devices::Site> {
        return id == site.id ? std::optional(site) : std::nullopt;
      },
      config);
  ASSERT_TRUE(desk.on_dispense(tickets::contract::facts("t-1", 500, 500)).ok());
  const tickets::Actor agent{tickets::Role::kAgent, "op-1"};
  std::atomic<int> failures{0}, replays{0};
  std::vector<std::string> ids(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string ref = "top-" + std::to_string(t) + "-" + std::to_string(i);
        if (!desk.recharge("c-1", 100, ref, agent, kT0).ok()) ++failures;
      }
      tickets::RefundClaim claim{"k-7", "", "c-1", "wm-0001", "t-1", 200, "no water"};
      const auto done = desk.request_refund(claim, agent, kT0);
      if (!done.ok()) ++failures;
      if (done.ok() && done->replayed) ++replays;
      if (done.ok()) ids[static_cast<std::size_t>(t)] = done->refund.id;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(replays.load(), 3) << "one claim made, three answered from the key";
  EXPECT_EQ(ids, std::vector<std::string>(4, "r-000001"));
  const Card c = card();
  EXPECT_EQ(c.balance_fen, 10000 - 500 + 40 * 100);
  std::vector<tickets::LedgerEntry> ledger = book().ledger("c-1", 0, 0);
  EXPECT_EQ(ledger.size(), 42u);
  std::reverse(ledger.begin(), ledger.end());
  EXPECT_TRUE(tickets::check_ledger("c-1", c.balance_fen, ledger).ok());
}

TEST_F(SqliteCardBookTest, TheSchemaRefusesImpossibleMoney) {
  auto refused = [&](const std::string& sql) {
    int code = SQLITE_OK;
    cards_.on_writer([&](Connection& db) {
      try {
        db.exec(sql);
      } catch (const SqliteError& e) {
        code = e.code();
      }
    });
    return code;
  };
  EXPECT_EQ(refused("UPDATE cards SET balance_fen = -1 WHERE token = 'c-1'"),
            SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(refused("UPDATE cards SET state = 'closed' WHERE token = 'c-1'"),
            SQLITE_CONSTRAINT_CHECK)
      << "a closed card keeps no balance";
  EXPECT_EQ(
      refused("INSERT INTO ledger VALUES ('c-1', 2, 'charge', 0, 10000, 1, '', 'd', 't', '')"),
      SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(refused("INSERT INTO ledger VALUES ('c-1', 2, 'recharge', 5, 10005, 1, 'pay-1', '',"
                    " '', '')"),
            SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_EQ(card().balance_fen, 10000);
  EXPECT_EQ(card().state, tickets::CardState::kActive);
}

TEST_F(SqliteCardBookTest, ApplyLeavesTheWritersSynchronousSettingAsItFoundIt) {
  auto synchronous = [&] {
    std::int64_t level = -1;
    cards_.on_writer([&](Connection& db) {
      Statement st = db.prepare("PRAGMA synchronous");
      if (st.step()) level = st.int64(0);
    });
    return level;
  };
  EXPECT_EQ(synchronous(), 2) << "the store commits with FULL";
  cards_.on_writer([](Connection& db) { db.exec("PRAGMA synchronous=NORMAL"); });
  ASSERT_TRUE(book().apply(recharge_plan(card(), 5, "pay-2")).ok());
  EXPECT_EQ(synchronous(), 1);
}

}  // namespace
}  // namespace wm::gateway
