// The ledger's own rules (signs, the whole-ledger check) and the names of the card and
// refund enums that API.md and the stored rows use.
#include "tickets/ledger.h"

#include <gtest/gtest.h>

#include <vector>

#include "tickets/card.h"
#include "tickets/refund.h"

namespace wm::tickets {
namespace {

LedgerEntry entry(std::uint64_t seq, EntryKind kind, std::int64_t amount, std::int64_t after) {
  LedgerEntry e;
  e.card = "c-1";
  e.seq = seq;
  e.kind = kind;
  e.amount_fen = amount;
  e.balance_after_fen = after;
  return e;
}

std::vector<LedgerEntry> good_ledger() {
  return {entry(1, EntryKind::kRecharge, 1000, 1000), entry(2, EntryKind::kCharge, -300, 700),
          entry(3, EntryKind::kRefund, 150, 850), entry(4, EntryKind::kRefundOut, -850, 0)};
}

TEST(LedgerTest, SignsByKind) {
  for (EntryKind credit : {EntryKind::kRecharge, EntryKind::kRefund, EntryKind::kTransferIn}) {
    EXPECT_TRUE(entry_sign_ok(credit, 1)) << to_string(credit);
    EXPECT_FALSE(entry_sign_ok(credit, 0)) << to_string(credit);
    EXPECT_FALSE(entry_sign_ok(credit, -1)) << to_string(credit);
  }
  for (EntryKind debit : {EntryKind::kCharge, EntryKind::kTransferOut, EntryKind::kRefundOut}) {
    EXPECT_TRUE(entry_sign_ok(debit, -1)) << to_string(debit);
    EXPECT_FALSE(entry_sign_ok(debit, 0)) << to_string(debit);
    EXPECT_FALSE(entry_sign_ok(debit, 1)) << to_string(debit);
  }
}

TEST(LedgerTest, GoodLedgerPasses) {
  EXPECT_TRUE(check_ledger("c-1", 0, good_ledger()).ok());
  EXPECT_TRUE(check_ledger("c-1", 0, {}).ok());
}

TEST(LedgerTest, EveryBrokenRuleIsNamed) {
  struct Case {
    const char* name;
    void (*spoil)(std::vector<LedgerEntry>&, std::int64_t&);
    const char* field;
  };
  const Case cases[] = {
      {"gap in seq", [](auto& l, auto&) { l[2].seq = 4; }, "c-1#3"},
      {"other card", [](auto& l, auto&) { l[1].card = "c-2"; }, "c-1#2"},
      {"wrong sign", [](auto& l, auto&) { l[1].amount_fen = 300; }, "c-1#2"},
      {"balance_after off", [](auto& l, auto&) { l[2].balance_after_fen = 851; }, "c-1#3"},
      {"goes negative",
       [](auto& l, auto&) {
         l[1].amount_fen = -1001;
         l[1].balance_after_fen = -1;
       },
       "c-1#2"},
      {"stored balance differs", [](auto&, auto& balance) { balance = 5; }, "c-1#4"},
  };
  for (const Case& c : cases) {
    std::vector<LedgerEntry> ledger = good_ledger();
    std::int64_t balance = 0;
    c.spoil(ledger, balance);
    const Status s = check_ledger("c-1", balance, ledger);
    ASSERT_FALSE(s.ok()) << c.name;
    EXPECT_EQ(s.error().code, "invariant") << c.name;
    EXPECT_EQ(s.error().field, c.field) << c.name << ": " << s.error().to_string();
  }
}

template <class Enum, class Parse>
void expect_names(std::initializer_list<std::pair<Enum, const char*>> table, Parse parse) {
  for (const auto& [value, name] : table) {
    EXPECT_EQ(to_string(value), name);
    EXPECT_EQ(parse(name), value) << name;
  }
  EXPECT_EQ(parse("Active"), std::nullopt);
  EXPECT_EQ(parse(""), std::nullopt);
}

TEST(CardNamesTest, ApiWordsRoundTrip) {
  expect_names<CardState>(
      {{CardState::kActive, "active"}, {CardState::kLost, "lost"}, {CardState::kClosed, "closed"}},
      card_state_from_string);
  expect_names<FlagReason>({{FlagReason::kOverdraw, "overdraw"},
                            {FlagReason::kUsedWhileLost, "used_while_lost"},
                            {FlagReason::kUsedWhileClosed, "used_while_closed"},
                            {FlagReason::kUnknownCard, "unknown_card"},
                            {FlagReason::kClaimOnDelivered, "claim_on_delivered"}},
                           flag_reason_from_string);
  expect_names<EntryKind>({{EntryKind::kRecharge, "recharge"},
                           {EntryKind::kCharge, "charge"},
                           {EntryKind::kRefund, "refund"},
                           {EntryKind::kTransferOut, "transfer_out"},
                           {EntryKind::kTransferIn, "transfer_in"},
                           {EntryKind::kRefundOut, "refund_out"}},
                          entry_kind_from_string);
  expect_names<RefundState>({{RefundState::kApproved, "approved"},
                             {RefundState::kPendingReview, "pending_review"},
                             {RefundState::kRejected, "rejected"}},
                            refund_state_from_string);
  expect_names<RefundOrigin>(
      {{RefundOrigin::kDispense, "dispense"}, {RefundOrigin::kClaim, "claim"}},
      refund_origin_from_string);
  expect_names<ChargeOutcome>({{ChargeOutcome::kCharged, "charged"},
                               {ChargeOutcome::kFree, "free"},
                               {ChargeOutcome::kOverdraw, "overdraw"},
                               {ChargeOutcome::kUnknownCard, "unknown_card"}},
                              charge_outcome_from_string);
}

TEST(CardTokenTest, OneTo64BytesWithoutControlCharacters) {
  EXPECT_TRUE(check_card_token("c-000123", "card").ok());
  EXPECT_TRUE(check_card_token(std::string(64, 'x'), "card").ok());
  EXPECT_TRUE(check_card_token("卡 0001", "card").ok()) << "what the decoders accept";
  EXPECT_EQ(check_card_token("", "card").error().code, "missing_field");
  EXPECT_EQ(check_card_token(std::string(65, 'x'), "card").error().code, "out_of_range");
  const Status control = check_card_token("c-1\n", "new_token");
  EXPECT_EQ(control.error().code, "out_of_range");
  EXPECT_EQ(control.error().field, "new_token");
}

}  // namespace
}  // namespace wm::tickets
