import { ConflictError, NotFoundError } from "../errors";
import type { DeadLetter } from "../model/dead-letter";
import type { Run, RunEvent } from "../model/run";
import { canTakeLease } from "../store/idempotency-claim";
import { pageLimit } from "../store/pagination";
import { RUN_EVENT_LEVEL_RANK } from "../store/run-event-levels";
import type { RunStore } from "../store/types";
import { pageBounds, toPage } from "./_paging";
import {
  type Db,
  type DocRow,
  fromDoc,
  jsonParam,
  type Queryable,
  queryDoc,
  queryDocs,
  SqlParams,
  whereClause,
} from "./_sql";

/** The RunStore methods other than idempotency records (see `_idempotency-queries.ts`). */
export type RunQueries = Omit<
  RunStore,
  | "claimIdempotencyKey"
  | "renewIdempotencyLease"
  | "completeIdempotencyKey"
  | "failIdempotencyKey"
  | "getIdempotencyRecord"
  | "purgeExpiredIdempotencyRecords"
  | "purgeRunPayloads"
  | "insertRunBatches"
  | "claimRunBatch"
  | "renewRunBatchLease"
  | "releaseRunBatch"
  | "completeRunBatch"
  | "listRunBatches"
>;

/** Runs, run events, dead letters and sync cursors. */
export function runQueries(db: Db): RunQueries {
  const t = db.tables;

  const lockRun = async (client: Queryable, runId: string): Promise<Run | undefined> => {
    const result = await client.query<DocRow>(
      `SELECT doc::text AS doc FROM ${t.runs} WHERE id = $1 FOR UPDATE`,
      [runId],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : fromDoc<Run>(row.doc);
  };
  const writeRun = async (client: Queryable, run: Run): Promise<void> => {
    await client.query(
      `UPDATE ${t.runs} SET blueprint_id = $2, project_id = $3, status = $4, version = $5, doc = $6 WHERE id = $1`,
      [run.id, run.blueprintId, run.projectId, run.status, run.version, jsonParam(run)],
    );
  };

  return {
    async insertRun(run) {
      const inserted = await db.query(
        "insertRun",
        `INSERT INTO ${t.runs} (id, blueprint_id, project_id, status, version, doc)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [run.id, run.blueprintId, run.projectId, run.status, run.version, jsonParam(run)],
      );
      if (inserted.rowCount === 0) throw new ConflictError(`run "${run.id}" already exists`);
    },
    async updateRun(run, expectedVersion) {
      const updated = await db.query(
        "updateRun",
        `UPDATE ${t.runs} SET blueprint_id = $2, project_id = $3, status = $4, version = $5, doc = $6
         WHERE id = $1 AND version = $7`,
        [run.id, run.blueprintId, run.projectId, run.status, run.version, jsonParam(run), expectedVersion],
      );
      if (updated.rowCount !== 0) return;
      // Only to word the error: the write above already decided.
      const current = await db.query<{ version: number }>(
        "updateRun",
        `SELECT version FROM ${t.runs} WHERE id = $1`,
        [run.id],
      );
      const row = current.rows[0];
      if (row === undefined) throw new NotFoundError("run", run.id);
      throw new ConflictError(
        `run "${run.id}" changed since it was read (version ${expectedVersion}, now ${row.version})`,
      );
    },
    async getRun(id) {
      return queryDoc<Run>(db, "getRun", `SELECT doc::text AS doc FROM ${t.runs} WHERE id = $1`, [id]);
    },
    async listRuns(filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where: string[] = [];
      if (filter?.blueprintId !== undefined) where.push(`blueprint_id = ${params.add(filter.blueprintId)}`);
      if (filter?.projectId !== undefined) where.push(`project_id = ${params.add(filter.projectId)}`);
      if (filter?.status !== undefined) where.push(`status = ${params.add(filter.status)}`);
      // Both searches match the expression indexes of migration 0008.
      // `doc ? …` repeats the partial indexes' predicate, so the planner can use them.
      if (filter?.idempotencyKey !== undefined)
        where.push(
          `doc ? 'idempotencyKey' AND doc->>'idempotencyKey' = ${params.add(filter.idempotencyKey)}`,
        );
      if (filter?.recordKey !== undefined) {
        // Its log names the record, or it finished the record's key (owner `<runId>/<position>`).
        const key = params.add(filter.recordKey);
        where.push(
          `id IN (SELECT run_id FROM ${t.events} WHERE doc ? 'recordKey' AND doc->>'recordKey' = ${key}
                  UNION SELECT split_part(doc->>'finishedBy', '/', 1) FROM ${t.idempotency} WHERE key = ${key})`,
        );
      }
      if (after !== undefined) where.push(`id < ${params.add(after)}`);
      const rows = await queryDocs<Run>(
        db,
        "listRuns",
        `SELECT doc::text AS doc FROM ${t.runs} ${whereClause(where)}
         ORDER BY id DESC LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(rows, limit, (run) => run.id);
    },
    async acquireRunLease({ runId, owner, leaseMs, now }) {
      return db.transaction("acquireRunLease", async (client) => {
        const run = await lockRun(client, runId);
        if (run === undefined) throw new NotFoundError("run", runId);
        if (!canTakeLease(run.lease, owner, now)) return undefined;
        const next: Run = {
          ...run,
          lease: { owner, expiresAt: new Date(now.getTime() + leaseMs).toISOString() },
          version: run.version + 1,
          updatedAt: now.toISOString(),
        };
        await writeRun(client, next);
        return next;
      });
    },
    async releaseRunLease(runId, owner) {
      await db.transaction("releaseRunLease", async (client) => {
        const run = await lockRun(client, runId);
        if (run?.lease?.owner !== owner) return;
        const { lease: _lease, ...rest } = run;
        await writeRun(client, { ...rest, version: run.version + 1 });
      });
    },

    async appendRunEvents(runId, newEvents) {
      if (newEvents.length === 0) return [];
      return db.transaction("appendRunEvents", async (client) => {
        // The counter row's lock orders concurrent appends of one run; rolled back with the events.
        const counter = await client.query<{ last_seq: number }>(
          `INSERT INTO ${t.eventCounters} AS c (run_id, last_seq) VALUES ($1, $2)
           ON CONFLICT (run_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
           RETURNING last_seq`,
          [runId, newEvents.length],
        );
        const last = counter.rows[0]?.last_seq ?? newEvents.length;
        const first = last - newEvents.length + 1;
        const events: RunEvent[] = newEvents.map((event, index) => ({
          ...event,
          runId,
          seq: first + index,
        }));
        await client.query(
          `INSERT INTO ${t.events} (run_id, seq, level_rank, step, doc)
           SELECT $1, e.seq, e.level_rank, e.step, e.doc
           FROM jsonb_to_recordset($2::jsonb) AS e(seq integer, level_rank smallint, step text, doc jsonb)`,
          [
            runId,
            jsonParam(
              events.map((event) => ({
                seq: event.seq,
                level_rank: RUN_EVENT_LEVEL_RANK[event.level],
                step: event.step ?? null,
                doc: event,
              })),
            ),
          ],
        );
        // A fresh copy, as the memory store returns: the caller's event objects are not ours.
        return fromDoc<RunEvent[]>(JSON.stringify(events));
      });
    },
    async listRunEvents(runId, filter = {}) {
      const params = new SqlParams();
      const where = [`run_id = ${params.add(runId)}`];
      if (filter.after !== undefined) where.push(`seq > ${params.add(filter.after)}`);
      if (filter.level !== undefined)
        where.push(`level_rank >= ${params.add(RUN_EVENT_LEVEL_RANK[filter.level])}`);
      if (filter.step !== undefined) where.push(`step = ${params.add(filter.step)}`);
      // Matches the partial expression index of migration 0008 (its predicate repeated).
      if (filter.recordKey !== undefined)
        where.push(`doc ? 'recordKey' AND doc->>'recordKey' = ${params.add(filter.recordKey)}`);
      if (filter.type !== undefined) where.push(`doc->>'type' = ${params.add(filter.type)}`);
      return queryDocs<RunEvent>(
        db,
        "listRunEvents",
        `SELECT doc::text AS doc FROM ${t.events} ${whereClause(where)}
         ORDER BY seq LIMIT ${params.add(pageLimit({ limit: filter.limit ?? 100 }))}`,
        params.values,
      );
    },

    async insertDeadLetter(deadLetter) {
      const inserted = await db.query(
        "insertDeadLetter",
        `INSERT INTO ${t.deadLetters} (id, run_id, blueprint_id, doc) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [deadLetter.id, deadLetter.runId, deadLetter.blueprintId, jsonParam(deadLetter)],
      );
      if (inserted.rowCount === 0) throw new ConflictError(`dead letter "${deadLetter.id}" already exists`);
    },
    async getDeadLetter(id) {
      return queryDoc<DeadLetter>(
        db,
        "getDeadLetter",
        `SELECT doc::text AS doc FROM ${t.deadLetters} WHERE id = $1`,
        [id],
      );
    },
    async listDeadLetters(filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where: string[] = [];
      if (filter?.runId !== undefined) where.push(`run_id = ${params.add(filter.runId)}`);
      if (filter?.blueprintId !== undefined) where.push(`blueprint_id = ${params.add(filter.blueprintId)}`);
      if (filter?.replayed !== undefined) where.push(`(doc ? 'replayedAt') = ${params.add(filter.replayed)}`);
      if (filter?.errorCode !== undefined)
        where.push(`doc->'error'->>'code' = ${params.add(filter.errorCode)}`);
      // createdAt is always written by toISOString, so instants compare as text.
      if (filter?.since !== undefined)
        where.push(`doc->>'createdAt' >= ${params.add(filter.since.toISOString())}`);
      if (filter?.until !== undefined)
        where.push(`doc->>'createdAt' < ${params.add(filter.until.toISOString())}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const rows = await queryDocs<DeadLetter>(
        db,
        "listDeadLetters",
        `SELECT doc::text AS doc FROM ${t.deadLetters} ${whereClause(where)}
         ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(rows, limit, (dl) => dl.id);
    },
    async markDeadLettersReplayed(ids, replayRunId, at) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return;
      await db.transaction("markDeadLettersReplayed", async (client) => {
        const found = await client.query<{ id: string }>(
          `SELECT id FROM ${t.deadLetters} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
          [unique],
        );
        const present = new Set(found.rows.map((row) => row.id));
        const missing = unique.find((id) => !present.has(id));
        if (missing !== undefined) throw new NotFoundError("dead letter", missing);
        await client.query(
          `UPDATE ${t.deadLetters} SET doc = doc || jsonb_build_object('replayedAt', $2::text, 'replayRunId', $3::text)
           WHERE id = ANY($1::text[])`,
          [unique, at.toISOString(), replayRunId],
        );
      });
    },

    async getCursor(scope) {
      return (
        await queryDoc<{ value?: unknown }>(
          db,
          "getCursor",
          `SELECT doc::text AS doc FROM ${t.cursors} WHERE scope = $1`,
          [scope],
        )
      )?.value;
    },
    async putCursor(scope, value) {
      await db.query(
        "putCursor",
        `INSERT INTO ${t.cursors} (scope, doc) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET doc = EXCLUDED.doc`,
        [scope, jsonParam({ value })],
      );
    },
  };
}
