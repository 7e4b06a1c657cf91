// Callback promises as the REST API shows them (API.md /callbacks) and their count in the
// service statistics (GET /stats/service "callbacks"). Times are RFC 3339 UTC strings.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "gateway/auth.h"
#include "gateway/callback_store.h"
#include "gateway/fleet_state.h"

namespace wm::gateway {

// The callback with `overdue` (open past its due time at `now_ms`).
nlohmann::json callback_json(const Callback& callback, std::int64_t now_ms);

// {"promised", "kept", "broken", "open_overdue", "open"} over the callbacks created in
// [since, until) that `who` may see, at `now_ms`.
nlohmann::json promises_json(const CallbackStore& callbacks, const FleetState& fleet,
                             const Principal& who, std::optional<std::int64_t> since,
                             std::optional<std::int64_t> until, std::int64_t now_ms);

}  // namespace wm::gateway
