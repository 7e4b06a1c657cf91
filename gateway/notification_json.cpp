#include "gateway/notification_json.h"

#include <nlohmann/json.hpp>

#include "gateway/time_format.h"

namespace wm::gateway {

std::string notification_json(const tickets::Notification& n) {
  nlohmann::ordered_json out;
  out["event"] = tickets::to_string(n.event);
  out["org"] = n.org;
  out["audience"] = n.audience;
  out["ticket_id"] = n.ticket_id;
  out["device_id"] = n.device_id;
  out["site_id"] = n.site_id;
  out["kind"] = devices::to_string(n.kind);
  out["severity"] = devices::to_string(n.severity);
  out["state"] = tickets::to_string(n.state);
  out["escalation_level"] = n.escalation_level;
  out["at"] = format_rfc3339(n.at_ms);
  out["message"] = n.message;
  // Replace rather than throw on invalid UTF-8: a message is built from inventory names
  // and people's text, and a notification must never take the caller down.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string notify_topic(const std::string& org) { return "wm/v1/notify/" + org; }

}  // namespace wm::gateway
