#include "gateway/callback_json.h"

#include <vector>

#include "gateway/time_format.h"

namespace wm::gateway {

using nlohmann::json;

json callback_json(const Callback& c, std::int64_t now_ms) {
  const bool done = c.state == CallbackState::kDone;
  return {{"id", c.id},
          {"phone", c.phone},
          {"ticket_id", c.ticket_id ? json(*c.ticket_id) : json(nullptr)},
          {"site_id", c.site_id ? json(*c.site_id) : json(nullptr)},
          {"due_at", format_rfc3339(c.due_at_ms)},
          {"note", c.note},
          {"created_at", format_rfc3339(c.created_at_ms)},
          {"created_by", c.created_by},
          {"state", to_string(c.state)},
          {"overdue", c.overdue(now_ms)},
          {"done_at", c.done_at_ms ? json(format_rfc3339(*c.done_at_ms)) : json(nullptr)},
          {"outcome", done ? json(c.outcome) : json(nullptr)},
          {"done_by", done ? json(c.done_by) : json(nullptr)},
          // Decided once done: whether it was done by its due time.
          {"kept", done ? json(c.done_at_ms && *c.done_at_ms <= c.due_at_ms) : json(nullptr)}};
}

json promises_json(const CallbackStore& callbacks, const FleetState& fleet, const Principal& who,
                   std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                   std::int64_t now_ms) {
  CallbackQuery window;
  window.created_since_ms = since;
  window.created_until_ms = until;
  auto listed = callbacks.list(window);
  std::vector<Callback> promised;
  if (listed.ok()) promised = std::move(listed).value();
  fleet.read([&](const devices::Inventory& inventory, const TwinView&) {
    std::erase_if(promised,
                  [&](const Callback& c) { return !can_see_callback(who, c, inventory); });
  });
  const PromiseCounts counts = count_promises(promised, now_ms);
  return {{"promised", counts.promised},
          {"kept", counts.kept},
          {"broken", counts.broken},
          {"open_overdue", counts.open_overdue},
          {"open", counts.open}};
}

}  // namespace wm::gateway
