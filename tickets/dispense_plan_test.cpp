// plan_dispense() at the edges of its rules: the charge against the balance, lost, closed
// and unknown cards, and the automatic refund against the limit, the caps and flags.
#include "tickets/dispense_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tickets/ticket_test_util.h"

namespace wm::tickets {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kT0 = testutil::local(480, 2026, 11, 23, 10);

Card card_with(std::int64_t balance, CardState state = CardState::kActive) {
  Card card;
  card.token = "c-1";
  card.revision = 4;
  card.state = state;
  card.balance_fen = balance;
  card.entry_count = 3;
  return card;
}

DispenseFacts facts(std::int64_t charged, std::int64_t requested, std::int64_t dispensed) {
  DispenseFacts f;
  f.device_id = "wm-0001";
  f.site = testutil::site("s-001", devices::SiteKind::kSchool);
  f.txn = "t-1";
  f.card = "c-1";
  f.charged_fen = charged;
  f.requested_ml = requested;
  f.dispensed_ml = dispensed;
  f.ts_ms = kT0;
  f.evidence = "flow 0.0 L/min";
  return f;
}

MoneyPlan must_plan(const std::optional<Card>& card, const DispenseFacts& f,
                    const RefundPolicy& policy = {}, const RefundCounters& today = {}) {
  Result<MoneyPlan> plan = plan_dispense(card, f, policy, today);
  EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().to_string());
  if (!plan.ok()) return {};
  const Status valid = validate_plan(*plan);
  EXPECT_TRUE(valid.ok()) << (valid.ok() ? "" : valid.error().to_string());
  return std::move(plan).value();
}

std::vector<EntryKind> kinds(const MoneyPlan& plan) {
  std::vector<EntryKind> out;
  for (const LedgerEntry& e : all_entries(plan)) out.push_back(e.kind);
  return out;
}

TEST(PlanDispenseTest, DeliveredDispenseIsChargedOnceAndNothingElse) {
  const MoneyPlan plan = must_plan(card_with(500), facts(120, 500, 500));
  ASSERT_EQ(plan.cards.size(), 1u);
  EXPECT_EQ(plan.cards[0].expected_revision, 4u);
  EXPECT_EQ(plan.cards[0].card.balance_fen, 380);
  ASSERT_EQ(plan.cards[0].entries.size(), 1u);
  const LedgerEntry& charge = plan.cards[0].entries[0];
  EXPECT_EQ(charge.kind, EntryKind::kCharge);
  EXPECT_EQ(charge.amount_fen, -120);
  EXPECT_EQ(charge.balance_after_fen, 380);
  EXPECT_EQ(charge.device_id, "wm-0001");
  EXPECT_EQ(charge.txn, "t-1");
  EXPECT_EQ(charge.at_ms, kT0) << "the event time, so a replay books the same";
  ASSERT_TRUE(plan.dispense);
  EXPECT_EQ(plan.dispense->outcome, ChargeOutcome::kCharged);
  EXPECT_EQ(plan.dispense->applied_fen, 120);
  EXPECT_EQ(plan.dispense->site_id, "s-001");
  EXPECT_FALSE(plan.refund);
  EXPECT_FALSE(plan.caps);
  EXPECT_THAT(plan.flags, IsEmpty());
}

TEST(PlanDispenseTest, ChargeOfExactlyTheBalanceIsApplied) {
  const MoneyPlan plan = must_plan(card_with(120), facts(120, 500, 500));
  EXPECT_EQ(plan.cards.at(0).card.balance_fen, 0);
  EXPECT_EQ(plan.dispense->outcome, ChargeOutcome::kCharged);
}

