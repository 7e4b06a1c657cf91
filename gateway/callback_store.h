// Callback promises of the hotline (API.md /callbacks; issue 7 item 3): an agent promises
// a caller to ring back by a time; the promise is kept when it is marked done by then and
// broken otherwise (done late, or still open after its due time). Kept in the gateway's
// SQLite file (schema migration 5), one row per callback, id "cb-NNNNNN".
//
// Writes run on the store writer's thread (StoreWriter::run_exclusive, the one writer
// connection of TOOLCHAIN trap 12) and return once committed; reads use the store's read
// connection. Thread-safe. Storage failures throw SqliteError, as the Store's do; expected
// failures (unknown id, done twice) are Errors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "devices/inventory.h"
#include "gateway/auth.h"
#include "gateway/store.h"
#include "gateway/store_writer.h"
#include "protocols/result.h"

namespace wm::gateway {

enum class CallbackState : std::uint8_t { kOpen, kDone };
std::string_view to_string(CallbackState state);  // "open"
std::optional<CallbackState> callback_state_from_string(std::string_view name);

struct Callback {
  std::string id;  // given by the store
  std::string phone;
  std::optional<std::string> ticket_id;
  std::optional<std::string> site_id;  // the ticket's site: who may see the callback
  std::int64_t due_at_ms = 0;
  std::string note;
  std::int64_t created_at_ms = 0;
  std::string created_by;  // the actor's label, "agent:op-1"
  CallbackState state = CallbackState::kOpen;
  std::optional<std::int64_t> done_at_ms;
  std::string outcome;  // "reached", "no_answer", "resolved", ...
  std::string done_by;

  // Open and past its due time: already a broken promise.
  [[nodiscard]] bool overdue(std::int64_t now_ms) const {
    return state == CallbackState::kOpen && now_ms > due_at_ms;
  }
};

// Every set field must match. Lists are ordered by due time, then creation; `after_id`
// continues after that callback (a cursor).
struct CallbackQuery {
  std::optional<std::int64_t> due_before_ms;  // due strictly before
  std::optional<CallbackState> state;
  std::optional<std::string> ticket_id;
  std::optional<std::int64_t> created_since_ms;  // created at or after
  std::optional<std::int64_t> created_until_ms;  // created before
  std::optional<std::string> after_id;
  std::size_t limit = 0;  // 0: no limit
};

// Promises made and how they went, at `now_ms`. Every callback is promised; it is kept
// when done by its due time, broken when done after it or still open past it
// (open_overdue); `open` counts the open ones, overdue or not. So
// promised = kept + broken + (open - open_overdue).
struct PromiseCounts {
  std::size_t promised = 0;
  std::size_t kept = 0;
  std::size_t broken = 0;
  std::size_t open_overdue = 0;
  std::size_t open = 0;
};
PromiseCounts count_promises(std::span<const Callback> callbacks, std::int64_t now_ms);

// Whether `who` may see `callback`: admin and agent tokens all of them; operator and
// property tokens those whose ticket is at one of their sites, and those their org
// created; selfservice none.
bool can_see_callback(const Principal& who, const Callback& callback,
                      const devices::Inventory& inventory);

class CallbackStore {
 public:
  // `writer` must be running for add() and mark_done(); reads need only the store.
  CallbackStore(Store& store, StoreWriter& writer) : store_(store), writer_(writer) {}

  // Stores `callback` as a new open promise and returns it with its id; the id, state and
  // done fields passed in are ignored.
  Callback add(Callback callback);
  // Marks the callback done at `at_ms`. Errors: "not_found" (unknown id), "conflict"
  // (already done: a promise is kept or broken once).
  [[nodiscard]] Result<Callback> mark_done(std::string_view id, std::string outcome,
                                           std::string done_by, std::int64_t at_ms);

  [[nodiscard]] std::optional<Callback> get(std::string_view id) const;
  // Error "bad_request" (field "cursor") when after_id names no callback.
  [[nodiscard]] Result<std::vector<Callback>> list(const CallbackQuery& query) const;

 private:
  Store& store_;
  StoreWriter& writer_;
};

}  // namespace wm::gateway
