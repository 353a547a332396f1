import { describe, expect, it } from "vitest";
import type { ParkedRecord, Store } from "../store/types";
import { sampleRun } from "./fixtures";

/** A parked record of `runId` at `position`, due at `dueAt`. */
function parkedOf(runId: string, blueprintId: string, position: number, dueAt: string): ParkedRecord {
  return {
    id: `${runId}.${position}`,
    runId,
    blueprintId,
    position,
    batch: 0,
    stepIndex: 2,
    step: "send",
    recordKey: `p-${position}`,
    key: `p-${position}`,
    record: { id: `p-${position}`, nested: { amount: position } },
    value: { ref: `p-${position}` },
    attempts: 3,
    dueAt,
    parkedAt: "2026-01-01T00:00:00.000Z",
    error: { code: "CONNECTOR_FAILED", message: "target answered 503", retryable: true },
  };
}

/** The parked-record part of the store contract (issue 20); `testStore` runs it on every store. */
export function describeParkedRecordStore(current: () => Store): void {
  describe("parked records", () => {
    const at = (iso: string): Date => new Date(iso);

    it("parks, lists soonest due first, and replaces a record parked again", async () => {
      const store = current();
      const run = sampleRun("bp_parked", "prj_parked");
      await store.insertRun(run);
      const late = parkedOf(run.id, run.blueprintId, 1, "2026-01-01T02:00:00.000Z");
      const soon = parkedOf(run.id, run.blueprintId, 2, "2026-01-01T00:05:00.000Z");
      await store.parkRecord(late);
      await store.parkRecord(soon);
      expect(await store.listParkedRecords(run.id)).toEqual([soon, late]);
      const again = { ...late, attempts: 4, dueAt: "2026-01-01T05:00:00.000Z" };
      await store.parkRecord(again);
      expect((await store.listParkedRecords(run.id)).map((p) => [p.position, p.attempts, p.dueAt])).toEqual([
        [2, 3, soon.dueAt],
        [1, 4, again.dueAt],
      ]);
      expect(await store.listParkedRecords("run_other")).toEqual([]);
    });

    it("claims only due, free records, each once across concurrent claims, and frees them on release or lease expiry", async () => {
      const store = current();
      const run = sampleRun("bp_parked", "prj_parked");
      await store.insertRun(run);
      for (let position = 0; position < 10; position += 1) {
        await store.parkRecord(
          parkedOf(run.id, run.blueprintId, position, `2020-01-01T00:0${position}:00.000Z`),
        );
      }
      const now = at("2020-01-01T00:05:30.000Z"); // positions 0..5 are due
      const claim = (owner: string) => store.claimDueParkedRecords({ owner, leaseMs: 60_000, now, limit: 4 });
      const [a, b] = await Promise.all([claim("a"), claim("b")]);
      // (Dated before every other test's records, which the store shares: only these are due.)
      const claimed = [...a, ...b].map((p) => p.position).sort();
      expect(claimed).toEqual([0, 1, 2, 3, 4, 5]);
      expect([...a, ...b].every((p) => p.lease !== undefined)).toBe(true);
      expect(await claim("c")).toEqual([]);
      // A record claimed by id: only when free, even for the owner of its lease.
      expect(
        await store.claimParkedRecord(`${run.id}.9`, { owner: "c", leaseMs: 60_000, now }),
      ).toMatchObject({
        position: 9,
        lease: { owner: "c" },
      });
      expect(
        await store.claimParkedRecord(`${run.id}.9`, { owner: "d", leaseMs: 60_000, now }),
      ).toBeUndefined();
      expect(
        await store.claimParkedRecord(`${run.id}.9`, { owner: "c", leaseMs: 60_000, now }),
      ).toBeUndefined();
      const first = a[0]!;
      await store.releaseParkedRecord(first.id, "not-the-owner");
      expect(await claim("e")).toEqual([]);
      await store.releaseParkedRecord(first.id, first.lease!.owner);
      expect((await claim("e")).map((p) => p.position)).toEqual([first.position]);
      const later = at("2020-01-01T00:07:00.000Z"); // every lease of 60 s from 00:05:30 ran out; 0..7 due
      const retaken = await store.claimDueParkedRecords({
        owner: "f",
        leaseMs: 60_000,
        now: later,
        limit: 100,
      });
      expect(retaken.map((p) => p.position).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it("renews a claim for its owner only, so a renewed record is not claimed when the first lease would have ended", async () => {
      const store = current();
      const run = sampleRun("bp_parked", "prj_parked");
      await store.insertRun(run);
      const parked = parkedOf(run.id, run.blueprintId, 0, "2020-01-01T00:00:00.000Z");
      await store.parkRecord(parked);
      const claimedAt = at("2020-01-01T00:01:00.000Z");
      expect(
        await store.claimParkedRecord(parked.id, { owner: "a", leaseMs: 60_000, now: claimedAt }),
      ).toBeDefined();
      const renewal = { leaseMs: 60_000, now: at("2020-01-01T00:01:50.000Z") };
      expect(await store.renewParkedRecord(parked.id, { owner: "b", ...renewal })).toBe(false);
      expect(await store.renewParkedRecord(parked.id, { owner: "a", ...renewal })).toBe(true);
      // The first lease ended at 00:02:00; the renewed one holds until 00:02:50.
      const claim = (now: string) =>
        store.claimDueParkedRecords({ owner: "c", leaseMs: 60_000, now: at(now), limit: 10 });
      expect(await claim("2020-01-01T00:02:30.000Z")).toEqual([]);
      expect((await claim("2020-01-01T00:03:00.000Z")).map((p) => p.id)).toEqual([parked.id]);
      expect(await store.renewParkedRecord("run_other.0", { owner: "a", ...renewal })).toBe(false);
    });

    it("settles a record atomically with its run, only for the lease owner and only once", async () => {
      const store = current();
      const run = sampleRun("bp_parked", "prj_parked");
      await store.insertRun({ ...run, counts: { ...run.counts, total: 1, parked: 1 } });
      const parked = parkedOf(run.id, run.blueprintId, 0, "2026-01-01T00:00:00.000Z");
      await store.parkRecord(parked);
      const now = at("2026-01-01T00:00:01.000Z");
      await store.claimParkedRecord(parked.id, { owner: "a", leaseMs: 60_000, now });
      const settle = (current: typeof run): typeof run => ({
        ...current,
        counts: {
          ...current.counts,
          parked: current.counts.parked - 1,
          completed: current.counts.completed + 1,
        },
      });
      expect(await store.settleParkedRecord(parked.id, "b", settle)).toBeUndefined();
      const [one, two] = await Promise.all([
        store.settleParkedRecord(parked.id, "a", settle),
        store.settleParkedRecord(parked.id, "a", settle),
      ]);
      expect([one, two].filter((r) => r !== undefined)).toHaveLength(1);
      const stored = await store.getRun(run.id);
      expect(stored).toMatchObject({ version: run.version + 1, counts: { parked: 0, completed: 1 } });
      expect(await store.listParkedRecords(run.id)).toEqual([]);
    });

    it("makes a run's records (or one record) due now and deletes a run's records", async () => {
      const store = current();
      const run = sampleRun("bp_parked", "prj_parked");
      await store.insertRun(run);
      await store.parkRecord(parkedOf(run.id, run.blueprintId, 0, "2026-01-01T05:00:00.000Z"));
      await store.parkRecord(parkedOf(run.id, run.blueprintId, 1, "2026-01-01T06:00:00.000Z"));
      const now = at("2026-01-01T00:00:00.000Z");
      const one = await store.makeParkedRecordsDue(run.id, now, "p-1");
      expect(one.map((p) => [p.position, p.dueAt])).toEqual([[1, now.toISOString()]]);
      expect((await store.listParkedRecords(run.id)).map((p) => [p.position, p.dueAt])).toEqual([
        [1, now.toISOString()],
        [0, "2026-01-01T05:00:00.000Z"],
      ]);
      expect((await store.makeParkedRecordsDue(run.id, now)).map((p) => p.position).sort()).toEqual([0, 1]);
      const removed = await store.deleteParkedRecords(run.id);
      expect(removed.map((p) => p.position).sort()).toEqual([0, 1]);
      expect(removed.find((p) => p.position === 0)?.record).toEqual({ id: "p-0", nested: { amount: 0 } });
      expect(await store.listParkedRecords(run.id)).toEqual([]);
    });
  });
}
