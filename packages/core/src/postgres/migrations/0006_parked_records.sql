-- SynapseOps store, version 6: parked records (issue 20, retries with long horizons).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- A record waiting hours for its next attempt is a row here, not a sleeping worker. Workers
-- claim due rows under a lease (`FOR UPDATE SKIP LOCKED`); lease and due times come from the
-- caller's clock, never now(). `doc` holds the rest of the record (its payloads encoded at rest
-- by a payload codec).

CREATE TABLE parked_records (
  id               text COLLATE "C" PRIMARY KEY,
  run_id           text COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  record_key       text NOT NULL,
  due_at           timestamptz NOT NULL,
  lease_owner      text,
  lease_expires_at timestamptz,
  doc              jsonb NOT NULL
);
-- The sweep reads the soonest due rows; a run's rows are listed, made due or deleted together.
CREATE INDEX parked_records_due_idx ON parked_records (due_at);
CREATE INDEX parked_records_run_idx ON parked_records (run_id, due_at);