TEST(PlanDispenseTest, OverdrawIsNotAppliedButFlaggedForReview) {
  const MoneyPlan plan = must_plan(card_with(119), facts(120, 500, 0));
  EXPECT_THAT(kinds(plan), IsEmpty());
  EXPECT_EQ(plan.dispense->outcome, ChargeOutcome::kOverdraw);
  EXPECT_EQ(plan.dispense->applied_fen, 0);
  ASSERT_EQ(plan.flags.size(), 1u);
  EXPECT_EQ(plan.flags[0].reason, FlagReason::kOverdraw);
  EXPECT_EQ(plan.flags[0].amount_fen, 120);
  ASSERT_EQ(plan.cards.size(), 1u) << "the flag is written to the card";
  EXPECT_TRUE(plan.cards[0].card.flagged);
  EXPECT_EQ(plan.cards[0].card.balance_fen, 119);
  EXPECT_FALSE(plan.refund) << "nothing was charged, nothing to refund";
}

TEST(PlanDispenseTest, UnknownCardIsRecordedAndFlaggedNotCharged) {
  const MoneyPlan plan = must_plan(std::nullopt, facts(120, 500, 500));
  EXPECT_TRUE(plan.cards.empty());
  EXPECT_EQ(plan.dispense->outcome, ChargeOutcome::kUnknownCard);
  ASSERT_EQ(plan.flags.size(), 1u);
  EXPECT_EQ(plan.flags[0].reason, FlagReason::kUnknownCard);
  EXPECT_EQ(plan.flags[0].card, "c-1");
}

TEST(PlanDispenseTest, FreeDispenseWritesNoEntryAndNoCard) {
  const MoneyPlan plan = must_plan(card_with(500), facts(0, 500, 0));
  EXPECT_TRUE(plan.cards.empty());
  EXPECT_EQ(plan.dispense->outcome, ChargeOutcome::kFree);
  EXPECT_FALSE(plan.refund);
}

TEST(PlanDispenseTest, LostCardIsChargedWhenTheBalanceAllowsAndFlagged) {
  const MoneyPlan plan = must_plan(card_with(500, CardState::kLost), facts(120, 500, 500));
  EXPECT_THAT(kinds(plan), ElementsAre(EntryKind::kCharge));
  EXPECT_TRUE(plan.dispense->suspicious);
  ASSERT_EQ(plan.flags.size(), 1u);
  EXPECT_EQ(plan.flags[0].reason, FlagReason::kUsedWhileLost);
  EXPECT_TRUE(plan.cards[0].card.flagged);
  EXPECT_EQ(plan.cards[0].card.flag_count, 1u);
}

TEST(PlanDispenseTest, LateEventOfASaleBeforeTheLossIsNoMisuse) {
  Card card = card_with(500, CardState::kLost);
  card.lost_at_ms = kT0 + 1;
  const MoneyPlan plan = must_plan(card, facts(120, 500, 0));
  EXPECT_FALSE(plan.dispense->suspicious);
  EXPECT_TRUE(plan.flags.empty());
  EXPECT_THAT(kinds(plan), ElementsAre(EntryKind::kCharge, EntryKind::kRefund))
      << "charged, and its refund is automatic as on any unflagged card";
  card.lost_at_ms = kT0;
  EXPECT_TRUE(must_plan(card, facts(120, 500, 0)).dispense->suspicious) << "at the report";
}

TEST(PlanDispenseTest, LostCardFailedDispenseRefundWaitsForReview) {
  const MoneyPlan plan = must_plan(card_with(500, CardState::kLost), facts(120, 500, 0));
  ASSERT_TRUE(plan.refund);
  EXPECT_EQ(plan.refund->refund.state, RefundState::kPendingReview);
  EXPECT_THAT(plan.refund->refund.review_reasons, ElementsAre(review_reason::kCardFlagged));
  EXPECT_THAT(kinds(plan), ElementsAre(EntryKind::kCharge)) << "no credit before review";
}

