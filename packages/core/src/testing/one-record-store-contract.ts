import { describe, expect, it } from "vitest";
import { ConflictError } from "../errors";
import type { NewRunEvent } from "../model/run";
import type { IdempotencyClaim, OneRecordStart, OneRecordStarted, Store } from "../store/types";
import { sampleAudit, sampleBlueprint, sampleProject, sampleRun } from "./fixtures";

const NOW = new Date("2026-03-01T10:00:00.000Z");
const event = (type: string): NewRunEvent => ({ at: NOW.toISOString(), level: "info", type, data: { type } });
const claimOf = (runId: string, scope: string, key: string): IdempotencyClaim => ({
  scope,
  key,
  payloadHash: "h1",
  owner: `${runId}/0`,
  leaseMs: 60_000,
  ttlMs: 3_600_000,
  now: NOW,
});
const oneCompleted = { ...sampleRun("x", "y").counts, total: 1, completed: 1 };
/** Worker w1's start of a run, logging run.started. */
const startOf = (runId: string, extra: Partial<OneRecordStart> = {}): OneRecordStart => ({
  runId,
  owner: "w1",
  leaseMs: 30_000,
  now: NOW,
  events: [event("run.started")],
  ...extra,
});
/** A start's result when it took the run (undefined otherwise). */
const took = (
  started: OneRecordStarted | "refsChanged" | "notApproved" | undefined,
): OneRecordStarted | undefined =>
  started === "refsChanged" || started === "notApproved" ? undefined : started;

/**
 * The one-record part of the store contract (issue 21), for stores that offer `oneRecordRuns`:
 * each method makes the same state change the batch path makes in several calls.
 */
