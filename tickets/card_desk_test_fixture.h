// Test-only fixture of the card tests: a school site s-001 (matrix: refund_dispute ->
// operator op-1) and a community site s-002 (refund_dispute -> property pm-7), both on
// Beijing time; an in-memory card book, a desk over it, and actors of every role.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tickets/card_desk.h"
#include "tickets/in_memory_card_book.h"
#include "tickets/ticket_test_util.h"

namespace wm::tickets {

class CardDeskTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kT0 = testutil::local(480, 2026, 11, 23, 10);  // Mon 10:00
  static constexpr std::int64_t kMin = testutil::kMin;
  static constexpr std::int64_t kHour = testutil::kHour;
  static constexpr std::int64_t kDay = 24 * kHour;

  CardDesk make_desk(CardDeskConfig config = {}) { return make_desk_over(book_, config); }
  CardDesk make_desk_over(CardBook& book, CardDeskConfig config = {}) {
    return CardDesk(
        book,
        [this](std::string_view id) -> std::optional<devices::Site> {
          if (id == school_.id) return school_;
          if (id == community_.id) return community_;
          return std::nullopt;
        },
        config);
  }

  // A dispense at the school (device wm-0001) unless told otherwise.
  DispenseFacts facts(const std::string& txn, const std::string& card, std::int64_t charged_fen,
                      std::int64_t requested_ml, std::int64_t dispensed_ml,
                      std::int64_t ts_ms = kT0, const std::string& device = "wm-0001") const {
    DispenseFacts f;
    f.device_id = device;
    f.site = device == "wm-0002" ? community_ : school_;
    f.txn = txn;
    f.card = card;
    f.charged_fen = charged_fen;
    f.requested_ml = requested_ml;
    f.dispensed_ml = dispensed_ml;
    f.ts_ms = ts_ms;
    f.evidence = "flow 0.0 L/min";
    return f;
  }

  RefundClaim claim(const std::string& key, const std::string& card, const std::string& txn,
                    std::int64_t amount_fen, const std::string& device = "wm-0001") const {
    RefundClaim c;
    c.idempotency_key = key;
    c.card = card;
    c.device_id = device;
    c.txn = txn;
    c.amount_fen = amount_fen;
    c.reason = "no water came out";
    return c;
  }

  // Calls that must succeed.
  Card recharged(CardDesk& desk, const std::string& token, std::int64_t amount_fen,
                 const std::string& ref, std::int64_t at_ms = kT0) {
    Result<CardOutcome> done = desk.recharge(token, amount_fen, ref, agent_, at_ms);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().to_string());
    return done.ok() ? done->card : Card{};
  }
  DispenseOutcome dispensed(CardDesk& desk, const DispenseFacts& f) {
    Result<DispenseOutcome> done = desk.on_dispense(f);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().to_string());
    return done.ok() ? std::move(done.value()) : DispenseOutcome{};
  }

  std::int64_t balance(const std::string& token) const {
    const std::optional<Card> card = book_.card(token);
    return card ? card->balance_fen : -1;
  }

  devices::Site school_ = testutil::site("s-001", devices::SiteKind::kSchool);
  devices::Site community_ = testutil::site("s-002", devices::SiteKind::kCommunity);
  InMemoryCardBook book_;
  const Actor operator_{Role::kOperator, "op-1"};
  const Actor other_operator_{Role::kOperator, "op-2"};
  const Actor property_{Role::kProperty, "pm-7"};
  const Actor agent_{Role::kAgent, "op-1"};
  const Actor admin_{Role::kAdmin, ""};
  const Actor selfservice_{Role::kSelfService, ""};
};

}  // namespace wm::tickets