TEST(PlanDispenseTest, ClosedCardIsNeverCharged) {
  Card closed = card_with(0, CardState::kClosed);
  closed.reissued_to = "c-2";
  const MoneyPlan plan = must_plan(closed, facts(120, 500, 500));
  EXPECT_THAT(kinds(plan), IsEmpty());
  EXPECT_EQ(plan.dispense->outcome, ChargeOutcome::kOverdraw);
  ASSERT_EQ(plan.flags.size(), 2u);
  EXPECT_EQ(plan.flags[0].reason, FlagReason::kUsedWhileClosed);
  EXPECT_EQ(plan.flags[1].reason, FlagReason::kOverdraw);
}

TEST(PlanDispenseTest, NoWaterIsRefundedAutomaticallyForTheUndeliveredShare) {
  DispenseFacts f = facts(120, 500, 100);
  f.failure_ticket_id = "t-000042";
  const MoneyPlan plan = must_plan(card_with(500), f);
  ASSERT_TRUE(plan.refund);
  const Refund& refund = plan.refund->refund;
  EXPECT_EQ(plan.refund->expected_revision, 0u);
  EXPECT_EQ(refund.state, RefundState::kApproved);
  EXPECT_TRUE(refund.auto_approved);
  EXPECT_EQ(refund.amount_fen, 96);  // 120 * 400 / 500
  EXPECT_EQ(refund.origin, RefundOrigin::kDispense);
  EXPECT_EQ(refund.ticket_id, "t-000042");
  EXPECT_EQ(refund.decided_by, "system");
  EXPECT_NE(refund.evidence.find("flow 0.0 L/min"), std::string::npos) << refund.evidence;
  EXPECT_NE(refund.evidence.find("dispensed 100 ml"), std::string::npos) << refund.evidence;
  EXPECT_EQ(refund.reviewer_party, devices::Party::kOperator) << "school: operator";
  EXPECT_EQ(refund.reviewer_org, "op-1");
  EXPECT_EQ(refund.reviewer_rule, "default:school/refund_dispute");
  EXPECT_EQ(refund.day, testutil::days_from_civil(2026, 11, 23));
  EXPECT_THAT(kinds(plan), ElementsAre(EntryKind::kCharge, EntryKind::kRefund));
  EXPECT_EQ(plan.cards[0].card.balance_fen, 500 - 120 + 96);
  ASSERT_TRUE(plan.caps);
  EXPECT_EQ(plan.caps->day, refund.day);
}

TEST(PlanDispenseTest, ExactlyHalfDeliveredIsNoEvidence) {
  EXPECT_FALSE(must_plan(card_with(500), facts(120, 500, 250)).refund);
  ASSERT_TRUE(must_plan(card_with(500), facts(120, 500, 249)).refund);
  EXPECT_EQ(must_plan(card_with(500), facts(120, 500, 249)).refund->refund.amount_fen, 61)
      << "120 * 251 / 500 = 60.24, rounded up";
}

TEST(PlanDispenseTest, SmallestChargesComeBackWhole) {
  const MoneyPlan one = must_plan(card_with(500), facts(1, 500, 249));
  ASSERT_TRUE(one.refund);
  EXPECT_EQ(one.refund->refund.amount_fen, 1) << "0.502 fen rounds up to 1";
  EXPECT_EQ(one.cards.at(0).card.balance_fen, 500);
}

TEST(PlanDispenseTest, ActiveFailureRefundsEvenAMostlyDeliveredDispense) {
  DispenseFacts f = facts(100, 500, 450);
  f.failure_active = true;
  const MoneyPlan plan = must_plan(card_with(500), f);
  ASSERT_TRUE(plan.refund);
  EXPECT_EQ(plan.refund->refund.amount_fen, 10);
  f.dispensed_ml = 500;
  EXPECT_FALSE(must_plan(card_with(500), f).refund) << "everything came: nothing to refund";
}

