#include "simulator/scorer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wm::sim {
namespace {

constexpr std::int64_t kT = 1709553600000;  // 2024-03-04T12:00:00Z
constexpr std::int64_t kMin = kMsPerMinute;
constexpr std::int64_t kHour = kMsPerHour;

FaultTruth line(const std::string& machine, FaultKind kind, std::int64_t onset,
                std::int64_t failure, std::optional<std::int64_t> cleared) {
  return FaultTruth{machine, "s-1", kind, onset, failure, cleared, {}, {}};
}

TicketRecord ticket(const std::string& id, const std::string& subject, const std::string& kind,
                    std::int64_t detected, const std::string& source = "detected") {
  return TicketRecord{id, subject, kind, source, detected, detected + kMin, {}};
}

// Two days from kT - 1 h, 100 machines: 200 machine-days.
ScoreOptions two_days() {
  ScoreOptions o;
  o.from_ms = kT - kHour;
  o.until_ms = o.from_ms + 2 * kMsPerDay;
  o.machines = 100;
  return o;
}

const KindScore& row(const Scorecard& card, const std::string& kind) {
  for (const KindScore& s : card.kinds) {
    if (s.kind == kind) return s;
  }
  ADD_FAILURE() << "no row for " << kind;
  static const KindScore none;
  return none;
}

TEST(ScorerTest, ATicketInTheWindowIsATruePositiveWithItsLead) {
  const std::vector<FaultTruth> truths = {
      line("wm-1", FaultKind::kLeak, kT, kT, kT + 2 * kHour),
      line("wm-2", FaultKind::kWaterQuality, kT, kT + 3 * kHour, kT + 5 * kHour)};
  const std::vector<TicketRecord> tickets = {ticket("t-1", "wm-1", "leak", kT + 6 * kMin),
                                             ticket("t-2", "wm-2", "water_quality", kT + kHour)};
  const Scorecard card = score(truths, tickets, {}, two_days());
  const KindScore& leak = row(card, "leak");
  EXPECT_EQ(leak.truths, 1u);
  EXPECT_EQ(leak.tickets, 1u);
  EXPECT_EQ(leak.matched, 1u);
  EXPECT_EQ(leak.precision, 1.0);
  EXPECT_EQ(leak.recall, 1.0);
  EXPECT_DOUBLE_EQ(*leak.median_lead_h, -0.1);                       // 6 minutes after the failure
  EXPECT_DOUBLE_EQ(*leak.median_lead_opened_h, -7.0 / 60);           // opened a minute later
  EXPECT_DOUBLE_EQ(*row(card, "water_quality").median_lead_h, 2.0);  // predicted early
  EXPECT_EQ(card.total.matched, 2u);
  EXPECT_EQ(card.total.false_tickets, 0u);
  EXPECT_DOUBLE_EQ(card.machine_days, 200.0);
}

TEST(ScorerTest, SlackBoundsHowEarlyAndHowLateATicketMayCome) {
  const std::vector<FaultTruth> truths = {line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour),
                                          line("wm-2", FaultKind::kLeak, kT, kT, kT + kHour),
                                          line("wm-3", FaultKind::kLeak, kT, kT, kT + kHour),
                                          line("wm-4", FaultKind::kLeak, kT, kT, kT + kHour)};
  const std::vector<TicketRecord> tickets = {
      ticket("t-1", "wm-1", "leak", kT + kHour + 30 * kMin),  // late, at the edge
      ticket("t-2", "wm-2", "leak", kT + kHour + 31 * kMin),  // too late
      ticket("t-3", "wm-3", "leak", kT - 30 * kMin),          // early, at the edge
      ticket("t-4", "wm-4", "leak", kT - 31 * kMin)};         // too early
  const Scorecard card = score(truths, tickets, {}, two_days());
  const KindScore& leak = row(card, "leak");
  EXPECT_EQ(leak.matched, 2u);
  EXPECT_EQ(leak.false_tickets, 2u);
  EXPECT_EQ(leak.recall, 0.5);
  EXPECT_EQ(leak.precision, 0.5);
  EXPECT_DOUBLE_EQ(*leak.median_lead_h, (-1.5 + 0.5) / 2);  // median of two: their mean
}

