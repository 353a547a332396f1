-- SynapseOps store, version 5: schedules and their ticks (issue 20).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.
--
-- The primary key of schedule_fires is the exactly-once rule: a tick is claimed by one worker,
-- however many race for it. Lease times come from the caller's clock, never now().

CREATE TABLE schedules (
  id           text COLLATE "C" PRIMARY KEY,
  blueprint_id text COLLATE "C" NOT NULL,
  project_id   text COLLATE "C" NOT NULL,
  paused       boolean NOT NULL,
  version      integer NOT NULL,
  doc          jsonb NOT NULL
);
CREATE INDEX schedules_blueprint_idx ON schedules (blueprint_id, id);
CREATE INDEX schedules_project_idx ON schedules (project_id, id);

CREATE TABLE schedule_fires (
  schedule_id      text COLLATE "C" NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  tick             timestamptz NOT NULL,
  state            text NOT NULL,
  owner            text,
  lease_expires_at timestamptz,
  attempts         integer NOT NULL,
  run_id           text,
  reason           text,
  claimed_at       timestamptz NOT NULL,
  fired_at         timestamptz,
  PRIMARY KEY (schedule_id, tick)
);
-- The sweep for ticks whose worker died, and queued ticks, reads only pending ones.
CREATE INDEX schedule_fires_pending_idx ON schedule_fires (tick) WHERE state = 'PENDING';