TEST(PlanDispenseTest, AutoLimitExactly2000IsAutomatic2001IsReviewed) {
  const MoneyPlan at = must_plan(card_with(5000), facts(2000, 500, 0));
  EXPECT_EQ(at.refund->refund.state, RefundState::kApproved);
  const MoneyPlan above = must_plan(card_with(5000), facts(2001, 500, 0));
  EXPECT_EQ(above.refund->refund.state, RefundState::kPendingReview);
  EXPECT_THAT(above.refund->refund.review_reasons, ElementsAre(review_reason::kOverLimit));
  EXPECT_THAT(kinds(above), ElementsAre(EntryKind::kCharge));
}

TEST(PlanDispenseTest, SiteContractLimitWins) {
  DispenseFacts f = facts(300, 500, 0);
  f.site.contract.refund_auto_limit_fen = 299;
  EXPECT_EQ(must_plan(card_with(500), f).refund->refund.state, RefundState::kPendingReview);
  f.site.contract.refund_auto_limit_fen = 300;
  EXPECT_EQ(must_plan(card_with(500), f).refund->refund.state, RefundState::kApproved);
}

TEST(PlanDispenseTest, DailyCapsOfCardAndMachineAtNAndNPlusOne) {
  RefundPolicy policy;  // 3 per card, 20 per machine
  const DispenseFacts f = facts(100, 500, 0);
  EXPECT_EQ(must_plan(card_with(500), f, policy, {2, 19, 0}).refund->refund.state,
            RefundState::kApproved)
      << "the third of the card and the twentieth of the machine are still automatic";
  const MoneyPlan card_cap = must_plan(card_with(500), f, policy, {3, 0, 0});
  EXPECT_THAT(card_cap.refund->refund.review_reasons, ElementsAre(review_reason::kCardCap));
  const MoneyPlan device_cap = must_plan(card_with(500), f, policy, {0, 20, 0});
  EXPECT_THAT(device_cap.refund->refund.review_reasons, ElementsAre(review_reason::kDeviceCap));
  EXPECT_EQ(device_cap.caps->counters, (RefundCounters{0, 20, 0}));
  policy.max_auto_per_card_day = 0;
  EXPECT_EQ(must_plan(card_with(500), f, policy, {}).refund->refund.state,
            RefundState::kPendingReview);
}

TEST(PlanDispenseTest, FlaggedCardRefundWaitsForReview) {
  Card card = card_with(500);
  card.flagged = true;
  const MoneyPlan plan = must_plan(card, facts(100, 500, 0));
  EXPECT_EQ(plan.refund->refund.state, RefundState::kPendingReview);
  EXPECT_THAT(plan.refund->refund.review_reasons, ElementsAre(review_reason::kCardFlagged));
}

TEST(PlanDispenseTest, CommunityRefundsAreReviewedByTheProperty) {
  DispenseFacts f = facts(3000, 500, 0);
  f.site = testutil::site("s-002", devices::SiteKind::kCommunity);
  const MoneyPlan plan = must_plan(card_with(5000), f);
  EXPECT_EQ(plan.refund->refund.reviewer_party, devices::Party::kProperty);
  EXPECT_EQ(plan.refund->refund.reviewer_org, "pm-7");
}

TEST(PlanDispenseTest, FactsNoDecoderWouldPassAreRefused) {
  auto code_of = [](DispenseFacts f) {
    Result<MoneyPlan> plan = plan_dispense(card_with(500), f, {}, {});
    return plan.ok() ? std::string("ok") : plan.error().code + "/" + plan.error().field;
  };
  DispenseFacts f = facts(100, 500, 0);
  f.txn.clear();
  EXPECT_EQ(code_of(f), "missing_field/txn");
  f = facts(100, 500, 0);
  f.device_id.clear();
  EXPECT_EQ(code_of(f), "missing_field/device_id");
  EXPECT_EQ(code_of(facts(-1, 500, 0)), "out_of_range/charged_fen");
  EXPECT_EQ(code_of(facts(100, 0, 0)), "out_of_range/requested_ml");
  EXPECT_EQ(code_of(facts(100, 500, -1)), "out_of_range/dispensed_ml");
}

}  // namespace
}  // namespace wm::tickets
