// The CardBook of the running gateway, in the gateway's SQLite file (schema migration 4):
// cards, their append-only ledgers, dispense records, refunds and flags, one column per
// field so money can be queried. It keeps the whole contract of tickets/card_book.h with
// the same error codes and fields as InMemoryCardBook; the unique indexes and CHECKs of
// the schema back the checks up.
//
// Writes run on the store writer's thread (the one writer connection, TOOLCHAIN trap 12):
// apply() hands the plan to StoreWriter::run_exclusive, writes it in its own BEGIN
// IMMEDIATE transaction, and returns once the commit is on disk (synchronous=FULL, like
// the dispense events). Reads use the store's read connection (Store::with_reader) and
// see committed state only. Thread-safe. Reads throw SqliteError when storage fails, as
// the Store's reads do; apply() answers every failure as an Error.
//
// The dispense intake writes money inside the transaction that inserts the dispense
// event, so the event and its charge commit together or not at all. On the writer
// thread, with that transaction open:
//   auto card = read_card(db, facts.card);
//   auto today = read_counters(db, facts.card, facts.device_id, local_day(site, ts_ms));
//   auto plan = plan_dispense(card, facts, policy, today);
//   auto stored = apply_money_plan(db, std::move(plan).value());
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/sqlite.h"
#include "gateway/store.h"
#include "gateway/store_writer.h"
#include "protocols/result.h"
#include "tickets/card_book.h"

namespace wm::gateway {

// Writes `plan` inside the transaction already open on `db` (the writer connection),
// with every check of CardBook::apply(), and returns the plan as stored. It begins and
// commits nothing: its writes are under a savepoint, so a refused or failed plan leaves
// the caller's transaction as it was, and they last only if the caller commits.
// Errors: those of CardBook::apply(), with the codes and fields of InMemoryCardBook;
// "invariant" when a stored card disagrees with its own ledger (entry_count, balance: the
// file was changed outside the gateway); "unavailable" when storage failed (SQLite may
// have rolled the caller's transaction back: roll it back and retry it whole);
// "no_transaction" when `db` has no open transaction (a bug of the caller).
[[nodiscard]] Result<tickets::MoneyPlan> apply_money_plan(Connection& db, tickets::MoneyPlan plan);

// Reads on any connection, for use inside the writer's transaction; throw SqliteError.
[[nodiscard]] std::optional<tickets::Card> read_card(Connection& db, std::string_view token);
// The cap counters of `card` and `device_id` on local day `day` (CardBook::counters).
[[nodiscard]] tickets::RefundCounters read_counters(Connection& db, std::string_view card,
                                                    std::string_view device_id, std::int64_t day);

class SqliteCardBook final : public tickets::CardBook {
 public:
  // `writer` must be running for apply(); reads need only the store.
  SqliteCardBook(Store& store, StoreWriter& writer) : store_(store), writer_(writer) {}

  [[nodiscard]] std::optional<tickets::Card> card(std::string_view token) const override;
  [[nodiscard]] std::vector<tickets::LedgerEntry> ledger(std::string_view token,
                                                         std::uint64_t before_seq,
                                                         std::size_t limit) const override;
  [[nodiscard]] std::optional<tickets::LedgerEntry> recharge_by_ref(
      std::string_view ref) const override;
  [[nodiscard]] std::optional<tickets::DispenseRecord> dispense(
      std::string_view device_id, std::string_view txn) const override;
  [[nodiscard]] std::vector<tickets::DispenseRecord> dispenses_of_card(
      std::string_view token, std::size_t limit) const override;
  [[nodiscard]] std::optional<tickets::Refund> refund(std::string_view id) const override;
  [[nodiscard]] std::optional<tickets::Refund> refund_by_key(
      std::string_view idempotency_key) const override;
  [[nodiscard]] std::vector<tickets::Refund> refunds_of_dispense(
      std::string_view device_id, std::string_view txn) const override;
  [[nodiscard]] std::vector<tickets::Refund> list_refunds(
      const tickets::RefundFilter& filter) const override;
  [[nodiscard]] tickets::RefundCounters counters(std::string_view card, std::string_view device_id,
                                                 std::int64_t day) const override;
  [[nodiscard]] std::vector<tickets::CardFlag> flags(std::string_view card) const override;
  [[nodiscard]] Result<tickets::MoneyPlan> apply(tickets::MoneyPlan plan) override;

 private:
  Store& store_;
  StoreWriter& writer_;
};

}  // namespace wm::gateway
