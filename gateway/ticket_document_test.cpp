#include "gateway/ticket_document.h"

#include <gtest/gtest.h>

namespace wm::gateway {
namespace {

using tickets::Ticket;
using tickets::TicketState;

TEST(TicketDocumentTest, EveryFieldSurvivesTheRoundTrip) {
  Ticket t;
  t.id = "t-000042";
  t.revision = 7;
  t.device_id = "wm-0001";
  t.site_id = "s-001";
  t.site_kind = devices::SiteKind::kMall;
  t.kind = devices::FaultKind::kFilterClogging;
  t.severity = devices::Severity::kP3;
  t.source = tickets::Source::kPredicted;
  t.channel = "sensor";
  t.state = TicketState::kInProgress;
  t.responsible = {devices::Party::kProperty, "pm-7"};
  t.assigned_by = "contract:s-001/filter_clogging";
  t.detected_at_ms = 1;
  t.opened_at_ms = 2;
  t.predicted_failure_at_ms = 3;
  t.ack_due_ms = 4;
  t.resolve_due_ms = 5;
  t.escalation_level = 1;
  t.transfers = 2;
  t.dispute = tickets::DisputeState::kReassigned;
  t.dispute_reason = "the filter is ours 水";
  t.acknowledged_at_ms = 6;
  t.resolved_at_ms = std::nullopt;
  t.closed_at_ms = std::nullopt;
  t.healthy_since_ms = 9;
  t.rating = 4;
  t.machine_locked = true;
  t.history.push_back({10, "system", "open", TicketState::kOpen, TicketState::kAssigned, "n"});
  t.evidence.push_back({11, tickets::Source::kHotline, "caller says it is slow"});
  auto back = ticket_from_document(ticket_to_document(t));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back.value(), t);
  EXPECT_EQ(ticket_from_document("{\"id\":1}").error().code, "corrupt_ticket");
}

}  // namespace
}  // namespace wm::gateway
