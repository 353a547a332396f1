import { ConflictError, NotFoundError } from "../errors";
import type { Schedule, ScheduleFire, ScheduleFireState } from "../schedules/schedule";
import type { ScheduleStore } from "../store/types";
import { writeAudit } from "./_audit-write";
import { pageBounds, toPage } from "./_paging";
import { type Db, jsonParam, queryDoc, queryDocs, SqlParams, whereClause } from "./_sql";

/** A schedule_fires row, timestamps as ISO text (read through `to_json`, not pg's parsers). */
interface FireRow {
  schedule_id: string;
  tick: string;
  state: ScheduleFireState;
  owner: string | null;
  lease_expires_at: string | null;
  attempts: number;
  run_id: string | null;
  reason: string | null;
  claimed_at: string;
  fired_at: string | null;
}

// Timestamps leave as ISO text in UTC with milliseconds, as `Date.prototype.toISOString` writes them.
const iso = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
const FIRE_COLUMNS = [
  "schedule_id",
  iso("tick"),
  "state",
  "owner",
  iso("lease_expires_at"),
  "attempts",
  "run_id",
  "reason",
  iso("claimed_at"),
  iso("fired_at"),
].join(", ");

function toFire(row: FireRow): ScheduleFire {
  return {
    scheduleId: row.schedule_id,
    tick: row.tick,
    state: row.state,
    attempts: row.attempts,
    claimedAt: row.claimed_at,
    ...(row.owner === null ? {} : { owner: row.owner }),
    ...(row.lease_expires_at === null ? {} : { leaseExpiresAt: row.lease_expires_at }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.fired_at === null ? {} : { firedAt: row.fired_at }),
  };
}