TEST(ScorerTest, TicketsOfKindsOrMachinesTheTruthNeverHadAreFalse) {
  const std::vector<FaultTruth> truths = {line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour)};
  const std::vector<TicketRecord> tickets = {
      ticket("t-1", "wm-1", "filter_clogging", kT, "predicted"),  // never injected
      ticket("t-2", "wm-9", "leak", kT),                          // another machine
      ticket("t-3", "wm-1", "uv_fault", kT)};                     // another kind
  const Scorecard card = score(truths, tickets, {}, two_days());
  EXPECT_EQ(row(card, "filter_clogging").false_tickets, 1u);
  EXPECT_EQ(row(card, "filter_clogging").truths, 0u);
  EXPECT_FALSE(row(card, "filter_clogging").recall.has_value());
  EXPECT_EQ(row(card, "leak").false_tickets, 1u);
  EXPECT_EQ(row(card, "leak").recall, 0.0);
  EXPECT_EQ(card.total.false_tickets, 3u);
  EXPECT_DOUBLE_EQ(card.total.false_per_1000_machine_days, 15.0);  // 3 in 200 machine-days
  EXPECT_DOUBLE_EQ(row(card, "uv_fault").false_per_1000_machine_days, 5.0);
}

TEST(ScorerTest, ASecondTicketForTheSameEpisodeIsADuplicate) {
  const std::vector<FaultTruth> truths = {line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour)};
  const std::vector<TicketRecord> tickets = {ticket("t-2", "wm-1", "leak", kT + 20 * kMin),
                                             ticket("t-1", "wm-1", "leak", kT + 10 * kMin)};
  const Scorecard card = score(truths, tickets, {}, two_days());
  const KindScore& leak = row(card, "leak");
  EXPECT_EQ(leak.matched, 1u);
  EXPECT_EQ(leak.true_tickets, 1u);
  EXPECT_EQ(leak.duplicate_tickets, 1u);
  EXPECT_EQ(leak.false_tickets, 0u);
  EXPECT_EQ(leak.precision, 0.5);
  EXPECT_EQ(leak.recall, 1.0);
  EXPECT_DOUBLE_EQ(*leak.median_lead_h, -10.0 / 60);  // the earlier ticket matched
}

TEST(ScorerTest, AReopenedTicketMatchesEachEpisodeOnce) {
  const std::vector<FaultTruth> truths = {
      line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour),
      line("wm-1", FaultKind::kLeak, kT + 10 * kHour, kT + 10 * kHour, kT + 11 * kHour),
      line("wm-1", FaultKind::kLeak, kT + 20 * kHour, kT + 20 * kHour, kT + 21 * kHour)};
  TicketRecord reopened = ticket("t-1", "wm-1", "leak", kT + 5 * kMin);
  reopened.sightings_ms = {kT + 20 * kHour + 2 * kMin, kT + 10 * kHour + 4 * kMin,
                           kT + 10 * kHour + 9 * kMin};  // two signals in the second episode
  Scorecard card = score(truths, {reopened}, {}, two_days());
  EXPECT_EQ(row(card, "leak").matched, 3u);
  EXPECT_EQ(row(card, "leak").tickets, 1u);
  EXPECT_EQ(row(card, "leak").precision, 1.0);
  EXPECT_DOUBLE_EQ(*row(card, "leak").median_lead_h, -4.0 / 60);

  // Without its evidence the ticket finds only its first episode.
  reopened.sightings_ms.clear();
  card = score(truths, {reopened}, {}, two_days());
  EXPECT_EQ(row(card, "leak").matched, 1u);
  EXPECT_DOUBLE_EQ(*row(card, "leak").recall, 1.0 / 3);
}

