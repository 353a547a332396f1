-- SynapseOps store, version 1: every table of the Store port.
-- Runs inside the migrator's transaction with `SET LOCAL search_path` set to the store's schema,
-- so names here are unqualified. Do not edit once released: the migrator checks its checksum.
--
-- Each entity is kept whole in `doc` (jsonb) so it round-trips exactly (timestamps as written);
-- the other columns exist only for keys, filters and ordering. Id columns use COLLATE "C" so
-- ORDER BY id matches JavaScript string order (ids are ASCII, time-ordered UUIDv7 with a prefix).

CREATE TABLE projects (
  id   text COLLATE "C" PRIMARY KEY,
  doc  jsonb NOT NULL
);

CREATE TABLE environments (
  project_id text COLLATE "C" NOT NULL,
  name       text COLLATE "C" NOT NULL,
  doc        jsonb NOT NULL,
  PRIMARY KEY (project_id, name)
);

CREATE TABLE connector_refs (
  id         text COLLATE "C" PRIMARY KEY,
  project_id text COLLATE "C" NOT NULL,
  doc        jsonb NOT NULL
);
CREATE INDEX connector_refs_project_idx ON connector_refs (project_id, id);

CREATE TABLE blueprints (
  id         text COLLATE "C" PRIMARY KEY,
  project_id text COLLATE "C" NOT NULL,
  status     text NOT NULL,
  version    integer NOT NULL,
  doc        jsonb NOT NULL
);
CREATE INDEX blueprints_project_idx ON blueprints (project_id, id);
CREATE INDEX blueprints_project_status_idx ON blueprints (project_id, status, id);

-- The primary key is what makes two edits writing the same revision conflict.
CREATE TABLE blueprint_revisions (
  blueprint_id text COLLATE "C" NOT NULL REFERENCES blueprints (id) ON DELETE CASCADE,
  revision     integer NOT NULL,
  doc          jsonb NOT NULL,
  PRIMARY KEY (blueprint_id, revision)
);

CREATE TABLE audit_log (
  id         text COLLATE "C" PRIMARY KEY,
  entity_id  text COLLATE "C" NOT NULL,
  project_id text COLLATE "C",
  doc        jsonb NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_id, id);
CREATE INDEX audit_log_project_idx ON audit_log (project_id, id);

CREATE TABLE artifacts (
  id           text COLLATE "C" PRIMARY KEY,
  blueprint_id text COLLATE "C" NOT NULL,
  doc          jsonb NOT NULL
);
CREATE INDEX artifacts_blueprint_idx ON artifacts (blueprint_id, id);

CREATE TABLE runs (
  id           text COLLATE "C" PRIMARY KEY,
  blueprint_id text COLLATE "C" NOT NULL,
  project_id   text COLLATE "C" NOT NULL,
  status       text NOT NULL,
  version      integer NOT NULL,
  doc          jsonb NOT NULL
);
CREATE INDEX runs_blueprint_idx ON runs (blueprint_id, id);
CREATE INDEX runs_project_idx ON runs (project_id, id);
CREATE INDEX runs_status_idx ON runs (status, id);

-- One row per run holding the last seq handed out: appends upsert it in their transaction, so
-- its row lock serialises concurrent appends of one run and a rolled-back append leaves no gap.
-- Separate from `runs` because events may be appended for a run id before its row exists.
CREATE TABLE run_event_counters (
  run_id   text COLLATE "C" PRIMARY KEY,
  last_seq integer NOT NULL
);

CREATE TABLE run_events (
  run_id     text COLLATE "C" NOT NULL,
  seq        integer NOT NULL,
  level_rank smallint NOT NULL,
  step       text,
  doc        jsonb NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE idempotency_records (
  scope      text NOT NULL,
  key        text NOT NULL,
  expires_at timestamptz NOT NULL,
  doc        jsonb NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at);

CREATE TABLE dead_letters (
  id           text COLLATE "C" PRIMARY KEY,
  run_id       text COLLATE "C" NOT NULL,
  blueprint_id text COLLATE "C" NOT NULL,
  doc          jsonb NOT NULL
);
CREATE INDEX dead_letters_run_idx ON dead_letters (run_id, id);
CREATE INDEX dead_letters_blueprint_idx ON dead_letters (blueprint_id, id);

-- `doc` is `{"value": …}` so that a stored `null` and "no cursor" stay distinct.
CREATE TABLE cursors (
  scope text PRIMARY KEY,
  doc   jsonb NOT NULL
);
