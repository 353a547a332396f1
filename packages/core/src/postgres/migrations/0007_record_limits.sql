-- SynapseOps store, version 7: shared state of record limits (issue 20).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- limit_slots: one row per held concurrency slot, numbered 0 … limit-1 per key, so the primary
-- key is the concurrency rule; a slot whose lease ended (a killed worker) is taken over.
-- Lease times are the database's clock, so workers' clocks may disagree.
-- limit_rates: the table rate-limiter-flexible's PostgreSQL limiter counts windows in.

CREATE TABLE limit_slots (
  limit_key  text COLLATE "C" NOT NULL,
  slot       integer NOT NULL,
  holder     text COLLATE "C" NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (limit_key, slot)
);

CREATE TABLE limit_rates (
  key    varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