TEST(ScorerTest, ATicketOwnDetectionGoesBeforeAnotherTicketsLaterSighting) {
  const std::vector<FaultTruth> truths = {
      line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour),
      line("wm-1", FaultKind::kLeak, kT + 10 * kHour, kT + 10 * kHour, kT + 11 * kHour)};
  TicketRecord first = ticket("t-1", "wm-1", "leak", kT + 5 * kMin);
  first.sightings_ms = {kT + 10 * kHour + kMin};
  const TicketRecord second = ticket("t-2", "wm-1", "leak", kT + 10 * kHour + 3 * kMin);
  const Scorecard card = score(truths, {first, second}, {}, two_days());
  const KindScore& leak = row(card, "leak");
  EXPECT_EQ(leak.matched, 2u);
  EXPECT_EQ(leak.true_tickets, 2u);
  EXPECT_EQ(leak.duplicate_tickets, 0u);
  EXPECT_DOUBLE_EQ(*leak.median_lead_h, (-5.0 - 3.0) / 2 / 60);  // each by its own detection
}

TEST(ScorerTest, PeoplesTicketsAreIgnored) {
  const std::vector<FaultTruth> truths = {line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour)};
  const std::vector<TicketRecord> tickets = {ticket("t-1", "wm-1", "leak", kT + kMin, "hotline"),
                                             ticket("t-2", "wm-1", "leak", kT, "app"),
                                             ticket("t-3", "wm-1", "leak", kT, "mini_program"),
                                             ticket("t-4", "wm-1", "leak", kT, "property")};
  const Scorecard card = score(truths, tickets, {}, two_days());
  EXPECT_EQ(card.people_tickets, 4u);
  EXPECT_EQ(row(card, "leak").tickets, 0u);
  EXPECT_EQ(row(card, "leak").recall, 0.0);
  EXPECT_FALSE(row(card, "leak").precision.has_value());
}

TEST(ScorerTest, ASiteOutageIsMatchedByItsSite) {
  const std::vector<FaultTruth> truths = {
      line("", FaultKind::kSitePowerOutage, kT, kT, kT + 2 * kHour)};
  const std::vector<TicketRecord> tickets = {
      ticket("t-1", "s-1", "site_power_outage", kT + 3 * kMin),
      ticket("t-2", "wm-1", "device_offline", kT + 3 * kMin)};  // the site's machine: noise
  const Scorecard card = score(truths, tickets, {}, two_days());
  EXPECT_EQ(row(card, "site_power_outage").matched, 1u);
  EXPECT_EQ(row(card, "device_offline").false_tickets, 1u);
}

TEST(ScorerTest, ACleaningDueTicketForASkippedCleaningIsATruePositive) {
  const std::vector<FaultTruth> truths = {
      line("wm-1", FaultKind::kCleaningDue, kT, kT, kT + 30 * kHour)};
  const Scorecard card =
      score(truths, {ticket("t-1", "wm-1", "cleaning_due", kT + 2 * kMin)}, {}, two_days());
  EXPECT_EQ(row(card, "cleaning_due").matched, 1u);
  EXPECT_EQ(row(card, "cleaning_due").precision, 1.0);
}