/** Schedules and their ticks in PostgreSQL: a tick's claim is its primary key. */
export function scheduleQueries(db: Db): ScheduleStore {
  const t = db.tables;
  return {
    async insertSchedule(schedule, audit) {
      await db.transaction("insertSchedule", async (client) => {
        const inserted = await client.query(
          `INSERT INTO ${t.schedules} (id, blueprint_id, project_id, paused, version, doc)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [
            schedule.id,
            schedule.blueprintId,
            schedule.projectId,
            schedule.paused,
            schedule.version,
            jsonParam(schedule),
          ],
        );
        if (inserted.rowCount === 0) throw new ConflictError(`schedule "${schedule.id}" already exists`);
        if (audit !== undefined) await writeAudit(client, t.audit, audit);
      });
    },
    async updateSchedule(schedule, expectedVersion, audit) {
      const done = await db.transaction("updateSchedule", async (client) => {
        const updated = await client.query(
          `UPDATE ${t.schedules} SET paused = $2, version = $3, doc = $4 WHERE id = $1 AND version = $5`,
          [schedule.id, schedule.paused, schedule.version, jsonParam(schedule), expectedVersion],
        );
        if (updated.rowCount !== 1) return false;
        if (audit !== undefined) await writeAudit(client, t.audit, audit);
        return true;
      });
      if (done) return;
      const current = await db.query<{ version: number }>(
        "updateSchedule",
        `SELECT version FROM ${t.schedules} WHERE id = $1`,
        [schedule.id],
      );
      const found = current.rows[0];
      if (found === undefined) throw new NotFoundError("schedule", schedule.id);
      throw new ConflictError(
        `schedule "${schedule.id}" changed since it was read (version ${expectedVersion}, now ${found.version})`,
      );
    },
    async getSchedule(id) {
      return queryDoc<Schedule>(
        db,
        "getSchedule",
        `SELECT doc::text AS doc FROM ${t.schedules} WHERE id = $1`,
        [id],
      );
    },
    async listSchedules(filter) {
      const { limit, after } = pageBounds(filter, "string");
      const params = new SqlParams();
      const where: string[] = [];
      if (filter?.blueprintId !== undefined) where.push(`blueprint_id = ${params.add(filter.blueprintId)}`);
      if (filter?.projectId !== undefined) where.push(`project_id = ${params.add(filter.projectId)}`);
      if (filter?.paused !== undefined) where.push(`paused = ${params.add(filter.paused)}`);
      if (after !== undefined) where.push(`id > ${params.add(after)}`);
      const rows = await queryDocs<Schedule>(
        db,
        "listSchedules",
        `SELECT doc::text AS doc FROM ${t.schedules} ${whereClause(where)}
         ORDER BY id LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      return toPage(rows, limit, (schedule) => schedule.id);
    },
    async deleteSchedule(id, audit) {
      return db.transaction("deleteSchedule", async (client) => {
        // Its ticks go with it (ON DELETE CASCADE).
        const deleted = await client.query(`DELETE FROM ${t.schedules} WHERE id = $1`, [id]);
        if (deleted.rowCount !== 1) return false;
        if (audit !== undefined) await writeAudit(client, t.audit, audit);
        return true;
      });
    },
    async claimScheduleTick({ scheduleId, tick, owner, leaseMs, now }) {
      const lease = new Date(now.getTime() + leaseMs).toISOString();
      // One statement: a new tick is inserted; a PENDING one whose lease ended is taken over; a
      // tick held live or settled returns no row. The primary key arbitrates racing workers.
      const claimed = await db.query<FireRow>(
        "claimScheduleTick",
        `INSERT INTO ${t.scheduleFires} AS f
           (schedule_id, tick, state, owner, lease_expires_at, attempts, claimed_at)
         VALUES ($1, $2, 'PENDING', $3, $4, 1, $5)
         ON CONFLICT (schedule_id, tick) DO UPDATE
           SET owner = EXCLUDED.owner, lease_expires_at = EXCLUDED.lease_expires_at,
               attempts = f.attempts + 1
           WHERE f.state = 'PENDING' AND (f.owner IS NULL OR f.lease_expires_at <= $5)
         RETURNING ${FIRE_COLUMNS}`,
        [scheduleId, tick.toISOString(), owner, lease, now.toISOString()],
      );
      const row = claimed.rows[0];
      return row === undefined ? undefined : toFire(row);
    },
    async settleScheduleTick({ scheduleId, tick, owner, state, runId, reason, now }) {
      const settled = await db.query(
        "settleScheduleTick",
        `UPDATE ${t.scheduleFires}
         SET state = $4, run_id = $5, reason = $6, fired_at = $7, owner = NULL, lease_expires_at = NULL
         WHERE schedule_id = $1 AND tick = $2 AND owner = $3 AND state = 'PENDING'`,
        [scheduleId, tick.toISOString(), owner, state, runId ?? null, reason ?? null, now.toISOString()],
      );
      return settled.rowCount === 1;
    },
    async releaseScheduleTick(scheduleId, tick, owner, reason) {
      await db.query(
        "releaseScheduleTick",
        `UPDATE ${t.scheduleFires} SET owner = NULL, lease_expires_at = NULL, reason = $4
         WHERE schedule_id = $1 AND tick = $2 AND owner = $3 AND state = 'PENDING'`,
        [scheduleId, tick.toISOString(), owner, reason],
      );
    },
    async listScheduleFires(scheduleId, filter = {}) {
      const params = new SqlParams();
      const where = [`schedule_id = ${params.add(scheduleId)}`];
      if (filter.from !== undefined) where.push(`tick >= ${params.add(filter.from.toISOString())}`);
      if (filter.state !== undefined) where.push(`state = ${params.add(filter.state)}`);
      const rows = await db.query<FireRow>(
        "listScheduleFires",
        `SELECT ${FIRE_COLUMNS} FROM ${t.scheduleFires} ${whereClause(where)}
         ORDER BY tick DESC LIMIT ${params.add(filter.limit ?? 100)}`,
        params.values,
      );
      return rows.rows.map(toFire);
    },
    async pruneScheduleFires(scheduleId, { keep, before }) {
      // The kept ticks are read from the primary key's (schedule_id, tick) order; the last FIRED
      // tick stays, since the overlap policy looks at its run.
      const pruned = await db.query(
        "pruneScheduleFires",
        `DELETE FROM ${t.scheduleFires}
         WHERE schedule_id = $1 AND state <> 'PENDING' AND tick < $3
           AND tick IS DISTINCT FROM (
             SELECT max(tick) FROM ${t.scheduleFires} WHERE schedule_id = $1 AND state = 'FIRED')
           AND tick NOT IN (
             SELECT tick FROM ${t.scheduleFires}
             WHERE schedule_id = $1 AND state <> 'PENDING'
             ORDER BY tick DESC LIMIT $2)`,
        [scheduleId, Math.max(1, keep), before.toISOString()],
      );
      return pruned.rowCount ?? 0;
    },
    async listClaimableScheduleFires(now, limit) {
      const rows = await db.query<FireRow>(
        "listClaimableScheduleFires",
        `SELECT ${FIRE_COLUMNS} FROM ${t.scheduleFires}
         WHERE state = 'PENDING' AND (owner IS NULL OR lease_expires_at <= $1)
         ORDER BY tick LIMIT $2`,
        [now.toISOString(), limit],
      );
      return rows.rows.map(toFire);
    },
  };
}
