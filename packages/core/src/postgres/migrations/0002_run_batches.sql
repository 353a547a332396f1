-- SynapseOps store, version 2: a durable run's records, in batches that workers lease.
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- Lease times come from the caller's clock (a parameter), never now(), so tests with a fake
-- clock and the memory store agree.

CREATE TABLE run_batches (
  run_id           text COLLATE "C" NOT NULL,
  idx              integer NOT NULL,
  first_position   integer NOT NULL,
  size             integer NOT NULL,
  state            text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  lease_owner      text,
  lease_expires_at timestamptz,
  counts           jsonb,
  records          jsonb NOT NULL,
  PRIMARY KEY (run_id, idx)
);
-- Counting a run's remaining batches on every completion reads only the pending ones.
CREATE INDEX run_batches_pending_idx ON run_batches (run_id) WHERE state = 'PENDING';
