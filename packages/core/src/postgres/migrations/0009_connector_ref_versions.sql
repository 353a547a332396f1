-- SynapseOps store, version 9: a version per connector ref (issue 21).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- A run plan bound from refs is kept across runs and checked by the one-record start (its guard
-- compares versions) instead of reading the refs for every run. Existing refs start at 1. The
-- database bumps the version on every update, so a writer that does not know the column — a
-- process of an older release during a rolling upgrade, a manual UPDATE — still makes kept plans
-- stale.

ALTER TABLE connector_refs ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION connector_refs_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER connector_refs_version BEFORE UPDATE ON connector_refs
  FOR EACH ROW EXECUTE FUNCTION connector_refs_next_version();
