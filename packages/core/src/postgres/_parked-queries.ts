import { NotFoundError } from "../errors";
import type { Run } from "../model/run";
import type { ParkedRecord, ParkedRecordStore } from "../store/types";
import { type Db, fromDoc, jsonParam } from "./_sql";

/** A parked_records row: the record in `doc`, due time and lease as ISO text. */
interface ParkedRow {
  doc: string;
  due_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

const iso = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
const COLUMNS = `doc::text AS doc, ${iso("due_at")}, lease_owner, ${iso("lease_expires_at")}`;

function toParked(row: ParkedRow): ParkedRecord {
  const { lease: _lease, ...doc } = fromDoc<ParkedRecord>(row.doc);
  return {
    ...doc,
    dueAt: row.due_at,
    ...(row.lease_owner === null || row.lease_expires_at === null
      ? {}
      : { lease: { owner: row.lease_owner, expiresAt: row.lease_expires_at } }),
  };
}

/** A record no live lease holds at `$3` (the caller's now). */
const FREE = `(lease_owner IS NULL OR lease_expires_at <= $3::timestamptz)`;

/**
 * Parked records in PostgreSQL. Claims are single statements (due rows picked `FOR UPDATE SKIP
 * LOCKED`, so workers sweeping at once take different rows); a settlement deletes the row and
 * rewrites its run in one transaction, the run row locked first as `completeRunBatch` does.
 */
export function parkedQueries(db: Db): ParkedRecordStore {
  const t = db.tables;
  const leaseUntil = (now: Date, leaseMs: number): string => new Date(now.getTime() + leaseMs).toISOString();
  return {
    async parkRecord(record) {
      const { lease: _lease, ...doc } = record;
      await db.query(
        "parkRecord",
        `INSERT INTO ${t.parkedRecords} (id, run_id, record_key, due_at, doc)
         VALUES ($1, $2, $3, $4::timestamptz, $5)
         ON CONFLICT (id) DO UPDATE SET due_at = EXCLUDED.due_at, doc = EXCLUDED.doc,
           record_key = EXCLUDED.record_key, lease_owner = NULL, lease_expires_at = NULL`,
        [record.id, record.runId, record.recordKey, record.dueAt, jsonParam(doc)],
      );
    },
    async claimDueParkedRecords({ owner, leaseMs, now, limit }) {
      const result = await db.query<ParkedRow>(
        "claimDueParkedRecords",
        `UPDATE ${t.parkedRecords} SET lease_owner = $1, lease_expires_at = $2::timestamptz
         WHERE id IN (
           SELECT id FROM ${t.parkedRecords}
           WHERE due_at <= $3::timestamptz AND ${FREE}
           ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [owner, leaseUntil(now, leaseMs), now.toISOString(), limit],
      );
      return result.rows.map(toParked).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
    },
    async claimParkedRecord(id, { owner, leaseMs, now }) {
      const result = await db.query<ParkedRow>(
        "claimParkedRecord",
        `UPDATE ${t.parkedRecords} SET lease_owner = $1, lease_expires_at = $2::timestamptz
         WHERE id = $4 AND ${FREE}
         RETURNING ${COLUMNS}`,
        [owner, leaseUntil(now, leaseMs), now.toISOString(), id],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : toParked(row);
    },
    async renewParkedRecord(id, { owner, leaseMs, now }) {
      const result = await db.query(
        "renewParkedRecord",
        `UPDATE ${t.parkedRecords} SET lease_expires_at = $3::timestamptz
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner, leaseUntil(now, leaseMs)],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseParkedRecord(id, owner) {
      await db.query(
        "releaseParkedRecord",
        `UPDATE ${t.parkedRecords} SET lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner],
      );
    },
    async settleParkedRecord(id, owner, change) {
      return db.transaction("settleParkedRecord", async (client) => {
        const found = await client.query<{ run_id: string }>(
          `SELECT run_id FROM ${t.parkedRecords} WHERE id = $1`,
          [id],
        );
        const runId = found.rows[0]?.run_id;
        if (runId === undefined) return undefined;
        const locked = await client.query<{ doc: string }>(
          `SELECT doc::text AS doc FROM ${t.runs} WHERE id = $1 FOR UPDATE`,
          [runId],
        );
        const row = locked.rows[0];
        if (row === undefined) throw new NotFoundError("run", runId);
        const deleted = await client.query(
          `DELETE FROM ${t.parkedRecords} WHERE id = $1 AND lease_owner = $2`,
          [id, owner],
        );
        if (deleted.rowCount !== 1) return undefined;
        const current = fromDoc<Run>(row.doc);
        const next: Run = { ...change(current), version: current.version + 1 };
        await client.query(`UPDATE ${t.runs} SET status = $2, version = $3, doc = $4 WHERE id = $1`, [
          runId,
          next.status,
          next.version,
          jsonParam(next),
        ]);
        return next;
      });
    },
    async listParkedRecords(runId) {
      const result = await db.query<ParkedRow>(
        "listParkedRecords",
        `SELECT ${COLUMNS} FROM ${t.parkedRecords} WHERE run_id = $1 ORDER BY due_at, id`,
        [runId],
      );
      return result.rows.map(toParked);
    },
    async makeParkedRecordsDue(runId, now, recordKey) {
      const result = await db.query<ParkedRow>(
        "makeParkedRecordsDue",
        `UPDATE ${t.parkedRecords} SET due_at = LEAST(due_at, $2::timestamptz)
         WHERE run_id = $1 AND ($3::text IS NULL OR record_key = $3)
         RETURNING ${COLUMNS}`,
        [runId, now.toISOString(), recordKey ?? null],
      );
      return result.rows.map(toParked);
    },
    async deleteParkedRecords(runId) {
      const result = await db.query<ParkedRow>(
        "deleteParkedRecords",
        `DELETE FROM ${t.parkedRecords} WHERE run_id = $1 RETURNING ${COLUMNS}`,
        [runId],
      );
      return result.rows.map(toParked);
    },
  };
}
