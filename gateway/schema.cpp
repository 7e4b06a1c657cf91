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
      // 4: cards, their ledgers, dispense records, refunds and flags (tickets/card_book.h).
      // Every field is a column so money can be queried; the unique indexes are the
      // CardBook's uniqueness rules, the CHECKs its invariants (the last line of defence:
      // SqliteCardBook checks first and answers "conflict").
      R"sql(
CREATE TABLE cards (
  token TEXT PRIMARY KEY,
  revision INTEGER NOT NULL CHECK (revision >= 1),
  state TEXT NOT NULL CHECK (state IN ('active', 'lost', 'closed')),
  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
  entry_count INTEGER NOT NULL CHECK (entry_count >= 0),
  flagged INTEGER NOT NULL,
  flag_count INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  lost_at_ms INTEGER,
  closed_at_ms INTEGER,
  reissued_to TEXT NOT NULL,
  reissued_from TEXT NOT NULL,
  CHECK (state <> 'closed' OR balance_fen = 0)
) WITHOUT ROWID;
CREATE TABLE ledger (
  card TEXT NOT NULL REFERENCES cards (token),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  kind TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),
  balance_after_fen INTEGER NOT NULL CHECK (balance_after_fen >= 0),
  at_ms INTEGER NOT NULL,
  ref TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn TEXT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (card, seq)
) WITHOUT ROWID;
-- A payment reference pays in once, a dispense is charged once, a refund credited once.
CREATE UNIQUE INDEX ledger_recharge_ref ON ledger (ref) WHERE kind = 'recharge';
CREATE UNIQUE INDEX ledger_charge_dispense ON ledger (device_id, txn) WHERE kind = 'charge';
CREATE UNIQUE INDEX ledger_refund_ref ON ledger (ref) WHERE kind = 'refund';
-- Written once per (device_id, txn); the rowid is the order of recording.
CREATE TABLE dispenses (
  device_id TEXT NOT NULL,
  txn TEXT NOT NULL,
  site_id TEXT NOT NULL,
  card TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  charged_fen INTEGER NOT NULL,
  requested_ml INTEGER NOT NULL,
  dispensed_ml INTEGER NOT NULL,
  failure_active INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  applied_fen INTEGER NOT NULL CHECK (applied_fen >= 0),
  suspicious INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  PRIMARY KEY (device_id, txn)
);
CREATE INDEX dispenses_by_card ON dispenses (card, ts_ms);
-- `number` gives the id r-NNNNNN and the order of every refund list.
CREATE TABLE refunds (
  number INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL CHECK (revision >= 1),
  card TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn TEXT NOT NULL,
  site_id TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  state TEXT NOT NULL CHECK (state IN ('approved', 'pending_review', 'rejected')),
  origin TEXT NOT NULL,
  auto_approved INTEGER NOT NULL,
  review_reasons TEXT NOT NULL,  -- review_reason words joined by ','
  reviewer_party TEXT NOT NULL,
  reviewer_org TEXT NOT NULL,
  reviewer_rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  evidence TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  day INTEGER NOT NULL,
  decided_at_ms INTEGER,
  decided_by TEXT NOT NULL,
  decision_note TEXT NOT NULL
);
CREATE UNIQUE INDEX refunds_by_key ON refunds (idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX refunds_review_queue ON refunds (state, reviewer_org, number);
CREATE INDEX refunds_by_card ON refunds (card, day);
CREATE INDEX refunds_by_dispense ON refunds (device_id, txn);
CREATE INDEX refunds_auto_by_device ON refunds (device_id, day) WHERE auto_approved = 1;
-- Append-only; `card` may be a token no card has (unknown_card).
CREATE TABLE card_flags (
  id INTEGER PRIMARY KEY,
  card TEXT NOT NULL,
  reason TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX card_flags_by_card ON card_flags (card, id);
)sql",
      // 5: callback promises of the hotline (gateway/callback_store.h). `number` gives the
      // id cb-NNNNNN; site_id is the site of ticket_id when one was given (the scope).
      R"sql(
CREATE TABLE callbacks (
  number INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  phone TEXT NOT NULL,
  ticket_id TEXT,
  site_id TEXT,
  due_at_ms INTEGER NOT NULL,
  note TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'done')),
  done_at_ms INTEGER,
  outcome TEXT,
  done_by TEXT,
  CHECK ((state = 'open') = (done_at_ms IS NULL))
);
CREATE INDEX callbacks_by_due ON callbacks (due_at_ms, number);
CREATE INDEX callbacks_by_created ON callbacks (created_at_ms);
CREATE INDEX callbacks_by_ticket ON callbacks (ticket_id) WHERE ticket_id IS NOT NULL;
)sql",
  };
  return kMigrations;
}

}  // namespace wm::gateway