TEST(ScorerTest, ThePeriodCountsByOnsetAndDetectionButMatchesAcrossIt) {
  ScoreOptions o = two_days();
  const std::vector<FaultTruth> truths = {
      line("wm-1", FaultKind::kLeak, o.from_ms + 5 * kMin, o.from_ms + 5 * kMin, kT + kHour),
      line("wm-2", FaultKind::kLeak, o.from_ms - kHour, o.from_ms - kHour, o.from_ms + kMin),
      line("wm-3", FaultKind::kLeak, o.until_ms - kMin, o.until_ms - kMin, std::nullopt)};
  const std::vector<TicketRecord> tickets = {
      ticket("t-1", "wm-1", "leak", o.from_ms - 10 * kMin),    // before the period, matches
      ticket("t-2", "wm-2", "leak", o.from_ms - 50 * kMin),    // both outside
      ticket("t-3", "wm-3", "leak", o.until_ms + 20 * kMin)};  // after: still active, slack
  const Scorecard card = score(truths, tickets, {}, o);
  const KindScore& leak = row(card, "leak");
  EXPECT_EQ(leak.truths, 2u);   // wm-1, wm-3
  EXPECT_EQ(leak.matched, 2u);  // t-1 and t-3, though outside the period
  EXPECT_EQ(leak.tickets, 0u);
}

TEST(ScorerTest, RefundsOfShortSalesOnceAreRightTwiceAreDoubles) {
  FaultTruth failure = line("wm-1", FaultKind::kDispenseFailure, kT, kT, kT + kHour);
  failure.txns = {"t-a", "t-b", "t-c", "t-d"};
  FaultTruth earlier = line("wm-1", FaultKind::kDispenseFailure, kT - 30 * kHour, kT - 30 * kHour,
                            kT - 29 * kHour);  // before the period
  earlier.txns = {"t-old"};
  const std::vector<RefundRecord> refunds = {
      {"r-1", "wm-1", "t-a", "approved", kT},
      {"r-2", "wm-1", "t-b", "approved", kT},
      {"r-3", "wm-1", "t-b", "approved", kT + kMin},  // the same sale again
      {"r-4", "wm-1", "t-c", "pending_review", kT},
      {"r-5", "wm-1", "t-d", "rejected", kT},                // d is never refunded
      {"r-6", "wm-1", "t-full", "approved", kT},             // the water came
      {"r-7", "wm-2", "t-a", "approved", kT},                // another machine's txn
      {"r-8", "wm-1", "t-old", "approved", kT},              // a short sale outside the period
      {"r-9", "wm-1", "t-x", "approved", kT - 40 * kHour}};  // outside the period
  const RefundScore r = score({failure, earlier}, {}, refunds, two_days()).refunds;
  EXPECT_EQ(r.short_sales, 4u);
  EXPECT_EQ(r.refunds, 6u);  // r-1..r-4, r-6, r-7
  EXPECT_EQ(r.pending_review, 1u);
  EXPECT_EQ(r.rejected, 1u);
  EXPECT_EQ(r.true_refunds, 4u);
  EXPECT_EQ(r.refunded_once, 2u);  // a, c
  EXPECT_EQ(r.doubles, 1u);        // b
  EXPECT_EQ(r.missed, 1u);         // d
  EXPECT_DOUBLE_EQ(*r.precision, 4.0 / 6);
  EXPECT_DOUBLE_EQ(*r.recall, 0.5);
}

TEST(ScorerTest, NoRefundsAndNoShortSalesHaveNoRatios) {
  const RefundScore r = score({}, {}, {}, two_days()).refunds;
  EXPECT_EQ(r.short_sales, 0u);
  EXPECT_FALSE(r.precision.has_value());
  EXPECT_FALSE(r.recall.has_value());
}

TEST(ScorerTest, TheObservedPeriodSpansEveryRecordOfTheMachines) {
  const std::vector<FaultTruth> truths = {line("wm-1", FaultKind::kLeak, kT, kT, kT + kHour)};
  const std::vector<TicketRecord> tickets = {
      ticket("t-1", "wm-1", "leak", kT + 3 * kHour),
      ticket("t-2", "wm-1", "leak", kT - 9 * kHour, "hotline")};  // people: left out
  const Period p = observed_period(truths, tickets);
  EXPECT_EQ(p.from_ms, kT);
  EXPECT_EQ(p.until_ms, kT + 3 * kHour + 1);
  EXPECT_EQ(observed_period({}, {}).until_ms, 0);
}

}  // namespace
}  // namespace wm::sim
