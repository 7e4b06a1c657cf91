#include "simulator/gateway_reader.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace wm::sim {
namespace {

using nlohmann::json;

json ticket_item() {
  return json::parse(R"({"id": "t-000042", "device_id": "wm-0001", "site_id": "s-001",
    "kind": "leak", "severity": "P1", "source": "detected", "channel": "sensor",
    "state": "resolved", "detected_at": "2024-03-04T12:00:00Z",
    "opened_at": "2024-03-04T12:00:01.500Z", "predicted_failure_at": null})");
}

TEST(GatewayReaderTest, ATicketItemBecomesARecord) {
  const auto t = ticket_item();
  const auto record = ticket_record_from_json(t);
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  EXPECT_EQ(record->id, "t-000042");
  EXPECT_EQ(record->subject, "wm-0001");
  EXPECT_EQ(record->kind, "leak");
  EXPECT_EQ(record->source, "detected");
  EXPECT_EQ(record->detected_ms, 1709553600000);
  EXPECT_EQ(record->opened_ms, 1709553601500);
  EXPECT_TRUE(record->sightings_ms.empty());
}

TEST(GatewayReaderTest, ABadTicketItemNamesItsField) {
  auto t = ticket_item();
  t.erase("device_id");
  EXPECT_EQ(ticket_record_from_json(t).error().field, "device_id");
  t = ticket_item();
  t["detected_at"] = "noon";
  EXPECT_EQ(ticket_record_from_json(t).error().code, "out_of_range");
  t = ticket_item();
  t["kind"] = 3;
  EXPECT_EQ(ticket_record_from_json(t).error().code, "wrong_type");
  EXPECT_FALSE(ticket_record_from_json(json::array()).ok());
}

TEST(GatewayReaderTest, OnlyTheMachinesEvidenceIsASighting) {
  auto t = ticket_item();
  t["evidence"] = json::parse(R"([
    {"at": "2024-03-04T12:00:00Z", "source": "detected", "text": "E02"},
    {"at": "2024-03-04T13:00:00Z", "source": "hotline", "text": "water on the floor"},
    {"at": "2024-03-05T08:00:00Z", "source": "detected", "text": "E02 again"},
    {"at": "not a time", "source": "predicted", "text": "?"},
    {"source": "detected"}])");
  EXPECT_EQ(machine_evidence_times(t),
            (std::vector<std::int64_t>{1709553600000, 1709553600000 + 20 * kMsPerHour}));
  EXPECT_TRUE(machine_evidence_times(ticket_item()).empty());
}

TEST(GatewayReaderTest, ARefundItemBecomesARecord) {
  const auto r = json::parse(R"({"type": "refund", "id": "r-7", "state": "approved",
    "amount_fen": 150, "card": "c-1", "device_id": "wm-0001", "txn": "t-wm-0001-17",
    "origin": "dispense", "created_at": "2024-03-04T12:00:00Z"})");
  const auto record = refund_record_from_json(r);
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  EXPECT_EQ(record->id, "r-7");
  EXPECT_EQ(record->device, "wm-0001");
  EXPECT_EQ(record->txn, "t-wm-0001-17");
  EXPECT_EQ(record->state, "approved");
  EXPECT_EQ(record->created_ms, 1709553600000);
  auto bad = r;
  bad.erase("txn");
  EXPECT_EQ(refund_record_from_json(bad).error().field, "txn");
}

}  // namespace
}  // namespace wm::sim
