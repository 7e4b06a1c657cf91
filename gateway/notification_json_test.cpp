// The notification document: every field, spelled as the REST API spells it.
#include "gateway/notification_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace wm::gateway {
namespace {

using nlohmann::json;

tickets::Notification escalation() {
  tickets::Notification n;
  n.org = "pm-7";
  n.event = tickets::NotificationEvent::kEscalated;
  n.audience = "supervisor";
  n.ticket_id = "T-42";
  n.device_id = "wm-0001";
  n.site_id = "s-001";
  n.kind = devices::FaultKind::kLeak;
  n.severity = devices::Severity::kP1;
  n.state = tickets::TicketState::kAssigned;
  n.escalation_level = 1;
  n.at_ms = 1'795'400'840'123;
  n.message = "Leak at No. 3 Middle School: not acknowledged within 15 min";
  return n;
}

TEST(NotificationJsonTest, WritesEveryFieldInOrder) {
  const std::string text = notification_json(escalation());
  EXPECT_EQ(text, R"({"event":"escalated","org":"pm-7","audience":"supervisor","ticket_id":"T-42",)"
                  R"("device_id":"wm-0001","site_id":"s-001","kind":"leak","severity":"P1",)"
                  R"("state":"assigned","escalation_level":1,"at":"2026-11-23T02:27:20.123Z",)"
                  R"("message":"Leak at No. 3 Middle School: not acknowledged within 15 min"})");
}

TEST(NotificationJsonTest, EventsAndStatesUseTheirApiNames) {
  tickets::Notification n = escalation();
  n.event = tickets::NotificationEvent::kResolved;
  n.state = tickets::TicketState::kResolved;
  n.kind = devices::FaultKind::kCleaningDue;
  n.severity = devices::Severity::kP3;
  n.escalation_level = 0;
  n.audience = "responsible";
  const json doc = json::parse(notification_json(n));
  EXPECT_EQ(doc["event"], "resolved");
  EXPECT_EQ(doc["state"], "resolved");
  EXPECT_EQ(doc["kind"], "cleaning_due");
  EXPECT_EQ(doc["severity"], "P3");
  EXPECT_EQ(doc["escalation_level"], 0);
  EXPECT_EQ(doc["audience"], "responsible");
}

TEST(NotificationJsonTest, TextIsEscapedAndInvalidUtf8IsReplaced) {
  tickets::Notification n = escalation();
  n.message = "door \"open\"\n\xe6\xb0\xb4 \xff";
  std::string text;
  ASSERT_NO_THROW(text = notification_json(n));
  const json doc = json::parse(text);
  EXPECT_EQ(doc["message"], "door \"open\"\n\xe6\xb0\xb4 \xef\xbf\xbd");  // U+FFFD
}

TEST(NotificationJsonTest, TopicIsPerOrg) {
  EXPECT_EQ(notify_topic("pm-7"), "wm/v1/notify/pm-7");
  EXPECT_EQ(notify_topic("op-1"), "wm/v1/notify/op-1");
}

}  // namespace
}  // namespace wm::gateway
