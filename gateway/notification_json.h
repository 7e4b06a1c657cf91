// The notification an org receives when one of its tickets opens, escalates or resolves:
// the same JSON document goes out on MQTT (wm/v1/notify/{org}) and to the org's webhook.
//
//   {"event": "escalated", "org": "pm-7", "audience": "supervisor", "ticket_id": "T-42",
//    "device_id": "wm-0001", "site_id": "s-001", "kind": "leak", "severity": "P1",
//    "state": "open", "escalation_level": 1, "at": "2026-11-23T02:27:20.123Z",
//    "message": "..."}
//
// Enums are spelled as the REST API spells them; "at" is RFC 3339 UTC.
#pragma once

#include <string>

#include "tickets/desk_types.h"

namespace wm::gateway {

std::string notification_json(const tickets::Notification& n);

// "wm/v1/notify/{org}". `org` is an inventory id, so it holds no MQTT wildcard or level.
std::string notify_topic(const std::string& org);

}  // namespace wm::gateway
