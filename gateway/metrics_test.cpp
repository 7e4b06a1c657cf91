#include "gateway/metrics.h"

#include <gtest/gtest.h>

namespace wm::gateway {
namespace {

TEST(MetricsTest, CountsPerKindAndReason) {
  Metrics m;
  m.received(MessageKind::kTelemetry);
  m.received(MessageKind::kTelemetry);
  m.decoded(MessageKind::kTelemetry);
  m.quarantined("unknown_device");
  m.quarantined("unknown_device");
  m.quarantined("malformed_json");
  m.duplicate();
  EXPECT_EQ(m.received_count(MessageKind::kTelemetry), 2u);
  EXPECT_EQ(m.quarantined_count("unknown_device"), 2u);
  const std::string text = m.render();
  EXPECT_NE(text.find("wm_messages_received_total{kind=\"telemetry\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("wm_messages_decoded_total{kind=\"telemetry\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("wm_messages_quarantined_total{reason=\"unknown_device\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("wm_messages_quarantined_total{reason=\"malformed_json\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("wm_messages_duplicate_total 1\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Histogram h({1, 10, 100});
  for (double v : {0.5, 5.0, 5.0, 50.0, 500.0}) h.observe(v);
  std::string out;
  h.render(out, "x", "help");
  EXPECT_NE(out.find("x_bucket{le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"10\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"100\"} 4\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"+Inf\"} 5\n"), std::string::npos);
  EXPECT_NE(out.find("x_sum 560.5\n"), std::string::npos);
  EXPECT_NE(out.find("x_count 5\n"), std::string::npos);
}

}  // namespace
}  // namespace wm::gateway
