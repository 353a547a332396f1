import { ConflictError } from "../errors";
import type { NewRunEvent, Run } from "../model/run";
import { decideIdempotencyClaim } from "../store/idempotency-claim";
import { RUN_EVENT_LEVEL_RANK } from "../store/run-event-levels";
import type { OneRecordRunStore } from "../store/types";
import { finalChange } from "./_idempotency-groups";
import { type Db, fromDoc, jsonParam } from "./_sql";

const TERMINAL = `('SUCCEEDED', 'FAILED', 'CANCELLED')`;

/** Events as `jsonb_to_recordset` rows: numbered 1… in order, with the columns the log indexes. */
function eventRows(events: readonly NewRunEvent[]): string {
  return jsonParam(
    events.map((event, i) => ({
      n: i + 1,
      level_rank: RUN_EVENT_LEVEL_RANK[event.level],
      step: event.step ?? null,
      doc: event,
    })),
  );
}

/**
 * The one-record path (issue 21): create, start and finish are one statement each — one round
 * trip and one commit — (create and start one together when the creating process starts the
 * run at once) whose parts are chained through data-modifying CTEs, each part written
 * only when the one before it was (`WHERE EXISTS (SELECT 1 FROM <previous>)`). Row locks are
 * taken in the order the parts run, and the event counter row last, as `appendRunEvents` takes it.
 */
