// Erlang B and C against published worked examples and tables, against the closed-form
// formula computed independently in log space, and the staffing search's edges.
#include "tickets/erlang_c.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>

namespace wm::tickets {
namespace {

// The textbook closed form, summed in log space with lgamma so that it does not overflow:
// C = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A)). Shares no code with the
// recursion under test.
double closed_form_erlang_c(int n, double a) {
  const auto log_term = [&](int k) { return k * std::log(a) - std::lgamma(k + 1.0); };
  const double log_top = log_term(n) + std::log(n / (n - a));
  double max_log = log_top;
  for (int k = 0; k < n; ++k) max_log = std::max(max_log, log_term(k));
  double sum = 0;
  for (int k = 0; k < n; ++k) sum += std::exp(log_term(k) - max_log);
  const double top = std::exp(log_top - max_log);
  return top / (sum + top);
}

// Call Centre Helper, "Erlang C Formula - Made Simple with an Easy Worked Example"
// (callcentrehelper.com): 100 calls in 30 minutes (200 an hour), 180 s average handling
// time, target 80% answered in 20 s: traffic 10 Erlangs and 14 agents, at which the
// probability of waiting is about 17.4% and the service level about 88.8%; 13 agents reach
// only about 79.6%.
TEST(ErlangCTest, CallCentreHelperWorkedExample) {
  const double a = offered_traffic_erlangs(200, 180);
  EXPECT_DOUBLE_EQ(a, 10.0);
  EXPECT_NEAR(erlang_c_probability_wait(11, a), 0.6821, 5e-4);
  EXPECT_NEAR(erlang_c_probability_wait(14, a), 0.1741, 5e-4);
  EXPECT_NEAR(service_level(13, a, 180, 20), 0.7956, 5e-4);
  EXPECT_NEAR(service_level(14, a, 180, 20), 0.8884, 5e-4);
  EXPECT_NEAR(average_speed_of_answer(14, a, 180), 7.84, 0.01);
  auto n = agents_needed(200, 180, 0.8, 20);
  ASSERT_TRUE(n.ok()) << n.error().to_string();
  EXPECT_EQ(*n, 14);
  std::printf("[ erlang   ] 200 calls/h, AHT 180 s, 80/20: %d agents, Pw %.4f, SL %.4f\n", *n,
              erlang_c_probability_wait(*n, a), service_level(*n, a, 180, 20));
}

// Westbay Engineers' Erlang C page (erlang.com) works 360 calls per half hour, 4 minute
// calls, 55 agents and a 15 s target: 48 Erlangs, occupancy 0.873. Our figures: Pw 0.2387,
// ASA 8.18 s, SL 0.8459; checked against the closed form below.
TEST(ErlangCTest, WestbayWorkedExample) {
  const double a = offered_traffic_erlangs(720, 240);
  EXPECT_DOUBLE_EQ(a, 48.0);
  EXPECT_NEAR(erlang_c_probability_wait(55, a), 0.2387, 5e-4);
  EXPECT_NEAR(average_speed_of_answer(55, a, 240), 8.18, 0.01);
  EXPECT_NEAR(service_level(55, a, 240, 15), 0.8459, 5e-4);
}

// The Erlang B table every traffic engineer keeps: 10 lines carry 4.46 Erlangs and 20 lines
// 12.03 Erlangs at 1% blocking; 10 lines carry 5.08 Erlangs at 2%.
TEST(ErlangCTest, ErlangBTableCells) {
  EXPECT_NEAR(erlang_b(10, 4.46), 0.010, 3e-4);
  EXPECT_NEAR(erlang_b(20, 12.03), 0.010, 3e-4);
  EXPECT_NEAR(erlang_b(10, 5.08), 0.020, 3e-4);
  EXPECT_DOUBLE_EQ(erlang_b(0, 3.0), 1.0);
}

TEST(ErlangCTest, RecursionMatchesClosedFormAcrossAGrid) {
  for (const double a : {0.3, 1.0, 2.5, 10.0, 48.0, 97.3, 240.0}) {
    for (int n = static_cast<int>(a) + 1; n < static_cast<int>(a) + 40; n += 3) {
      const double expected = closed_form_erlang_c(n, a);
      EXPECT_NEAR(erlang_c_probability_wait(n, a), expected, 1e-9 + 1e-9 * expected)
          << "N=" << n << " A=" << a;
    }
  }
}

TEST(ErlangCTest, LargeLoadsStayFinite) {
  // A^N / N! overflows a double long before here; the recursion does not.
  const double c = erlang_c_probability_wait(1050, 1000.0);
  EXPECT_GT(c, 0.0);
  EXPECT_LT(c, 1.0);
  EXPECT_NEAR(c, closed_form_erlang_c(1050, 1000.0), 1e-9);
  auto n = agents_needed(20000, 180);  // 1000 Erlangs
  ASSERT_TRUE(n.ok());
  EXPECT_GT(*n, 1000);
  EXPECT_LT(*n, 1100);
}

TEST(ErlangCTest, OverloadedQueueNeverAnswersInTime) {
  EXPECT_DOUBLE_EQ(erlang_c_probability_wait(10, 10.0), 1.0);
  EXPECT_DOUBLE_EQ(service_level(9, 10.0, 180, 20), 0.0);
  EXPECT_TRUE(std::isinf(average_speed_of_answer(10, 10.0, 180)));
  EXPECT_DOUBLE_EQ(service_level(0, 0.0, 180, 20), 1.0);
}

TEST(ErlangCTest, AgentsNeededIsTheSmallestThatMeetsTheTarget) {
  for (const double calls : {1.0, 7.0, 42.0, 200.0, 1234.0}) {
    for (const double target : {0.5, 0.8, 0.95}) {
      auto n = agents_needed(calls, 240, target, 30);
      ASSERT_TRUE(n.ok());
      const double a = offered_traffic_erlangs(calls, 240);
      EXPECT_GE(service_level(*n, a, 240, 30), target) << calls << " " << target;
      if (*n - 1 > a) {
        EXPECT_LT(service_level(*n - 1, a, 240, 30), target);
      }
    }
  }
}

TEST(ErlangCTest, AgentsNeededEdges) {
  EXPECT_EQ(*agents_needed(0, 180), 0);
  EXPECT_EQ(*agents_needed(200, 180, 0.0, 20), 11);  // a stable queue at least: N > A
  EXPECT_EQ(*agents_needed(0.5, 180), 1);
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(agents_needed(-1, 180).error().field, "calls_per_hour");
  EXPECT_EQ(agents_needed(nan, 180).error().field, "calls_per_hour");
  EXPECT_EQ(agents_needed(10, 0).error().field, "mean_handle_s");
  EXPECT_EQ(agents_needed(10, 180, 1.0).error().field, "target_service_level");
  EXPECT_EQ(agents_needed(10, 180, nan).error().field, "target_service_level");
  EXPECT_EQ(agents_needed(10, 180, 0.8, -5).error().field, "target_answer_s");
  EXPECT_EQ(agents_needed(1e12, 180).error().code, "out_of_range");
}

}  // namespace
}  // namespace wm::tickets
