import { cloneJson } from "../clone-json";
import { ConflictError, NotFoundError } from "../errors";
import type { AuditEntry } from "../model/audit";
import type { Schedule, ScheduleFire } from "../schedules/schedule";
import { pageOf } from "./pagination";
import type { ScheduleStore } from "./types";

const byId = (schedule: Schedule): string => schedule.id;
const tickKey = (scheduleId: string, tick: Date | string): string =>
  `${scheduleId}\u0000${typeof tick === "string" ? tick : tick.toISOString()}`;

/** Whether a PENDING tick may be claimed at `now`: its lease expired or was released. */
export function isClaimable(fire: ScheduleFire, now: Date): boolean {
  return (
    fire.state === "PENDING" &&
    (fire.owner === undefined ||
      fire.leaseExpiresAt === undefined ||
      Date.parse(fire.leaseExpiresAt) <= now.getTime())
  );
}

/**
 * Schedules and ticks in process memory, for `memoryStore()`. One process: a tick is claimed
 * once because claims run to completion on one event loop.
 */
export function memoryScheduleStore(recordAudit: (entry: AuditEntry) => void = () => {}): ScheduleStore {
  const schedules = new Map<string, Schedule>();
  const fires = new Map<string, ScheduleFire>();

  const firesOf = (scheduleId: string): ScheduleFire[] =>
    [...fires.values()]
      .filter((fire) => fire.scheduleId === scheduleId)
      .sort((a, b) => (a.tick < b.tick ? 1 : a.tick > b.tick ? -1 : 0));

  return {
    async insertSchedule(schedule, audit) {
      if (schedules.has(schedule.id)) throw new ConflictError(`schedule "${schedule.id}" already exists`);
      schedules.set(schedule.id, cloneJson(schedule));
      if (audit !== undefined) recordAudit(audit);
    },
    async updateSchedule(schedule, expectedVersion, audit) {
      const current = schedules.get(schedule.id);
      if (current === undefined) throw new NotFoundError("schedule", schedule.id);
      if (current.version !== expectedVersion) {
        throw new ConflictError(
          `schedule "${schedule.id}" changed since it was read (version ${expectedVersion}, now ${current.version})`,
        );
      }
      schedules.set(schedule.id, cloneJson(schedule));
      if (audit !== undefined) recordAudit(audit);
    },
    async getSchedule(id) {
      return cloneJson(schedules.get(id));
    },
    async listSchedules(filter) {
      const items = [...schedules.values()]
        .filter(
          (schedule) =>
            (filter?.blueprintId === undefined || schedule.blueprintId === filter.blueprintId) &&
            (filter?.projectId === undefined || schedule.projectId === filter.projectId) &&
            (filter?.paused === undefined || schedule.paused === filter.paused),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return cloneJson(pageOf(items, byId, filter, "asc"));
    },
    async deleteSchedule(id, audit) {
      for (const fire of firesOf(id)) fires.delete(tickKey(id, fire.tick));
      const deleted = schedules.delete(id);
      if (deleted && audit !== undefined) recordAudit(audit);
      return deleted;
    },
    async claimScheduleTick({ scheduleId, tick, owner, leaseMs, now }) {
      const key = tickKey(scheduleId, tick);
      const existing = fires.get(key);
      if (existing !== undefined && !isClaimable(existing, now)) return undefined;
      const fire: ScheduleFire = {
        ...(existing ?? { scheduleId, tick: tick.toISOString(), claimedAt: now.toISOString(), attempts: 0 }),
        state: "PENDING",
        owner,
        leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
        attempts: (existing?.attempts ?? 0) + 1,
      };
      fires.set(key, fire);
      return cloneJson(fire);
    },
    async settleScheduleTick({ scheduleId, tick, owner, state, runId, reason, now }) {
      const key = tickKey(scheduleId, tick);
      const existing = fires.get(key);
      if (existing?.state !== "PENDING" || existing.owner !== owner) return false;
      const { owner: _owner, leaseExpiresAt: _lease, reason: _reason, ...rest } = existing;
      fires.set(key, {
        ...rest,
        state,
        firedAt: now.toISOString(),
        ...(runId === undefined ? {} : { runId }),
        ...(reason === undefined ? {} : { reason }),
      });
      return true;
    },
    async releaseScheduleTick(scheduleId, tick, owner, reason) {
      const key = tickKey(scheduleId, tick);
      const existing = fires.get(key);
      if (existing?.state !== "PENDING" || existing.owner !== owner) return;
      const { owner: _owner, leaseExpiresAt: _lease, ...rest } = existing;
      fires.set(key, { ...rest, reason });
    },
    async listScheduleFires(scheduleId, filter = {}) {
      const from = filter.from?.toISOString();
      return cloneJson(
        firesOf(scheduleId)
          .filter(
            (fire) =>
              (from === undefined || fire.tick >= from) &&
              (filter.state === undefined || fire.state === filter.state),
          )
          .slice(0, filter.limit ?? 100),
      );
    },
    async pruneScheduleFires(scheduleId, { keep, before }) {
      const cutoff = before.toISOString();
      const settled = firesOf(scheduleId).filter((fire) => fire.state !== "PENDING");
      const lastFired = settled.find((fire) => fire.state === "FIRED");
      let pruned = 0;
      for (const fire of settled.slice(Math.max(1, keep))) {
        if (fire.tick >= cutoff || fire === lastFired) continue;
        fires.delete(tickKey(scheduleId, fire.tick));
        pruned += 1;
      }
      return pruned;
    },
    async listClaimableScheduleFires(now, limit) {
      return cloneJson(
        [...fires.values()]
          .filter((fire) => isClaimable(fire, now))
          .sort((a, b) => (a.tick < b.tick ? -1 : a.tick > b.tick ? 1 : 0))
          .slice(0, limit),
      );
    },
  };
}
