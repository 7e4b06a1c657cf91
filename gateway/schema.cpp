#include "gateway/schema.h"

namespace wm::gateway {

const std::vector<std::string_view>& schema_migrations() {
  static const std::vector<std::string_view> kMigrations = {
      // 1: inventory, twins, telemetry, events, quarantine, tokens.
      R"sql(
CREATE TABLE inventory (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  document TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE twins (
  device_id TEXT PRIMARY KEY,
  telemetry TEXT,
  last_seen_ms INTEGER,
  online INTEGER,
  status_ts_ms INTEGER,
  status_online INTEGER,
  faults TEXT
) WITHOUT ROWID;
CREATE TABLE telemetry (
  device_id TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  tds_in REAL NOT NULL,
  tds_out REAL NOT NULL,
  flow_lpm REAL NOT NULL,
  pressure_kpa REAL NOT NULL,
  temp_c REAL NOT NULL,
  tank_pct REAL,
  uv_ok INTEGER,
  filter_l INTEGER NOT NULL,
  pump_a REAL,
  leak INTEGER,
  door INTEGER,
  received_ms INTEGER NOT NULL
);
-- Append-only and unindexed: the hot path inserts tens of thousands of rows a second.
-- Retention deletes by rowid order of arrival; an index comes with the first reader.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  txn TEXT,
  card TEXT,
  charged_fen INTEGER,
  requested_ml INTEGER,
  dispensed_ml INTEGER,
  fault_code TEXT,
  fault_active INTEGER,
  action TEXT,
  staff TEXT,
  received_ms INTEGER NOT NULL
);
-- Money: a dispense counts once per machine and txn, whatever the broker redelivers.
CREATE UNIQUE INDEX events_dispense_txn ON events (device_id, txn) WHERE txn IS NOT NULL;
-- Any event redelivered as is (same machine, type, time and seq) is stored once.
CREATE UNIQUE INDEX events_identity ON events (device_id, type, ts_ms, seq);
CREATE INDEX events_by_card ON events (card) WHERE card IS NOT NULL;
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  received_ms INTEGER NOT NULL,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,      -- at most kQuarantinePayloadLimit bytes of it
  payload_size INTEGER NOT NULL,  -- the size as received
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  device_id TEXT
);
CREATE INDEX quarantine_by_received ON quarantine (received_ms);
CREATE INDEX quarantine_by_reason ON quarantine (reason, id);
CREATE INDEX quarantine_by_device ON quarantine (device_id, id);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  org TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER
);
)sql",
      // 2: the ticket desk. The document is the whole ticket; the columns find it.
      R"sql(
CREATE TABLE tickets (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  responsible_org TEXT NOT NULL,
  is_open INTEGER NOT NULL,
  opened_at_ms INTEGER NOT NULL,
  document TEXT NOT NULL
);
-- DESIGN.md: one open ticket per (machine, fault kind), whatever races.
CREATE UNIQUE INDEX tickets_one_open ON tickets (device_id, kind) WHERE is_open = 1;
CREATE INDEX tickets_by_device_kind ON tickets (device_id, kind, opened_at_ms);
CREATE INDEX tickets_by_site ON tickets (site_id, opened_at_ms);
CREATE INDEX tickets_by_opened ON tickets (opened_at_ms, id);
)sql",
      // 3: the newest maintenance of each machine (cleaning_due after a restart).
      R"sql(
CREATE INDEX events_maintenance ON events (action, device_id, ts_ms) WHERE action IS NOT NULL;
)sql",
  };
  return kMigrations;
}

}  // namespace wm::gateway
