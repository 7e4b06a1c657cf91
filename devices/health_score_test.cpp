#include "devices/health_score.h"

#include <gtest/gtest.h>

#include <vector>

namespace wm::devices {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kDay = 86'400'000;

Prediction predicted(FaultKind kind, double confidence, std::int64_t eta_ms) {
  return Prediction{kind, kNow, eta_ms, std::nullopt, confidence, ""};
}

TEST(HealthScoreTest, NothingKnownIsFullHealth) { EXPECT_EQ(health_score({}, {}, kNow), 100); }

TEST(HealthScoreTest, ActiveFaultsCostTheirSeverityWeight) {
  const std::vector<FaultKind> p1 = {FaultKind::kWaterQuality};
  EXPECT_EQ(health_score(p1, {}, kNow), 40);
  const std::vector<FaultKind> p2_p4 = {FaultKind::kPumpFault, FaultKind::kCleaningDue};
  EXPECT_EQ(health_score(p2_p4, {}, kNow), 100 - 35 - 8);
  const std::vector<FaultKind> many = {FaultKind::kWaterQuality, FaultKind::kLeak,
                                       FaultKind::kPumpFault};
  EXPECT_EQ(health_score(many, {}, kNow), 0);  // clamped
  const std::vector<FaultKind> twice = {FaultKind::kLeak, FaultKind::kLeak};
  EXPECT_EQ(health_score(twice, {}, kNow), 40);  // a kind counts once
}

TEST(HealthScoreTest, PredictionsWeighByConfidenceAndClosenessOfEta) {
  const std::vector<Prediction> now = {predicted(FaultKind::kFilterClogging, 1.0, kNow)};
  EXPECT_EQ(health_score({}, now, kNow), 80);  // P3 weight 20, due now
  const std::vector<Prediction> far = {
      predicted(FaultKind::kFilterClogging, 1.0, kNow + 30 * kDay)};
  EXPECT_EQ(health_score({}, far, kNow), 95);  // a quarter beyond the horizon
  const std::vector<Prediction> half = {predicted(FaultKind::kFilterClogging, 0.5, kNow)};
  EXPECT_EQ(health_score({}, half, kNow), 90);
  const std::vector<Prediction> sooner = {predicted(FaultKind::kPumpFault, 0.8, kNow + kDay)};
  const std::vector<Prediction> later = {predicted(FaultKind::kPumpFault, 0.8, kNow + 5 * kDay)};
  EXPECT_LT(health_score({}, sooner, kNow), health_score({}, later, kNow));
}

TEST(HealthScoreTest, AKindActiveAndPredictedCountsOnce) {
  const std::vector<FaultKind> active = {FaultKind::kPumpFault};
  const std::vector<Prediction> p = {predicted(FaultKind::kPumpFault, 1.0, kNow)};
  EXPECT_EQ(health_score(active, p, kNow), 65);
}

}  // namespace
}  // namespace wm::devices
