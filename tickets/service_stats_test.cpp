// Service statistics on hand-made tickets: durations, nearest-rank percentiles, SLA
// attainment counting only decided outcomes, transfers, satisfaction, grouping.
#include "tickets/service_stats.h"

#include <gtest/gtest.h>

namespace wm::tickets {
namespace {

using devices::FaultKind;
using devices::SiteKind;

constexpr std::int64_t kMin = 60'000;

Ticket ticket(FaultKind kind, SiteKind site_kind, const std::string& channel) {
  Ticket t;
  t.kind = kind;
  t.site_kind = site_kind;
  t.channel = channel;
  t.opened_at_ms = 0;
  t.ack_due_ms = 15 * kMin;
  t.resolve_due_ms = 240 * kMin;
  return t;
}

TEST(PercentileTest, NearestRank) {
  EXPECT_EQ(percentile({}, 50), std::nullopt);
  EXPECT_EQ(percentile({7}, 90), 7);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9);
  EXPECT_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 100), 10);
}

TEST(ServiceStatsTest, DurationsTransfersAndSatisfaction) {
  Ticket a = ticket(FaultKind::kLeak, SiteKind::kSchool, "sensor");
  a.acknowledged_at_ms = 10 * kMin;
  a.resolved_at_ms = 100 * kMin;
  a.rating = 5;
  Ticket b = ticket(FaultKind::kLeak, SiteKind::kMall, "hotline");
  b.acknowledged_at_ms = 20 * kMin;  // late
  b.transfers = 1;
  b.rating = 2;
  Ticket c = ticket(FaultKind::kUvFault, SiteKind::kSchool, "sensor");  // untouched

  const ServiceStats s = compute_service_stats({a, b, c}, StatsGroupBy::kKind, 60 * kMin);
  ASSERT_EQ(s.groups.size(), 2u);
  const GroupStats& leak = s.groups[0];
  EXPECT_EQ(leak.group, "leak");
  EXPECT_EQ(leak.tickets, 2u);
  EXPECT_EQ(leak.first_response_s.count, 2u);
  EXPECT_EQ(leak.first_response_s.mean, 900.0);
  EXPECT_EQ(leak.first_response_s.p50, 600.0);
  EXPECT_EQ(leak.first_response_s.p90, 1200.0);
  EXPECT_EQ(leak.resolution_s.count, 1u);
  EXPECT_EQ(leak.resolution_s.mean, 6000.0);
  EXPECT_EQ(leak.transfers_per_ticket, 0.5);
  EXPECT_EQ(leak.ack_sla.met, 1u);
  EXPECT_EQ(leak.ack_sla.missed, 1u);
  EXPECT_EQ(leak.ack_sla.ratio(), 0.5);
  EXPECT_EQ(leak.resolve_sla.met, 1u);
  EXPECT_EQ(leak.resolve_sla.missed, 0u);  // b's resolution is not due yet
  EXPECT_EQ(leak.ratings, 2u);
  EXPECT_EQ(leak.satisfaction, 3.5);

  const GroupStats& uv = s.groups[1];
  EXPECT_EQ(uv.group, "uv_fault");
  EXPECT_EQ(uv.first_response_s.mean, std::nullopt);
  EXPECT_EQ(uv.ack_sla.missed, 1u);  // no ack, past due at minute 60
  EXPECT_EQ(uv.resolve_sla.ratio(), std::nullopt);
  EXPECT_EQ(uv.satisfaction, std::nullopt);

  EXPECT_EQ(s.total.group, "all");
  EXPECT_EQ(s.total.tickets, 3u);
  EXPECT_EQ(s.total.ack_sla.missed, 2u);
}

TEST(ServiceStatsTest, ResolvedWithoutAckCountsTheFixAsTheResponse) {
  Ticket quick = ticket(FaultKind::kLeak, SiteKind::kSchool, "sensor");
  quick.resolved_at_ms = 12 * kMin;
  Ticket slow = ticket(FaultKind::kLeak, SiteKind::kSchool, "sensor");
  slow.resolved_at_ms = 300 * kMin;
  const ServiceStats s = compute_service_stats({quick, slow}, StatsGroupBy::kKind, 600 * kMin);
  EXPECT_EQ(s.total.ack_sla.met, 1u);
  EXPECT_EQ(s.total.ack_sla.missed, 1u);
  EXPECT_EQ(s.total.resolve_sla.met, 1u);
  EXPECT_EQ(s.total.resolve_sla.missed, 1u);
  EXPECT_EQ(s.total.first_response_s.count, 0u);
}

TEST(ServiceStatsTest, GroupsBySiteKindAndChannel) {
  const std::vector<Ticket> tickets = {ticket(FaultKind::kLeak, SiteKind::kSchool, "sensor"),
                                       ticket(FaultKind::kLeak, SiteKind::kMall, "hotline"),
                                       ticket(FaultKind::kTamper, SiteKind::kMall, "app")};
  const ServiceStats by_site = compute_service_stats(tickets, StatsGroupBy::kSiteKind, 0);
  ASSERT_EQ(by_site.groups.size(), 2u);
  EXPECT_EQ(by_site.groups[0].group, "mall");
  EXPECT_EQ(by_site.groups[0].tickets, 2u);
  const ServiceStats by_channel = compute_service_stats(tickets, StatsGroupBy::kChannel, 0);
  ASSERT_EQ(by_channel.groups.size(), 3u);
  EXPECT_EQ(by_channel.groups[0].group, "app");
  EXPECT_TRUE(compute_service_stats({}, StatsGroupBy::kKind, 0).groups.empty());
}

TEST(ServiceStatsTest, GroupByNames) {
  EXPECT_EQ(stats_group_by_from_string("site_kind"), StatsGroupBy::kSiteKind);
  EXPECT_EQ(stats_group_by_from_string("device"), std::nullopt);
  EXPECT_EQ(to_string(StatsGroupBy::kChannel), "channel");
}

}  // namespace
}  // namespace wm::tickets
