import { describe, expect, it } from "vitest";
import { auditEntry } from "../audit";
import { ConflictError, NotFoundError } from "../errors";
import { newId } from "../ids";
import type { Schedule } from "../schedules/schedule";
import type { Store } from "../store/types";

/** A valid stored schedule of a made-up blueprint. */
function sampleSchedule(overrides: Partial<Schedule> = {}): Schedule {
  const now = new Date().toISOString();
  return {
    id: newId("sch"),
    blueprintId: newId("bp"),
    projectId: newId("prj"),
    timing: { everyMs: 1000 },
    action: { kind: "start" },
    overlap: "skip",
    missedTicks: { policy: "latest" },
    paused: false,
    activeSince: now,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** The schedule part of the store contract (issue 20); `testStore` runs it on every store. */
export function describeScheduleStore(current: () => Store): void {
  describe("schedules and ticks", () => {
    it("stores, updates by version, lists and deletes schedules", async () => {
      const store = current();
      const projectId = newId("prj");
      const a = sampleSchedule({ projectId });
      // issue 22: a schedule bound to a customer connection keeps it.
      const b = sampleSchedule({ projectId, paused: true, connection: "conn_of_customer_b" });
      await store.insertSchedule(a);
      await store.insertSchedule(b);
      await expect(store.insertSchedule(a)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getSchedule(a.id)).toEqual(a);
      expect(await store.getSchedule(b.id)).toEqual(b);
      const changed = { ...a, name: "renamed", version: 2 };
      await store.updateSchedule(changed, 1);
      await expect(store.updateSchedule({ ...a, version: 2 }, 1)).rejects.toBeInstanceOf(ConflictError);
      await expect(store.updateSchedule(sampleSchedule(), 1)).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.listSchedules({ projectId })).items.map((s) => s.id)).toEqual([a.id, b.id]);
      expect((await store.listSchedules({ projectId, paused: true })).items.map((s) => s.id)).toEqual([b.id]);
      const first = await store.listSchedules({ projectId, limit: 1 });
      expect(first.items.map((s) => s.id)).toEqual([a.id]);
      const second = await store.listSchedules({ projectId, limit: 1, cursor: first.nextCursor! });
      expect(second.items.map((s) => s.id)).toEqual([b.id]);
      expect(await store.deleteSchedule(a.id)).toBe(true);
      expect(await store.deleteSchedule(a.id)).toBe(false);
      expect(await store.getSchedule(a.id)).toBeUndefined();
    });

    it("writes a schedule change's audit entry with it, and none for a refused change", async () => {
      const store = current();
      const schedule = sampleSchedule();
      const entry = (action: "create" | "update" | "delete") =>
        auditEntry(
          {
            actor: "tester",
            action,
            entityType: "schedule",
            entityId: schedule.id,
            projectId: schedule.projectId,
          },
          new Date(),
        );
      await store.insertSchedule(schedule, entry("create"));
      await expect(store.insertSchedule(schedule, entry("create"))).rejects.toBeInstanceOf(ConflictError);
      await store.updateSchedule({ ...schedule, version: 2 }, 1, entry("update"));
      await expect(
        store.updateSchedule({ ...schedule, version: 3 }, 1, entry("update")),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.deleteSchedule(schedule.id, entry("delete"))).toBe(true);
      expect(await store.deleteSchedule(schedule.id, entry("delete"))).toBe(false);
      const actions = (await store.listAudit({ entityId: schedule.id })).items.map((e) => e.action);
      expect(actions).toEqual(["create", "update", "delete"]);
    });

    it("claims a tick once, takes over an expired or released one, and settles only for its holder", async () => {
      const store = current();
      const schedule = sampleSchedule();
      await store.insertSchedule(schedule);
      const tick = new Date("2026-03-29T01:00:00.000Z");
      const now = new Date("2026-03-29T01:00:00.050Z");
      const claim = { scheduleId: schedule.id, tick, leaseMs: 1000, now };
      const won = await store.claimScheduleTick({ ...claim, owner: "w1" });
      expect(won).toMatchObject({
        scheduleId: schedule.id,
        tick: tick.toISOString(),
        state: "PENDING",
        owner: "w1",
      });
      expect(won?.attempts).toBe(1);
      expect(await store.claimScheduleTick({ ...claim, owner: "w2" })).toBeUndefined();
      // w1 died: after its lease another worker takes the tick over.
      const later = new Date(now.getTime() + 1000);
      expect((await store.listClaimableScheduleFires(later, 10)).map((f) => f.scheduleId)).toContain(
        schedule.id,
      );
      const taken = await store.claimScheduleTick({ ...claim, owner: "w2", now: later });
      expect(taken).toMatchObject({ owner: "w2", attempts: 2 });
      expect(
        await store.settleScheduleTick({
          scheduleId: schedule.id,
          tick,
          owner: "w1",
          state: "FIRED",
          now: later,
        }),
      ).toBe(false);
      expect(
        await store.settleScheduleTick({
          scheduleId: schedule.id,
          tick,
          owner: "w2",
          state: "FIRED",
          runId: "run_1",
          now: later,
        }),
      ).toBe(true);
      expect(
        await store.claimScheduleTick({ ...claim, owner: "w3", now: new Date(later.getTime() + 60_000) }),
      ).toBe(undefined);
      const [fired] = await store.listScheduleFires(schedule.id);
      expect(fired).toMatchObject({
        state: "FIRED",
        runId: "run_1",
        attempts: 2,
        firedAt: later.toISOString(),
      });
      expect(fired?.owner).toBeUndefined();

      // A released tick stays PENDING and is claimable at once.
      const tick2 = new Date(tick.getTime() + 1000);
      await store.claimScheduleTick({ ...claim, tick: tick2, owner: "w1" });
      await store.releaseScheduleTick(schedule.id, tick2, "w1", "waits for run_1");
      const claimable = await store.listClaimableScheduleFires(now, 10);
      expect(claimable.find((f) => f.scheduleId === schedule.id)).toMatchObject({
        tick: tick2.toISOString(),
        reason: "waits for run_1",
      });
      expect(await store.claimScheduleTick({ ...claim, tick: tick2, owner: "w2" })).toMatchObject({
        owner: "w2",
      });

      const fires = await store.listScheduleFires(schedule.id);
      expect(fires.map((f) => f.tick)).toEqual([tick2.toISOString(), tick.toISOString()]);
      expect((await store.listScheduleFires(schedule.id, { from: tick2 })).map((f) => f.tick)).toEqual([
        tick2.toISOString(),
      ]);
      expect((await store.listScheduleFires(schedule.id, { state: "FIRED" })).map((f) => f.tick)).toEqual([
        tick.toISOString(),
      ]);
      await store.deleteSchedule(schedule.id);
      expect(await store.listScheduleFires(schedule.id)).toEqual([]);
    });

    it("prunes settled ticks beyond the most recent ones and before a time, never pending ones", async () => {
      const store = current();
      const schedule = sampleSchedule();
      const other = sampleSchedule();
      await store.insertSchedule(schedule);
      await store.insertSchedule(other);
      const t0 = Date.parse("2026-05-01T00:00:00.000Z");
      const tick = (s: number) => new Date(t0 + s * 1000);
      const fire = async (scheduleId: string, s: number, state?: "FIRED" | "SKIPPED" | "FAILED") => {
        await store.claimScheduleTick({
          scheduleId,
          tick: tick(s),
          owner: "w",
          leaseMs: 60_000,
          now: tick(s),
        });
        if (state !== undefined) {
          await store.settleScheduleTick({ scheduleId, tick: tick(s), owner: "w", state, now: tick(s) });
        }
      };
      // Ticks 1..8 settled (6..8 SKIPPED), tick 0 still pending; the other schedule's ticks too.
      await fire(schedule.id, 0);
      for (let s = 1; s <= 8; s += 1)
        await fire(schedule.id, s, s >= 6 ? "SKIPPED" : s === 3 ? "FAILED" : "FIRED");
      for (let s = 1; s <= 8; s += 1) await fire(other.id, s, "FIRED");
      const ticksOf = async (id: string) =>
        (await store.listScheduleFires(id, { limit: 100 })).map((f) => (Date.parse(f.tick) - t0) / 1000);

      // Keep 3 most recent settled; ticks at or after 4 s are kept anyway: 1..3 go.
      expect(await store.pruneScheduleFires(schedule.id, { keep: 3, before: tick(4) })).toBe(3);
      expect(await ticksOf(schedule.id)).toEqual([8, 7, 6, 5, 4, 0]);
      // Now the count rules: 6..8 stay, and 5, the last FIRED tick; the pending tick 0 stays.
      expect(await store.pruneScheduleFires(schedule.id, { keep: 3, before: tick(100) })).toBe(1);
      expect(await ticksOf(schedule.id)).toEqual([8, 7, 6, 5, 0]);
      // keep is at least 1: the latest settled tick always stays.
      expect(await store.pruneScheduleFires(schedule.id, { keep: 0, before: tick(100) })).toBe(2);
      expect(await ticksOf(schedule.id)).toEqual([8, 5, 0]);
      expect(await ticksOf(other.id)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    });

    it("lets exactly one of many concurrent claims of a tick win", async () => {
      const store = current();
      const schedule = sampleSchedule();
      await store.insertSchedule(schedule);
      const tick = new Date("2026-01-01T00:00:00.000Z");
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.claimScheduleTick({
            scheduleId: schedule.id,
            tick,
            owner: `w${i}`,
            leaseMs: 30_000,
            now: tick,
          }),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });
  });
}