export function describeOneRecordRunStore(current: () => Store): void {
  describe("one-record runs", () => {
    /** An approved blueprint at revision 1, and a QUEUED run of it created the one-record way. */
    const created = async () => {
      const store = current();
      const one = store.oneRecordRuns;
      if (one === undefined) return undefined;
      const project = sampleProject();
      await store.insertProject(project, sampleAudit({ entityId: project.id }));
      const { blueprint, revision } = sampleBlueprint(project.id);
      await store.insertBlueprint(
        { ...blueprint, status: "APPROVED", approvedRevision: 1 },
        revision,
        sampleAudit({ entityId: blueprint.id }),
      );
      const run = sampleRun(blueprint.id, project.id, {
        counts: { ...sampleRun("x", "y").counts, total: 1 },
      });
      expect(await one.createOneRecordRun(run, { id: "r1", amount: 2 })).toBe(true);
      return { store, one, run, blueprint };
    };

    it("creates the run and its one batch, guarded by the approved revision", async () => {
      const made = await created();
      if (made === undefined) return;
      const { store, one, run, blueprint } = made;
      expect(await store.getRun(run.id)).toEqual(run);
      expect(await store.listRunBatches(run.id)).toEqual([
        { runId: run.id, index: 0, firstPosition: 0, size: 1, state: "PENDING", attempts: 0 },
      ]);
      await expect(one.createOneRecordRun(run, {})).rejects.toBeInstanceOf(ConflictError);
      const stale = sampleRun(blueprint.id, run.projectId, { revision: 2 });
      expect(await one.createOneRecordRun(stale, {})).toBe(false);
      expect(await store.getRun(stale.id)).toBeUndefined();
      expect(await store.listRunBatches(stale.id)).toEqual([]);
    });

    it("creates a run started: the rows create then start leave, in one write", async () => {
      const made = await created();
      const createStarted = made?.one.createStartedOneRecordRun?.bind(made.one);
      if (made === undefined || createStarted === undefined) return;
      const { store, one, run: split, blueprint } = made;
      const claimed = took(
        await one.startOneRecordRun(startOf(split.id, { claim: claimOf(split.id, "s", "k1") })),
      );
      const run = sampleRun(blueprint.id, split.projectId, { counts: split.counts });
      const { runId: _, ...start } = startOf(run.id, { claim: claimOf(run.id, "s", "k2") });
      const started = took(await createStarted(run, { id: "r1", amount: 2 }, start));
      expect(started?.claim?.outcome).toBe("claimed");
      const [splitRun, startedRun] = [await store.getRun(split.id), await store.getRun(run.id)];
      expect({ ...startedRun, id: split.id }).toEqual(splitRun);
      const batches = async (id: string) =>
        (await store.listRunBatches(id)).map(({ runId: _, ...batch }) => batch);
      expect(await batches(run.id)).toEqual(await batches(split.id));
      expect(await store.listRunBatches(run.id)).toMatchObject([
        { state: "PENDING", attempts: 1, lease: { owner: "w1" } },
      ]);
      const events = async (id: string) =>
        (await store.listRunEvents(id)).map((e) => [e.seq, e.type, e.level]);
      expect(await events(run.id)).toEqual(await events(split.id));
      // The same record but for its key and owner.
      const record = async (key: string) => ({
        ...(await store.getIdempotencyRecord("s", key)),
        key: "",
        leaseOwner: "",
      });
      expect(await record("k2")).toEqual(await record("k1"));
      expect((await store.getIdempotencyRecord("s", "k2"))?.leaseOwner).toBe(`${run.id}/0`);
      expect(started?.claim?.record).toEqual(await store.getIdempotencyRecord("s", "k2"));
      expect(claimed?.claim?.outcome).toBe("claimed");
      // The id exists: a conflict, nothing written twice.
      await expect(createStarted(run, {}, start)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.listRunEvents(run.id)).toHaveLength(1);
      // The revision is no longer the approved one: nothing written.
      const stale = sampleRun(blueprint.id, run.projectId, { revision: 2 });
      expect(await createStarted(stale, {}, start)).toBe("notApproved");
      expect(await store.getRun(stale.id)).toBeUndefined();
      expect(await store.listRunBatches(stale.id)).toEqual([]);
      // A plan bound at a ref version that is gone: nothing written either.
      const unknownRef = { connectorRefs: [{ id: "con_unknown", version: 1 }] };
      const other = sampleRun(blueprint.id, run.projectId);
      expect(await createStarted(other, {}, { ...start, ...unknownRef })).toBe("refsChanged");
      expect(await store.getRun(other.id)).toBeUndefined();
      expect(await store.listRunEvents(other.id)).toEqual([]);
    });

    it("starts: leases the batch, moves the run to RUNNING, claims a new key, logs run.started", async () => {
      const made = await created();
      if (made === undefined) return;
      const { store, one, run } = made;
      const claim = claimOf(run.id, run.blueprintId, "k-new");
      const started = took(await one.startOneRecordRun(startOf(run.id, { claim })));
      expect(started).toBeDefined();
      expect(await store.getRun(run.id)).toMatchObject({
        status: "RUNNING",
        startedAt: NOW.toISOString(),
        version: 2,
      });
      const [batch] = await store.listRunBatches(run.id);
      expect(batch).toMatchObject({ index: 0, attempts: 1 });
      expect(batch?.lease?.owner).toBe("w1");
      expect(started?.claim?.outcome).toBe("claimed");
      expect(await store.getIdempotencyRecord(run.blueprintId, "k-new")).toEqual(started?.claim?.record);
      expect((await store.listRunEvents(run.id)).map((e) => [e.seq, e.type])).toEqual([[1, "run.started"]]);
      // Not QUEUED any more: nothing is taken twice.
      const again = { runId: run.id, owner: "w2", leaseMs: 30_000, now: NOW, events: [event("run.started")] };
      expect(await one.startOneRecordRun(again)).toBeUndefined();
      expect(await store.listRunEvents(run.id)).toHaveLength(1);
    });

    it("starts without claiming a key that exists: the caller decides it", async () => {
      const made = await created();
      if (made === undefined) return;
      const { store, one, run } = made;
      const existing = await store.claimIdempotencyKey({ ...claimOf("other", run.blueprintId, "k-old") });
      const claim = claimOf(run.id, run.blueprintId, "k-old");
      const started = took(await one.startOneRecordRun(startOf(run.id, { claim })));
      expect(started).toEqual({});
      expect((await store.getRun(run.id))?.status).toBe("RUNNING");
      expect(await store.getIdempotencyRecord(run.blueprintId, "k-old")).toEqual(existing.record);
    });

    // issue 21: a plan kept across runs is checked by the start against its refs' versions.
    it("versions connector refs; a start bound at other versions writes nothing", async () => {
      const made = await created();
      if (made === undefined) return;
      const { store, one, run } = made;
      const ref = {
        id: `con_v_${run.id}`,
        projectId: run.projectId,
        type: "http",
        name: "Target",
        config: {},
        secrets: {},
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      };
      await store.putConnectorRef(ref, sampleAudit({ entityId: ref.id }));
      const [bound] = await one.connectorRefVersions([ref.id, "con_unknown"]);
      expect(bound?.id).toBe(ref.id);
      await store.putConnectorRef({ ...ref, name: "Renamed" }, sampleAudit({ entityId: ref.id }));
      const [current] = await one.connectorRefVersions([ref.id]);
      expect(current!.version).toBeGreaterThan(bound!.version);
      for (const stale of [[bound!], [current!, { id: "con_unknown", version: 1 }]]) {
        expect(await one.startOneRecordRun(startOf(run.id, { connectorRefs: stale }))).toBe("refsChanged");
      }
      expect((await store.getRun(run.id))?.status).toBe("QUEUED");
      expect((await store.listRunBatches(run.id))[0]).toMatchObject({ state: "PENDING", attempts: 0 });
      expect(await store.listRunEvents(run.id)).toEqual([]);
      expect(took(await one.startOneRecordRun(startOf(run.id, { connectorRefs: [current!] })))).toEqual({});
      expect((await store.getRun(run.id))?.status).toBe("RUNNING");
      await store.deleteConnectorRef(ref.id, sampleAudit({ entityId: ref.id }));
      expect(await one.connectorRefVersions([ref.id])).toEqual([]);
    });

    it("finishes: completes the key, the batch and the run, logs after what is there", async () => {
      const made = await created();
      if (made === undefined) return;
      const { store, one, run } = made;
      const claim = claimOf(run.id, run.blueprintId, "k-fin");
      await one.startOneRecordRun(startOf(run.id, { claim }));
      await store.appendRunEvents(run.id, [event("record.note")]);
      const later = new Date(NOW.getTime() + 1_000);
      const finished = await one.finishOneRecordRun({
        runId: run.id,
        owner: "w1",
        now: later,
        completion: {
          scope: run.blueprintId,
          key: "k-fin",
          owner: claim.owner,
          now: later,
          result: { outcome: "completed" },
        },
        batchCounts: { ...oneCompleted, total: 0 },
        counts: oneCompleted,
        status: "SUCCEEDED",
        events: [event("run.finished")],
      });
      expect(finished.outcome).toBe("finished");
      const stored = await store.getRun(run.id);
      expect(finished.outcome === "finished" ? finished.run : undefined).toEqual(stored);
      expect(stored).toMatchObject({
        status: "SUCCEEDED",
        counts: oneCompleted,
        finishedAt: later.toISOString(),
        version: 3,
      });
      expect((await store.listRunBatches(run.id))[0]).toMatchObject({
        state: "DONE",
        counts: { completed: 1 },
      });
      expect((await store.listRunBatches(run.id))[0]?.lease).toBeUndefined();
      const key = await store.getIdempotencyRecord(run.blueprintId, "k-fin");
      expect(key).toMatchObject({
        state: "COMPLETED",
        finishedBy: claim.owner,
        result: { outcome: "completed" },
      });
      expect((await store.listRunEvents(run.id)).map((e) => [e.seq, e.type, e.runId])).toEqual([
        [1, "run.started", run.id],
        [2, "record.note", run.id],
        [3, "run.finished", run.id],
      ]);
    });

    it("writes nothing when the key was lost; keeps a cancelled run's status", async () => {
      const made = await created();
      if (made === undefined) return;
      const { store, one, run } = made;
      await one.startOneRecordRun(startOf(run.id));
      const base = {
        runId: run.id,
        owner: "w1",
        now: NOW,
        batchCounts: oneCompleted,
        counts: oneCompleted,
        status: "SUCCEEDED" as const,
        events: [event("run.finished")],
      };
      const lost = await one.finishOneRecordRun({
        ...base,
        completion: { scope: run.blueprintId, key: "never-claimed", owner: `${run.id}/0`, now: NOW },
      });
      expect(lost).toEqual({ outcome: "keyLost" });
      expect((await store.listRunBatches(run.id))[0]?.state).toBe("PENDING");
      expect(await store.listRunEvents(run.id)).toHaveLength(1);
      expect(await one.finishOneRecordRun({ ...base, owner: "w2" })).toEqual({ outcome: "batchLost" });
      const running = await store.getRun(run.id);
      await store.updateRun(
        { ...running!, status: "CANCELLED", version: running!.version + 1 },
        running!.version,
      );
      const finished = await one.finishOneRecordRun(base);
      expect(finished.outcome === "finished" ? finished.run.status : finished.outcome).toBe("CANCELLED");
      expect((await store.getRun(run.id))?.counts).toEqual(oneCompleted);
    });
  });
}