export function oneRecordQueries(db: Db): OneRecordRunStore {
  const t = db.tables;
  // Appends `$events` (rows of eventRows, `$count` of them) when `gate` has a row, numbering
  // them after the run's last event under the counter row's lock.
  const appendEvents = (gate: string, runId: string, events: string, count: string): string => `
    c AS (
      INSERT INTO ${t.eventCounters} AS c (run_id, last_seq)
      SELECT ${runId}, ${count} WHERE ${count} > 0 AND EXISTS (SELECT 1 FROM ${gate})
      ON CONFLICT (run_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
      RETURNING last_seq
    ), e AS (
      INSERT INTO ${t.events} (run_id, seq, level_rank, step, doc)
      SELECT ${runId}, c.last_seq - ${count} + x.n, x.level_rank, x.step,
             x.doc || jsonb_build_object('runId', ${runId}::text, 'seq', c.last_seq - ${count} + x.n)
      FROM c, jsonb_to_recordset(${events}::jsonb) AS x(n integer, level_rank smallint, step text, doc jsonb)
      RETURNING seq
    )`;

  // `k`: the record's key claimed when `scope` is given, `gate` has a row and the key is new.
  const claimNewKey = (gate: string, scope: string, key: string, expiresAt: string, doc: string): string => `
    k AS (
      INSERT INTO ${t.idempotency} (scope, key, expires_at, doc)
      SELECT ${scope}::text, ${key}::text, ${expiresAt}::timestamptz, ${doc}::jsonb
      WHERE ${scope}::text IS NOT NULL AND EXISTS (SELECT 1 FROM ${gate})
      ON CONFLICT DO NOTHING RETURNING key
    )`;
  // `g.current`: the plan's refs still at the versions it was bound at (none given: true).
  const refsCurrent = (versions: string): string => `
    g AS (
      SELECT NOT EXISTS (
        SELECT 1 FROM jsonb_to_recordset(coalesce(${versions}::jsonb, '[]')) AS v(id text, version bigint)
        LEFT JOIN ${t.connectorRefs} AS cr ON cr.id = v.id
        WHERE cr.version IS DISTINCT FROM v.version
      ) AS current
    )`;

  return {
    async createOneRecordRun(run, record) {
      const result = await db.query<{ guarded: boolean; inserted: boolean }>(
        "createOneRecordRun",
        `WITH guard AS (
           SELECT 1 FROM ${t.blueprints}
           WHERE id = $2 AND status <> 'ARCHIVED' AND (doc->>'approvedRevision')::integer = $7
         ), r AS (
           INSERT INTO ${t.runs} (id, blueprint_id, project_id, status, version, doc)
           SELECT $1, $2, $3, $4, $5, $6::jsonb FROM guard
           ON CONFLICT DO NOTHING RETURNING id
         ), b AS (
           INSERT INTO ${t.runBatches} (run_id, idx, first_position, size, state, records)
           SELECT id, 0, 0, 1, 'PENDING', $8::jsonb FROM r RETURNING idx
         )
         SELECT EXISTS (SELECT 1 FROM guard) AS guarded, EXISTS (SELECT 1 FROM b) AS inserted`,
        [
          run.id,
          run.blueprintId,
          run.projectId,
          run.status,
          run.version,
          jsonParam(run),
          run.revision,
          jsonParam([record]),
        ],
      );
      const row = result.rows[0];
      if (row?.guarded !== true) return false;
      if (!row.inserted) throw new ConflictError(`run "${run.id}" already exists`);
      return true;
    },

    async startOneRecordRun({ runId, owner, leaseMs, now, claim, events, connectorRefs }) {
      const fresh = claim === undefined ? undefined : decideIdempotencyClaim(undefined, claim);
      const at = now.toISOString();
      const result = await db.query<{ started: boolean; claimed: boolean; refs_current: boolean }>(
        "startOneRecordRun",
        `WITH unflushed AS (
           -- This commit does not wait for its WAL flush (this transaction only): what it writes
           -- is visible at once and made durable by the next flush, at the latest the finish's,
           -- which waits for all WAL before it. Lost only if PostgreSQL itself crashes before that
           -- flush, it leaves the run QUEUED and its key unclaimed, as a crash just before the
           -- start would, and the record is run again (docs/architecture-runs.md).
           SELECT set_config('synchronous_commit', 'off', true) AS setting
         ), ${refsCurrent("$12")}, b AS (
           UPDATE ${t.runBatches}
           SET lease_owner = $2, lease_expires_at = $3::timestamptz + ($4 || ' milliseconds')::interval,
               attempts = attempts + 1
           WHERE run_id = $1 AND idx = 0 AND state = 'PENDING'
             AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= $3::timestamptz)
             AND EXISTS (SELECT 1 FROM ${t.runs} WHERE id = $1 AND status = 'QUEUED')
             AND (SELECT current FROM g)
           RETURNING 1
         ), r AS (
           UPDATE ${t.runs} SET status = 'RUNNING', version = version + 1,
             doc = doc || jsonb_build_object('status', 'RUNNING', 'version', version + 1, 'updatedAt', $10::text,
                                             'startedAt', coalesce(doc->>'startedAt', $10::text))
           WHERE id = $1 AND status = 'QUEUED' AND EXISTS (SELECT 1 FROM b)
           RETURNING 1
         ), ${claimNewKey("r", "$5", "$6", "$7", "$8")}, ${appendEvents("r", "$1", "$9", "$11::integer")}
         -- Only what the executor uses: the run and batch it wrote stay in the store (issue 21:
         -- sending the run document back cost parsing nobody used).
         SELECT EXISTS (SELECT 1 FROM r) AS started, EXISTS (SELECT 1 FROM k) AS claimed,
                (SELECT count(*) FROM e) AS logged, g.current AS refs_current,
                (SELECT setting FROM unflushed) AS commit_mode
         FROM g`,
        [
          runId,
          owner,
          at,
          String(leaseMs),
          claim?.scope ?? null,
          claim?.key ?? null,
          fresh?.record.expiresAt ?? null,
          fresh === undefined ? null : jsonParam(fresh.record),
          eventRows(events),
          at,
          events.length,
          connectorRefs === undefined ? null : jsonParam(connectorRefs),
        ],
      );
      const row = result.rows[0];
      if (row?.refs_current === false) return "refsChanged";
      if (row?.started !== true) return undefined;
      return row.claimed && fresh !== undefined ? { claim: fresh } : {};
    },

    async createStartedOneRecordRun(run, record, { owner, leaseMs, now, claim, events, connectorRefs }) {
      const fresh = claim === undefined ? undefined : decideIdempotencyClaim(undefined, claim);
      const at = now.toISOString();
      // The rows createOneRecordRun then startOneRecordRun leave: the run RUNNING at version 2.
      const started: Run = {
        ...run,
        status: "RUNNING",
        version: run.version + 1,
        updatedAt: at,
        startedAt: at,
      };
      // A commit that waits for its WAL flush (the default): the caller acknowledges the arrival
      // once this returns, so the run must survive a crash from then on.
      const result = await db.query<{
        refs_current: boolean;
        guarded: boolean;
        inserted: boolean;
        claimed: boolean;
      }>(
        "createStartedOneRecordRun",
        `WITH ${refsCurrent("$13")}, guard AS (
           SELECT 1 FROM ${t.blueprints}
           WHERE id = $2 AND status <> 'ARCHIVED' AND (doc->>'approvedRevision')::integer = $7
             AND (SELECT current FROM g)
         ), r AS (
           INSERT INTO ${t.runs} (id, blueprint_id, project_id, status, version, doc)
           SELECT $1, $2, $3, 'RUNNING', $4, $5::jsonb FROM guard
           ON CONFLICT DO NOTHING RETURNING id
         ), b AS (
           INSERT INTO ${t.runBatches}
             (run_id, idx, first_position, size, state, records, lease_owner, lease_expires_at, attempts)
           SELECT id, 0, 0, 1, 'PENDING', $6::jsonb, $8, $9::timestamptz, 1 FROM r RETURNING idx
         ), ${claimNewKey("b", "$10", "$11", "$12", "$14")}, ${appendEvents("b", "$1", "$15", "$16::integer")}
         SELECT g.current AS refs_current, EXISTS (SELECT 1 FROM guard) AS guarded,
                EXISTS (SELECT 1 FROM b) AS inserted, EXISTS (SELECT 1 FROM k) AS claimed,
                (SELECT count(*) FROM e) AS logged
         FROM g`,
        [
          run.id,
          run.blueprintId,
          run.projectId,
          started.version,
          jsonParam(started),
          jsonParam([record]),
          run.revision,
          owner,
          new Date(now.getTime() + leaseMs).toISOString(),
          claim?.scope ?? null,
          claim?.key ?? null,
          fresh?.record.expiresAt ?? null,
          connectorRefs === undefined ? null : jsonParam(connectorRefs),
          fresh === undefined ? null : jsonParam(fresh.record),
          eventRows(events),
          events.length,
        ],
      );
      const row = result.rows[0];
      if (row?.refs_current === false) return "refsChanged";
      if (row?.guarded !== true) return "notApproved";
      if (!row.inserted) throw new ConflictError(`run "${run.id}" already exists`);
      return row.claimed && fresh !== undefined ? { claim: fresh } : {};
    },

    async connectorRefVersions(ids) {
      const result = await db.query<{ id: string; version: string }>(
        "connectorRefVersions",
        `SELECT id, version::text AS version FROM ${t.connectorRefs} WHERE id = ANY($1::text[])`,
        [ids],
      );
      return result.rows.map((row) => ({ id: row.id, version: Number(row.version) }));
    },

    async finishOneRecordRun({
      runId,
      owner,
      now,
      completion,
      batchCounts,
      counts,
      status,
      metrics,
      events,
    }) {
      const at = now.toISOString();
      const always = { counts, ...(metrics === undefined ? {} : { metrics }) };
      const moving = { status, updatedAt: at, ...(status === "RUNNING" ? {} : { finishedAt: at }) };
      const result = await db.query<{ key_ok: boolean; run: string | null }>(
        "finishOneRecordRun",
        `WITH k AS (
           UPDATE ${t.idempotency} AS i
           SET doc = (i.doc - 'leaseOwner' - 'leaseExpiresAt') || $7::jsonb
           WHERE $4::text IS NOT NULL AND i.scope = $4 AND i.key = $5
             AND i.doc->>'state' = 'IN_PROGRESS' AND i.doc->>'leaseOwner' = $6
           RETURNING 1
         ), ok AS (
           SELECT ($4::text IS NULL OR EXISTS (SELECT 1 FROM k)) AS ok
         ), b AS (
           UPDATE ${t.runBatches} SET state = 'DONE', counts = $3::jsonb, lease_owner = NULL, lease_expires_at = NULL
           WHERE run_id = $1 AND idx = 0 AND state = 'PENDING' AND lease_owner = $2 AND (SELECT ok FROM ok)
           RETURNING 1
         ), r AS (
           UPDATE ${t.runs} SET
             status = CASE WHEN status IN ${TERMINAL} THEN status ELSE $8 END,
             version = version + 1,
             doc = doc || $9::jsonb || jsonb_build_object('version', version + 1)
                   || CASE WHEN status IN ${TERMINAL} THEN '{}'::jsonb ELSE $10::jsonb END
           WHERE id = $1 AND EXISTS (SELECT 1 FROM b)
           RETURNING doc::text AS doc
         ), ${appendEvents("r", "$1", "$11", "$12::integer")}
         SELECT (SELECT ok FROM ok) AS key_ok, (SELECT doc FROM r) AS run, (SELECT count(*) FROM e) AS logged`,
        [
          runId,
          owner,
          jsonParam(batchCounts),
          completion?.scope ?? null,
          completion?.key ?? null,
          completion?.owner ?? null,
          completion === undefined ? null : jsonParam(finalChange(completion, "COMPLETED")),
          status,
          jsonParam(always),
          jsonParam(moving),
          eventRows(events),
          events.length,
        ],
      );
      const row = result.rows[0];
      if (row?.key_ok !== true) return { outcome: "keyLost" };
      if (row.run === null) return { outcome: "batchLost" };
      return { outcome: "finished", run: fromDoc<Run>(row.run) };
    },
  };
}
