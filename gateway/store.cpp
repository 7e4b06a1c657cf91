#include "gateway/store.h"

#include <string_view>
#include <type_traits>
#include <variant>

#include "gateway/schema.h"
#include "protocols/wm_json.h"

namespace wm::gateway {
namespace {

// Read connections kept open between reads: the HTTP workers and the few background
// threads that read; a burst beyond this opens and closes extra ones.
constexpr std::size_t kIdleReaders = 8;

Statement prepare_insert_telemetry(Connection& db) {
  return db.prepare(
      "INSERT INTO telemetry (device_id, ts_ms, seq, tds_in, tds_out, flow_lpm, pressure_kpa,"
      " temp_c, tank_pct, uv_ok, filter_l, pump_a, leak, door, received_ms)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
}

Statement prepare_insert_event(Connection& db) {
  return db.prepare(
      "INSERT OR IGNORE INTO events (device_id, ts_ms, seq, type, txn, card, charged_fen,"
      " requested_ml, dispensed_ml, fault_code, fault_active, action, staff, received_ms)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
}

Statement prepare_insert_quarantine(Connection& db) {
  return db.prepare(
      "INSERT INTO quarantine (received_ms, topic, payload, payload_size, reason, detail,"
      " device_id) VALUES (?,?,?,?,?,?,?)");
}

Statement prepare_upsert_twin(Connection& db) {
  return db.prepare(
      "INSERT INTO twins (device_id, telemetry, last_seen_ms, online, status_ts_ms, status_online,"
      " faults) VALUES (?,?,?,?,?,?,?) ON CONFLICT (device_id) DO UPDATE SET"
      " telemetry = excluded.telemetry, last_seen_ms = excluded.last_seen_ms,"
      " online = excluded.online, status_ts_ms = excluded.status_ts_ms,"
      " status_online = excluded.status_online, faults = excluded.faults");
}

// Opening the writer connection is also where the schema is brought up to date, before
// the writer's statements are prepared against it.
void configure_writer(Connection& db) {
  db.exec("PRAGMA journal_mode=WAL");
  // Money is on this connection: a commit is on disk before the broker's message is
  // acknowledged. Telemetry is batched, so the fsync per commit is amortised.
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA foreign_keys=ON");
}

void bind_telemetry(Statement& st, const TelemetryRow& row) {
  const auto& t = row.telemetry;
  st.bind(1, row.device_id)
      .bind(2, t.ts_ms)
      .bind(3, static_cast<std::int64_t>(t.seq))
      .bind(4, t.tds_in)
      .bind(5, t.tds_out)
      .bind(6, t.flow_lpm)
      .bind(7, t.pressure_kpa)
      .bind(8, t.temp_c)
      .bind(9, t.tank_pct)
      .bind(10, t.uv_ok)
      .bind(11, t.filter_l)
      .bind(12, t.pump_a)
      .bind(13, t.leak)
      .bind(14, t.door)
      .bind(15, row.received_ms);
}

void bind_event(Statement& st, const EventRow& row) {
  const auto& e = row.event;
  st.bind(1, row.device_id)
      .bind(2, e.ts_ms)
      .bind(3, static_cast<std::int64_t>(e.seq))
      .bind(4, protocols::event_type(e))
      .bind(14, row.received_ms);
  std::visit(
      [&st](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, protocols::Dispense>) {
          st.bind(5, body.txn)
              .bind(6, body.card)
              .bind(7, body.charged_fen)
              .bind(8, body.requested_ml)
              .bind(9, body.dispensed_ml);
        } else if constexpr (std::is_same_v<T, protocols::Fault>) {
          st.bind(10, protocols::to_string(body.code)).bind(11, body.active);
        } else {
          st.bind(12, protocols::to_string(body.action)).bind(13, body.staff);
        }
      },
      e.body);
}

}  // namespace

Store::Store(const std::string& path) : path_(path), writer_(path, Connection::Mode::kReadWrite) {
  configure_writer(writer_);
  migrate();
  insert_telemetry_ = prepare_insert_telemetry(writer_);
  insert_event_ = prepare_insert_event(writer_);
  insert_quarantine_ = prepare_insert_quarantine(writer_);
  upsert_twin_ = prepare_upsert_twin(writer_);
  readers_ = std::make_unique<ReaderPool>(path, kIdleReaders);
}

void Store::migrate() {
  writer_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  int current = schema_version();
  const auto& migrations = schema_migrations();
  if (current > static_cast<int>(migrations.size())) {
    throw SqliteError(0, "database " + path_ + " has schema version " + std::to_string(current) +
                             ", newer than this gateway knows (" +
                             std::to_string(migrations.size()) + "); use a newer wm-gateway");
  }
  for (int v = current + 1; v <= static_cast<int>(migrations.size()); ++v) {
    Transaction tx(writer_);
    writer_.exec(migrations[static_cast<size_t>(v - 1)]);
    writer_.exec("DELETE FROM schema_version");
    writer_.prepare("INSERT INTO schema_version (version) VALUES (?)").bind(1, v).run();
    tx.commit();
  }
}

int Store::schema_version() {
  auto st = writer_.prepare("SELECT max(version) FROM schema_version");
  if (st.step() && !st.is_null(0)) return static_cast<int>(st.int64(0));
  return 0;
}

std::vector<bool> Store::write_batch(const WriteBatch& batch) {
  std::vector<bool> inserted;
  inserted.reserve(batch.events.size());
  Transaction tx(writer_);
  for (const auto& row : batch.events) {
    bind_event(insert_event_, row);
    insert_event_.run();
    const bool is_new = writer_.changes() > 0;
    inserted.push_back(is_new);
    if (is_new && new_event_hook_) new_event_hook_(writer_, row);
  }
  for (const auto& row : batch.telemetry) {
    bind_telemetry(insert_telemetry_, row);
    insert_telemetry_.run();
  }
  for (const auto& row : batch.quarantine) {
    const std::string_view kept = std::string_view(row.payload).substr(0, kQuarantinePayloadLimit);
    insert_quarantine_.bind(1, row.received_ms)
        .bind(2, row.topic)
        .bind_blob(3, kept)
        .bind(4, static_cast<std::int64_t>(row.payload.size()))
        .bind(5, row.reason)
        .bind(6, row.detail);
    if (row.device_id.empty()) {
      insert_quarantine_.bind_null(7);
    } else {
      insert_quarantine_.bind(7, row.device_id);
    }
    insert_quarantine_.run();
  }
  for (const auto& row : batch.twins) {
    upsert_twin_.bind(1, row.device_id)
        .bind(2, row.telemetry_json)
        .bind(3, row.last_seen_ms)
        .bind(4, row.online)
        .bind(5, row.status_ts_ms)
        .bind(6, row.status_online)
        .bind(7, row.faults_json)
        .run();
  }
  tx.commit();
  return inserted;
}

std::int64_t Store::apply_retention(const RetentionPolicy& policy, std::int64_t now_ms) {
  std::int64_t deleted = 0;
  Transaction tx(writer_);
  writer_.prepare("DELETE FROM quarantine WHERE received_ms < ?")
      .bind(1, now_ms - policy.quarantine_max_age_ms)
      .run();
  deleted += writer_.changes();
  writer_.prepare("DELETE FROM quarantine WHERE id <= (SELECT max(id) FROM quarantine) - ?")
      .bind(1, policy.quarantine_max_rows)
      .run();
  deleted += writer_.changes();
  // Rows are in arrival order, so the rows to delete are a prefix: the scan stops at the
  // first row young enough to keep (cost in proportion to what is deleted, no index).
  writer_
      .prepare(
          "DELETE FROM telemetry WHERE rowid < (SELECT coalesce((SELECT rowid FROM telemetry"
          " WHERE received_ms >= ?1 ORDER BY rowid LIMIT 1), (SELECT max(rowid) + 1 FROM "
          "telemetry)))")
      .bind(1, now_ms - policy.telemetry_max_age_ms)
      .run();
  deleted += writer_.changes();
  tx.commit();
  return deleted;
}

std::vector<QuarantineRecord> Store::list_quarantine(const QuarantineQuery& q) {
  std::string sql =
      "SELECT id, received_ms, topic, payload, reason, detail, device_id, payload_size"
      " FROM quarantine"
      " WHERE (?1 IS NULL OR reason = ?1) AND (?2 IS NULL OR device_id = ?2)"
      " AND (?3 IS NULL OR received_ms >= ?3) AND (?4 IS NULL OR received_ms < ?4)"
      " AND (?5 IS NULL OR id < ?5) ORDER BY id DESC LIMIT ?6";
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached(sql);
  st.bind(1, q.reason).bind(2, q.device_id).bind(3, q.since_ms).bind(4, q.until_ms);
  st.bind(5, q.before_id).bind(6, q.limit);
  std::vector<QuarantineRecord> out;
  while (st.step()) {
    QuarantineRecord r;
    r.id = st.int64(0);
    r.received_ms = st.int64(1);
    r.topic = st.text(2);
    r.payload = st.blob(3);
    r.reason = st.text(4);
    r.detail = st.text(5);
    r.device_id = st.opt_text(6).value_or("");
    r.payload_size = st.int64(7);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t Store::count_events(const std::string& device_id) {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached("SELECT count(*) FROM events WHERE device_id = ?");
  st.bind(1, device_id);
  return st.step() ? st.int64(0) : 0;
}

std::vector<TwinRow> Store::load_twins() {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached(
      "SELECT device_id, telemetry, last_seen_ms, online, status_ts_ms, status_online, faults"
      " FROM twins");
  std::vector<TwinRow> out;
  while (st.step()) {
    TwinRow r;
    r.device_id = st.text(0);
    r.telemetry_json = st.opt_text(1);
    r.last_seen_ms = st.opt_int64(2);
    r.online = st.opt_bool(3);
    r.status_ts_ms = st.opt_int64(4);
    r.status_online = st.opt_bool(5);
    r.faults_json = st.opt_text(6);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<TelemetryRow> Store::recent_telemetry(std::int64_t limit) {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached(
      "SELECT device_id, ts_ms, seq, tds_in, tds_out, flow_lpm, pressure_kpa, temp_c, tank_pct,"
      " uv_ok, filter_l, pump_a, leak, door, received_ms FROM telemetry"
      " WHERE rowid > (SELECT coalesce(max(rowid), 0) FROM telemetry) - ? ORDER BY rowid");
  st.bind(1, limit);
  std::vector<TelemetryRow> out;
  while (st.step()) {
    TelemetryRow r;
    r.device_id = st.text(0);
    auto& t = r.telemetry;
    t.ts_ms = st.int64(1);
    t.seq = static_cast<std::uint32_t>(st.int64(2));
    t.tds_in = st.real(3);
    t.tds_out = st.real(4);
    t.flow_lpm = st.real(5);
    t.pressure_kpa = st.real(6);
    t.temp_c = st.real(7);
    t.tank_pct = st.opt_real(8);
    t.uv_ok = st.opt_bool(9);
    t.filter_l = st.int64(10);
    t.pump_a = st.opt_real(11);
    t.leak = st.opt_bool(12);
    t.door = st.opt_bool(13);
    r.received_ms = st.int64(14);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<EventRow> Store::recent_fault_events(std::int64_t limit) {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached(
      "SELECT device_id, ts_ms, seq, fault_code, fault_active, received_ms FROM events"
      " WHERE type = 'fault' AND id > (SELECT coalesce(max(id), 0) FROM events) - ? ORDER BY id");
  st.bind(1, limit);
  std::vector<EventRow> out;
  while (st.step()) {
    auto code = protocols::fault_code_from_string(st.text(3));
    if (!code) continue;
    EventRow r;
    r.device_id = st.text(0);
    r.event.ts_ms = st.int64(1);
    r.event.seq = static_cast<std::uint32_t>(st.int64(2));
    r.event.body = protocols::Fault{*code, st.int64(4) != 0};
    r.received_ms = st.int64(5);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> Store::last_maintenance(std::string_view action) {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached(
      "SELECT device_id, max(ts_ms) FROM events WHERE action = ? GROUP BY device_id");
  st.bind(1, action);
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (st.step()) out.emplace_back(st.text(0), st.int64(1));
  return out;
}

void Store::with_reader(const std::function<void(Connection&)>& fn) {
  auto reader = readers_->acquire();
  fn(*reader);
}

std::optional<std::string> Store::load_inventory() {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached("SELECT document FROM inventory WHERE id = 1");
  if (st.step()) return st.text(0);
  return std::nullopt;
}

void Store::save_inventory(const std::string& json, std::int64_t now_ms) {
  // Rare and small: written on the writer connection from the caller's thread only at
  // start-up (before the writer thread runs) or through StoreWriter::run_exclusive.
  writer_
      .prepare(
          "INSERT INTO inventory (id, document, updated_ms) VALUES (1, ?, ?)"
          " ON CONFLICT (id) DO UPDATE SET document = excluded.document,"
          " updated_ms = excluded.updated_ms")
      .bind(1, json)
      .bind(2, now_ms)
      .run();
}

std::optional<TokenRecord> Store::find_token(const std::string& token_hash) {
  auto reader = readers_->acquire();
  auto st = reader->prepare_cached(
      "SELECT id, role, org FROM tokens WHERE token_hash = ? AND revoked_ms IS NULL");
  st.bind(1, token_hash);
  if (!st.step()) return std::nullopt;
  return TokenRecord{st.int64(0), st.text(1), st.text(2)};
}

std::int64_t Store::add_token(const std::string& token_hash, const std::string& role,
                              const std::string& org, std::int64_t now_ms) {
  writer_.prepare("INSERT INTO tokens (token_hash, role, org, created_ms) VALUES (?,?,?,?)")
      .bind(1, token_hash)
      .bind(2, role)
      .bind(3, org)
      .bind(4, now_ms)
      .run();
  return writer_.last_insert_rowid();
}

}  // namespace wm::gateway
