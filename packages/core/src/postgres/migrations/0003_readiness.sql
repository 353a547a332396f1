-- SynapseOps store, version 3: golden-suite runs and recorded HTTP traces (readiness).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.

CREATE TABLE test_runs (
  id          text COLLATE "C" PRIMARY KEY,
  project_id  text COLLATE "C" NOT NULL,
  environment text NOT NULL,
  spec_sha256 text NOT NULL,
  started_at  timestamptz NOT NULL,
  doc         jsonb NOT NULL
);
CREATE INDEX test_runs_project_idx ON test_runs (project_id, id);

-- Trace ids are assigned by the recorder; the primary key makes a redelivered batch a no-op.
CREATE TABLE traces (
  id          text COLLATE "C" PRIMARY KEY,
  project_id  text COLLATE "C" NOT NULL,
  environment text NOT NULL,
  operation   text,
  started_at  timestamptz NOT NULL,
  doc         jsonb NOT NULL
);
CREATE INDEX traces_project_idx ON traces (project_id, id);
