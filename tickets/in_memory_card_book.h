// CardBook in maps, for tests and tools. Keeps the whole CardBook contract (all-or-nothing
// apply with every precondition, id and seq assignment, ordering), so tests against it say
// what the SQLite store must do too. Thread-safe: one mutex around every call, so apply()
// is atomic against readers and other writers.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tickets/card_book.h"

namespace wm::tickets {

class InMemoryCardBook final : public CardBook {
 public:
  [[nodiscard]] std::optional<Card> card(std::string_view token) const override;
  [[nodiscard]] std::vector<LedgerEntry> ledger(std::string_view token, std::uint64_t before_seq,
                                                std::size_t limit) const override;
  [[nodiscard]] std::optional<LedgerEntry> recharge_by_ref(std::string_view ref) const override;
  [[nodiscard]] std::optional<DispenseRecord> dispense(std::string_view device_id,
                                                       std::string_view txn) const override;
  [[nodiscard]] std::vector<DispenseRecord> dispenses_of_card(std::string_view token,
                                                              std::size_t limit) const override;
  [[nodiscard]] std::optional<Refund> refund(std::string_view id) const override;
  [[nodiscard]] std::optional<Refund> refund_by_key(
      std::string_view idempotency_key) const override;
  [[nodiscard]] std::vector<Refund> refunds_of_dispense(std::string_view device_id,
                                                        std::string_view txn) const override;
  [[nodiscard]] std::vector<Refund> list_refunds(const RefundFilter& filter) const override;
  [[nodiscard]] RefundCounters counters(std::string_view card, std::string_view device_id,
                                        std::int64_t day) const override;
  [[nodiscard]] std::vector<CardFlag> flags(std::string_view card) const override;
  [[nodiscard]] Result<MoneyPlan> apply(MoneyPlan plan) override;

  // For tests and tools: how much is held, every card token, every dispense record,
  // every refund (id order).
  struct Counts {
    std::size_t cards = 0, entries = 0, dispenses = 0, refunds = 0, flags = 0;
    std::uint64_t revisions = 0;  // of all cards and refunds: moves with every write
    bool operator==(const Counts&) const = default;
  };
  [[nodiscard]] Counts counts() const;
  [[nodiscard]] std::vector<std::string> tokens() const;
  [[nodiscard]] std::vector<DispenseRecord> all_dispenses() const;
  [[nodiscard]] std::vector<Refund> all_refunds() const;

 private:
  using DispenseKey = std::pair<std::string, std::string>;  // (device_id, txn)

  // Callers hold mu_.
  [[nodiscard]] Status check(const MoneyPlan& plan) const;
  [[nodiscard]] Status check_refund(const MoneyPlan& plan) const;
  [[nodiscard]] RefundCounters count(std::string_view card, std::string_view device_id,
                                     std::int64_t day) const;
  [[nodiscard]] const Refund* find_refund(std::string_view id) const;

  mutable std::mutex mu_;
  std::map<std::string, Card, std::less<>> cards_;
  std::map<std::string, std::vector<LedgerEntry>, std::less<>> ledgers_;
  std::map<std::string, std::pair<std::string, std::uint64_t>, std::less<>> recharge_refs_;
  std::map<DispenseKey, DispenseRecord> dispenses_;
  std::vector<Refund> refunds_;  // index = number - 1
  std::map<std::string, std::size_t, std::less<>> refund_by_id_;
  std::map<std::string, std::size_t, std::less<>> refund_by_key_;
  std::vector<CardFlag> flags_;
};

}  // namespace wm::tickets
