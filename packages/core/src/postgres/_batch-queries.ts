import { NotFoundError } from "../errors";
import type { Run, RunCounts } from "../model/run";
import type { RunBatch, RunBatchSummary, RunStore } from "../store/types";
import { type Db, fromDoc, jsonParam } from "./_sql";

/** The run-batch methods of the RunStore. */
export type BatchQueries = Pick<
  RunStore,
  | "insertRunBatches"
  | "claimRunBatch"
  | "renewRunBatchLease"
  | "releaseRunBatch"
  | "completeRunBatch"
  | "listRunBatches"
>;

export interface BatchRow {
  idx: number;
  first_position: number;
  size: number;
  state: "PENDING" | "DONE";
  attempts: number;
  lease_owner: string | null;
  lease_expires: string | null;
  counts: string | null;
}

export const SUMMARY_COLUMNS = `idx, first_position, size, state, attempts, lease_owner,
  to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS lease_expires,
  counts::text AS counts`;

export function summaryOf(runId: string, row: BatchRow): RunBatchSummary {
  return {
    runId,
    index: row.idx,
    firstPosition: row.first_position,
    size: row.size,
    state: row.state,
    attempts: row.attempts,
    ...(row.lease_owner !== null && row.lease_expires !== null
      ? { lease: { owner: row.lease_owner, expiresAt: row.lease_expires } }
      : {}),
    ...(row.counts === null ? {} : { counts: fromDoc<RunCounts>(row.counts) }),
  };
}

/**
 * A durable run's batches. Every lease decision is one conditional UPDATE, so two workers
 * claiming the same batch cannot both win; completion locks the run row first, so exactly one
 * completer sees `remaining = 0`.
 */
export function batchQueries(db: Db): BatchQueries {
  const t = db.tables;
  return {
    async insertRunBatches(runId, batches) {
      if (batches.length === 0) return;
      // One statement over arrays: atomic, and one round trip however many batches.
      await db.query(
        "insertRunBatches",
        `INSERT INTO ${t.runBatches} (run_id, idx, first_position, size, state, records)
         SELECT $1, b.idx, b.first_position, b.size, 'PENDING', b.records::jsonb
         FROM unnest($2::int[], $3::int[], $4::int[], $5::text[]) AS b(idx, first_position, size, records)`,
        [
          runId,
          batches.map((b) => b.index),
          batches.map((b) => b.firstPosition),
          batches.map((b) => b.records.length),
          batches.map((b) => jsonParam(b.records)),
        ],
      );
    },
    async claimRunBatch({ runId, index, owner, leaseMs, now }) {
      const result = await db.query<BatchRow & { records: string }>(
        "claimRunBatch",
        `UPDATE ${t.runBatches}
         SET lease_owner = $3, lease_expires_at = $4::timestamptz + ($5 || ' milliseconds')::interval,
             attempts = attempts + 1
         WHERE run_id = $1 AND idx = $2 AND state = 'PENDING'
           AND (lease_owner IS NULL OR lease_owner = $3 OR lease_expires_at <= $4::timestamptz)
         RETURNING ${SUMMARY_COLUMNS}, records::text AS records`,
        [runId, index, owner, now.toISOString(), String(leaseMs)],
      );
      const row = result.rows[0];
      if (row === undefined) return undefined;
      const { size: _size, ...summary } = summaryOf(runId, row);
      const batch: RunBatch = { ...summary, records: fromDoc<unknown[]>(row.records) };
      return batch;
    },
    async renewRunBatchLease({ runId, index, owner, leaseMs, now }) {
      const result = await db.query(
        "renewRunBatchLease",
        `UPDATE ${t.runBatches}
         SET lease_expires_at = $4::timestamptz + ($5 || ' milliseconds')::interval
         WHERE run_id = $1 AND idx = $2 AND state = 'PENDING' AND lease_owner = $3`,
        [runId, index, owner, now.toISOString(), String(leaseMs)],
      );
      return result.rowCount === 1;
    },
    async releaseRunBatch(runId, index, owner) {
      await db.query(
        "releaseRunBatch",
        `UPDATE ${t.runBatches} SET lease_owner = NULL, lease_expires_at = NULL
         WHERE run_id = $1 AND idx = $2 AND lease_owner = $3`,
        [runId, index, owner],
      );
    },
    async completeRunBatch({ runId, index, owner, counts }, change) {
      return db.transaction("completeRunBatch", async (client) => {
        const locked = await client.query<{ doc: string }>(
          `SELECT doc::text AS doc FROM ${t.runs} WHERE id = $1 FOR UPDATE`,
          [runId],
        );
        const row = locked.rows[0];
        if (row === undefined) throw new NotFoundError("run", runId);
        // The batch marked DONE and the run's pending batches counted in one round trip, under
        // the run's lock (a round trip less for every completer waiting on it, issue 21). The
        // count reads the statement's snapshot, taken after the lock was granted, so it sees
        // every earlier completion but not this statement's own update: hence the `- 1`.
        const marked = await client.query<{ done: number; pending: number }>(
          `WITH done AS (
             UPDATE ${t.runBatches} SET state = 'DONE', counts = $4, lease_owner = NULL, lease_expires_at = NULL
             WHERE run_id = $1 AND idx = $2 AND state = 'PENDING' AND lease_owner = $3
             RETURNING idx)
           SELECT (SELECT count(*) FROM done)::int AS done,
             (SELECT count(*) FROM ${t.runBatches} WHERE run_id = $1 AND state = 'PENDING')::int AS pending`,
          [runId, index, owner, jsonParam(counts)],
        );
        const { done, pending } = marked.rows[0] ?? { done: 0, pending: 0 };
        if (done !== 1) return undefined;
        const remaining = pending - 1;
        const current = fromDoc<Run>(row.doc);
        const next: Run = { ...change(current, remaining), version: current.version + 1 };
        await client.query(`UPDATE ${t.runs} SET status = $2, version = $3, doc = $4 WHERE id = $1`, [
          runId,
          next.status,
          next.version,
          jsonParam(next),
        ]);
        return { run: next, remaining };
      });
    },
    async listRunBatches(runId) {
      const result = await db.query<BatchRow>(
        "listRunBatches",
        `SELECT ${SUMMARY_COLUMNS} FROM ${t.runBatches} WHERE run_id = $1 ORDER BY idx`,
        [runId],
      );
      return result.rows.map((row) => summaryOf(runId, row));
    },
  };
}
