-- SynapseOps store, version 9: a version per connector ref (issue 21).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- Bumped by every put, so a run plan bound from a ref can be kept across runs and checked by the
-- one-record start (its guard compares versions) instead of reading the ref for every run.
-- Existing refs start at 1.

ALTER TABLE connector_refs ADD COLUMN version bigint NOT NULL DEFAULT 1;
