// Durable storage of the gateway in one SQLite file: schema migrations, the inventory,
// twins, telemetry history, events (dispense unique on machine + txn), the quarantine
// and API tokens.
//
// Threads: write_batch() is called by exactly one thread (the StoreWriter) on the one
// writer connection (TOOLCHAIN trap 12). The read methods may be called from any thread;
// each takes a read-only connection of its own from a pool for its duration (WAL lets them
// run beside the writer and beside each other) and uses its cached prepared statements.
// Storage failures throw SqliteError.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/sqlite.h"
#include "gateway/sqlite_reader_pool.h"
#include "protocols/messages.h"

namespace wm::gateway {

struct TelemetryRow {
  std::string device_id;
  protocols::Telemetry telemetry;
  std::int64_t received_ms = 0;
};

struct EventRow {
  std::string device_id;
  protocols::Event event;
  std::int64_t received_ms = 0;
};

struct QuarantineRow {
  std::string topic;
  std::string payload;  // the bytes as received
  std::int64_t received_ms = 0;
  std::string reason;     // stable code, e.g. "unknown_device", "out_of_range"
  std::string detail;     // what exactly was wrong
  std::string device_id;  // when the topic named one, else empty
};

struct QuarantineRecord : QuarantineRow {
  std::int64_t id = 0;
  std::int64_t payload_size = 0;  // as received; `payload` holds at most the first 64 KiB
};

// A quarantined payload is kept up to this many bytes, so that a few huge garbage
// messages cannot fill the disk; the size as received is kept beside it.
inline constexpr std::size_t kQuarantinePayloadLimit = 64 * 1024;

struct QuarantineQuery {
  std::optional<std::string> reason;
  std::optional<std::string> device_id;
  std::optional<std::int64_t> since_ms;   // received at or after
  std::optional<std::int64_t> until_ms;   // received before
  std::optional<std::int64_t> before_id;  // cursor: entries older than this id
  int limit = 100;
};

struct TwinRow {
  std::string device_id;
  std::optional<std::string> telemetry_json;  // wm-json-v1 telemetry object
  std::optional<std::int64_t> last_seen_ms;
  std::optional<bool> online;
  std::optional<std::int64_t> status_ts_ms;
  std::optional<bool> status_online;       // what the newest status message said
  std::optional<std::string> faults_json;  // {"E02":{"active":true,"since":ms,"changed":ms}}
};

// One transaction's worth of writes.
struct WriteBatch {
  std::vector<TelemetryRow> telemetry;
  std::vector<EventRow> events;
  std::vector<QuarantineRow> quarantine;
  std::vector<TwinRow> twins;
  bool empty() const {
    return telemetry.empty() && events.empty() && quarantine.empty() && twins.empty();
  }
};

struct TokenRecord {
  std::int64_t id = 0;
  std::string role;
  std::string org;
};

struct RetentionPolicy {
  std::int64_t quarantine_max_rows = 100000;
  std::int64_t quarantine_max_age_ms = 7LL * 24 * 3600 * 1000;
  std::int64_t telemetry_max_age_ms = 30LL * 24 * 3600 * 1000;  // by time received
};

class Store {
 public:
  // Opens or creates the database and brings its schema to the newest version.
  explicit Store(const std::string& path);

  int schema_version();

  // Writes the batch in one transaction. Returns, per entry of batch.events, whether it
  // was new (true) or a duplicate already stored (false).
  std::vector<bool> write_batch(const WriteBatch& batch);
  // Called inside write_batch's transaction for every event it has just inserted as new
  // (the dispense charger: money commits with its event). Set before the writer starts.
  // An exception thrown by the hook rolls the whole batch back.
  using NewEventHook = std::function<void(Connection& tx, const EventRow& row)>;
  void set_new_event_hook(NewEventHook hook) { new_event_hook_ = std::move(hook); }
  // Deletes what the retention policy no longer keeps; returns rows deleted.
  std::int64_t apply_retention(const RetentionPolicy& policy, std::int64_t now_ms);

  // Reads (any thread).
  std::vector<QuarantineRecord> list_quarantine(const QuarantineQuery& query);
  std::int64_t count_events(const std::string& device_id);
  std::vector<TwinRow> load_twins();
  // The newest `limit` telemetry rows and fault events, oldest first: replayed into the
  // twins at start-up, since twin rows are written only every few seconds while
  // telemetry rows and events are written at once.
  std::vector<TelemetryRow> recent_telemetry(std::int64_t limit);
  std::vector<EventRow> recent_fault_events(std::int64_t limit);
  // Per machine, the event time of its newest `maintenance` event with this action.
  std::vector<std::pair<std::string, std::int64_t>> last_maintenance(std::string_view action);
  std::optional<std::string> load_inventory();
  void save_inventory(const std::string& json, std::int64_t now_ms);
  std::optional<TokenRecord> find_token(const std::string& token_hash);

  // Runs `fn` on a read connection of its own (any thread; beside other reads). Use
  // Connection::prepare_cached there for SQL whose text does not carry values.
  void with_reader(const std::function<void(Connection&)>& fn);
  // Runs `fn` on the writer connection: only on the writer thread (through
  // StoreWriter::run_exclusive) or before the writer thread starts.
  void with_writer(const std::function<void(Connection&)>& fn) { fn(writer_); }
  std::int64_t add_token(const std::string& token_hash, const std::string& role,
                         const std::string& org, std::int64_t now_ms);

 private:
  void migrate();

  std::string path_;
  Connection writer_;
  NewEventHook new_event_hook_;
  std::unique_ptr<ReaderPool> readers_;  // opened after migrations
  // Prepared on the writer connection, used only by the writer thread.
  Statement insert_telemetry_;
  Statement insert_event_;
  Statement insert_quarantine_;
  Statement upsert_twin_;
};

}  // namespace wm::gateway
