-- SynapseOps store, version 8: finding runs by idempotency key and by record key (issue 23).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- Partial expression indexes: only runs started with a key and events of a record are indexed,
-- so run-level events (no record key) cost nothing.

CREATE INDEX runs_idempotency_key_idx ON runs ((doc->>'idempotencyKey'), id)
  WHERE doc ? 'idempotencyKey';
CREATE INDEX run_events_record_key_idx ON run_events ((doc->>'recordKey'), run_id)
  WHERE doc ? 'recordKey';
-- A record's key finds the run that finished it: the primary key leads with the scope.
CREATE INDEX idempotency_records_key_idx ON idempotency_records (key);
