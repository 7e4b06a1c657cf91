// Test-only fixture of the desk tests: one school site (Beijing time, 08:00-20:00, operator
// op-1, property pm-7, arbiter op-9), an in-memory store and actors of every role.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tickets/in_memory_ticket_store.h"
#include "tickets/ticket_desk.h"
#include "tickets/ticket_test_util.h"

namespace wm::tickets {

class DeskTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kT0 = testutil::local(480, 2026, 11, 23, 10);  // Mon 10:00
  static constexpr std::int64_t kMin = testutil::kMin;
  static constexpr std::int64_t kHour = testutil::kHour;

  TicketDesk make_desk(DeskConfig config = {}) {
    return TicketDesk(
        store_,
        [this](std::string_view id) -> std::optional<devices::Site> {
          if (id == site_.id) return site_;
          return std::nullopt;
        },
        config);
  }

  FaultSignal signal(devices::FaultKind kind, std::int64_t at_ms,
                     SignalState state = SignalState::kRaised,
                     const std::string& device = "wm-0001") const {
    FaultSignal s;
    s.device_id = device;
    s.site = site_;
    s.kind = kind;
    s.detected_at_ms = at_ms;
    s.evidence = std::string(devices::to_string(kind)) + " seen";
    s.state = state;
    return s;
  }

  TicketRequest request(devices::FaultKind kind, Source source, const std::string& text,
                        const std::string& device = "wm-0001") const {
    TicketRequest r;
    r.device_id = device;
    r.site = site_;
    r.kind = kind;
    r.source = source;
    r.text = text;
    r.actor = agent_;
    return r;
  }

  // Opens a ticket from a raised signal at `at_ms` and returns it as stored.
  Ticket open(TicketDesk& desk, devices::FaultKind kind, std::int64_t at_ms,
              const std::string& device = "wm-0001") {
    Result<DeskDecision> d =
        desk.on_fault(signal(kind, at_ms, SignalState::kRaised, device), at_ms);
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().to_string());
    if (!d.ok() || d->changes.empty()) return Ticket{};
    return d->changes.back().ticket;
  }

  Ticket stored(const std::string& id) const { return store_.get(id).value_or(Ticket{}); }

  // act() that must succeed; returns the decision.
  DeskDecision must(TicketDesk& desk, const std::string& id, const TicketAction& action,
                    const Actor& actor, std::int64_t at_ms) {
    Result<DeskDecision> d = desk.act(id, action, actor, at_ms);
    EXPECT_TRUE(d.ok()) << to_string(action.kind) << ": " << (d.ok() ? "" : d.error().to_string());
    return d.ok() ? std::move(d.value()) : DeskDecision{};
  }

  devices::Site site_ = testutil::site();
  InMemoryTicketStore store_;
  const Actor operator_{Role::kOperator, "op-1"};
  const Actor property_{Role::kProperty, "pm-7"};
  const Actor arbiter_{Role::kOperator, "op-9"};
  const Actor agent_{Role::kAgent, "op-1"};
  const Actor admin_{Role::kAdmin, ""};
};

}  // namespace wm::tickets
