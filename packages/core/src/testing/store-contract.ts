import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, LeaseLostError, NotFoundError, SynapseError } from "../errors";
import { newId } from "../ids";
import { type DeadLetterFilter, RUN_EVENT_PAYLOAD, type RunFilter, type Store } from "../store/types";
import { connectionStoreContract } from "./_connection-store-contract";
import {
  sampleAudit,
  sampleBlueprint,
  sampleProject,
  sampleRun,
  sampleTestRun,
  sampleTrace,
} from "./fixtures";
import { describeOneRecordRunStore } from "./one-record-store-contract";
import { describeParkedRecordStore } from "./parked-store-contract";
import { describeScheduleStore } from "./schedule-store-contract";

/** Options of {@link testStore}. */
export interface StoreContractOptions {
  /** Skip the whole suite with this reason (a service is not reachable). */
  skip?: string | false;
}

/**
 * The contract every {@link Store} implementation must pass. Call it from the implementation's
 * test file with a factory for a fresh, empty store; the same tests run against every store so
 * implementations cannot drift.
 *
 * @example
 * ```ts
 * testStore("memory", () => memoryStore());
 * ```
 */
export function testStore(
  name: string,
  makeStore: () => Promise<Store> | Store,
  options: StoreContractOptions = {},
): void {
  describe.skipIf(Boolean(options.skip))(`store contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    describeScheduleStore(() => store);
    describeParkedRecordStore(() => store);
    describeOneRecordRunStore(() => store);

    describe("projects", () => {
      it("inserts, reads and lists with cursor pagination", async () => {
        const created: ReturnType<typeof sampleProject>[] = [];
        for (let i = 0; i < 5; i += 1) {
          const project = sampleProject({ name: `p${i}` });
          await store.insertProject(project, sampleAudit({ entityId: project.id }));
          created.push(project);
        }
        expect(await store.getProject(created[2]!.id)).toEqual(created[2]);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listProjects({ limit: 2, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((p) => p.id));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        const ours = seen.filter((id) => created.some((p) => p.id === id));
        expect(ours).toEqual(created.map((p) => p.id));
        expect(new Set(seen).size).toBe(seen.length);
      });

      it("rejects a duplicate id without writing its audit entry", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit({ entityId: project.id }));
        await expect(
          store.insertProject(project, sampleAudit({ entityId: project.id })),
        ).rejects.toBeInstanceOf(ConflictError);
        const audit = await store.listAudit({ entityId: project.id });
        expect(audit.items).toHaveLength(1);
      });

      it("updates an existing project and refuses an unknown one", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit({ entityId: project.id }));
        await store.updateProject(
          { ...project, name: "renamed" },
          sampleAudit({ entityId: project.id, action: "update" }),
        );
        expect((await store.getProject(project.id))?.name).toBe("renamed");
        await expect(store.updateProject(sampleProject(), sampleAudit())).rejects.toBeInstanceOf(
          NotFoundError,
        );
      });

      it("returns undefined for an unknown id and rejects a foreign cursor", async () => {
        expect(await store.getProject("prj_missing")).toBeUndefined();
        await expect(store.listProjects({ cursor: "not-a-cursor" })).rejects.toMatchObject({
          code: "CURSOR_INVALID",
        });
        await expect(store.listProjects({ limit: 0 })).rejects.toBeInstanceOf(SynapseError);
      });

      it("returns copies: mutating a result does not change the store", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit({ entityId: project.id }));
        const read = await store.getProject(project.id);
        read!.name = "mutated";
        expect((await store.getProject(project.id))?.name).toBe(project.name);
      });
    });

    describe("environments and connector refs", () => {
      it("puts, replaces, lists and deletes environments per project", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit());
        const base = { projectId: project.id, kind: "sandbox" as const, variables: {}, secrets: {} };
        const times = { createdAt: project.createdAt, updatedAt: project.updatedAt };
        await store.putEnvironment({ ...base, ...times, name: "sandbox" }, sampleAudit());
        await store.putEnvironment({ ...base, ...times, name: "uat", variables: { a: "1" } }, sampleAudit());
        await store.putEnvironment({ ...base, ...times, name: "uat", variables: { a: "2" } }, sampleAudit());
        const list = await store.listEnvironments(project.id);
        expect(list.map((env) => env.name)).toEqual(["sandbox", "uat"]);
        expect((await store.getEnvironment(project.id, "uat"))?.variables).toEqual({ a: "2" });
        await store.deleteEnvironment(project.id, "uat", sampleAudit({ action: "delete" }));
        expect(await store.getEnvironment(project.id, "uat")).toBeUndefined();
        await expect(store.deleteEnvironment(project.id, "uat", sampleAudit())).rejects.toBeInstanceOf(
          NotFoundError,
        );
      });

      it("puts, lists and deletes connector refs", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit());
        const ref = {
          id: newId("con"),
          projectId: project.id,
          type: "http",
          name: "ERP",
          config: { baseUrl: "http://127.0.0.1:1" },
          secrets: { token: "ERP_TOKEN" },
          createdAt: project.createdAt,
          updatedAt: project.updatedAt,
        };
        await store.putConnectorRef(ref, sampleAudit());
        expect(await store.getConnectorRef(ref.id)).toEqual(ref);
        expect(await store.listConnectorRefs(project.id)).toEqual([ref]);
        await store.deleteConnectorRef(ref.id, sampleAudit());
        expect(await store.listConnectorRefs(project.id)).toEqual([]);
        await expect(store.deleteConnectorRef(ref.id, sampleAudit())).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe("blueprints and revisions", () => {
      it("inserts a blueprint with its first revision and lists by status", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit());
        const { blueprint, revision } = sampleBlueprint(project.id);
        await store.insertBlueprint(
          blueprint,
          revision,
          sampleAudit({ entityId: blueprint.id, entityType: "blueprint" }),
        );
        expect(await store.getBlueprint(blueprint.id)).toEqual(blueprint);
        expect(await store.getRevision(blueprint.id, 1)).toEqual(revision);
        expect((await store.listBlueprints(project.id)).items).toEqual([blueprint]);
        expect((await store.listBlueprints(project.id, { status: "APPROVED" })).items).toEqual([]);
        await expect(store.insertBlueprint(blueprint, revision, sampleAudit())).rejects.toBeInstanceOf(
          ConflictError,
        );
      });

      it("saves with compare-and-set on version and appends revisions", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit());
        const { blueprint, revision } = sampleBlueprint(project.id);
        await store.insertBlueprint(blueprint, revision, sampleAudit());
        const next = { ...blueprint, revision: 2, version: 2, contentHash: "sha256:2" };
        const revision2 = { ...revision, revision: 2, contentHash: "sha256:2" };
        await store.saveBlueprint({
          blueprint: next,
          expectedVersion: 1,
          revision: revision2,
          audit: sampleAudit(),
        });
        expect((await store.getBlueprint(blueprint.id))?.revision).toBe(2);

        const auditBefore = (await store.listAudit({ entityId: blueprint.id })).items.length;
        const stale = { ...blueprint, revision: 3, version: 2, name: "stale" };
        await expect(
          store.saveBlueprint({
            blueprint: stale,
            expectedVersion: 1,
            revision: { ...revision, revision: 3 },
            audit: sampleAudit({ entityId: blueprint.id }),
          }),
        ).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getBlueprint(blueprint.id)).toEqual(next);
        expect(await store.getRevision(blueprint.id, 3)).toBeUndefined();
        expect((await store.listAudit({ entityId: blueprint.id })).items.length).toBe(auditBefore);

        const pages = await store.listRevisions(blueprint.id, { limit: 1 });
        expect(pages.items.map((r) => r.revision)).toEqual([1]);
        const rest = await store.listRevisions(blueprint.id, { limit: 1, cursor: pages.nextCursor! });
        expect(rest.items.map((r) => r.revision)).toEqual([2]);
        expect(rest.nextCursor).toBeUndefined();
      });

      it("refuses to save an unknown blueprint", async () => {
        const { blueprint } = sampleBlueprint("prj_none");
        await expect(
          store.saveBlueprint({ blueprint, expectedVersion: 1, audit: sampleAudit() }),
        ).rejects.toBeInstanceOf(NotFoundError);
      });

      it("lets exactly one of two concurrent saves of the same version win", async () => {
        const project = sampleProject();
        await store.insertProject(project, sampleAudit());
        const { blueprint, revision } = sampleBlueprint(project.id);
        await store.insertBlueprint(blueprint, revision, sampleAudit());
        const attempt = (name: string) =>
          store.saveBlueprint({
            blueprint: { ...blueprint, name, revision: 2, version: 2 },
            expectedVersion: 1,
            revision: { ...revision, revision: 2, author: name },
            audit: sampleAudit({ entityId: blueprint.id }),
          });
        const results = await Promise.allSettled([attempt("a"), attempt("b")]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(ConflictError);
        const stored = await store.getBlueprint(blueprint.id);
        expect((await store.getRevision(blueprint.id, 2))?.author).toBe(stored?.name);
      });
    });

    describe("audit and artifacts", () => {
      it("filters the audit log by entity and project", async () => {
        const projectId = newId("prj");
        const a = sampleAudit({ entityId: "e1", projectId });
        const b = sampleAudit({ entityId: "e2", projectId });
        const project = sampleProject({ id: projectId });
        await store.insertProject(project, a);
        await store.updateProject(project, b);
        expect((await store.listAudit({ projectId })).items.map((e) => e.id)).toEqual([a.id, b.id]);
        expect((await store.listAudit({ entityId: "e2", projectId })).items).toEqual([b]);
      });

      it("stores and lists artifacts per blueprint", async () => {
        const blueprintId = newId("bp");
        const artifact = {
          id: newId("art"),
          blueprintId,
          revision: 1,
          kind: "bundle",
          files: [{ path: "openapi.json", sha256: "a".repeat(64), size: 10 }],
          sha256: "b".repeat(64),
          createdAt: new Date().toISOString(),
        };
        await store.insertArtifact(artifact, sampleAudit());
        expect(await store.getArtifact(artifact.id)).toEqual(artifact);
        expect((await store.listArtifacts(blueprintId)).items).toEqual([artifact]);
        await expect(store.insertArtifact(artifact, sampleAudit())).rejects.toBeInstanceOf(ConflictError);
      });
    });

    describe("run batches", () => {
      const zero = {
        total: 0,
        completed: 0,
        failed: 0,
        filtered: 0,
        duplicates: 0,
        rejected: 0,
        deadLettered: 0,
        waiting: 0,
        parked: 0,
      };
      it("stores a run's records in batches and refuses a batch index twice", async () => {
        const run = sampleRun(newId("bp"), "prj_x");
        await store.insertRun(run);
        await store.insertRunBatches(run.id, [
          { index: 0, firstPosition: 0, records: [{ id: "a" }, { id: "b" }] },
          { index: 1, firstPosition: 2, records: [{ id: "c", nested: { n: [1, null] } }] },
        ]);
        await expect(
          store.insertRunBatches(run.id, [{ index: 1, firstPosition: 9, records: [] }]),
        ).rejects.toBeInstanceOf(ConflictError);
        const listed = await store.listRunBatches(run.id);
        expect(listed).toEqual([
          { runId: run.id, index: 0, firstPosition: 0, size: 2, state: "PENDING", attempts: 0 },
          { runId: run.id, index: 1, firstPosition: 2, size: 1, state: "PENDING", attempts: 0 },
        ]);
        const claimed = await store.claimRunBatch({
          runId: run.id,
          index: 1,
          owner: "w1",
          leaseMs: 1000,
          now: new Date(),
        });
        expect(claimed?.records).toEqual([{ id: "c", nested: { n: [1, null] } }]);
        expect(await store.listRunBatches("run_unknown")).toEqual([]);
      });

      it("leases a batch to one worker until it expires, renews and releases it", async () => {
        const run = sampleRun(newId("bp"), "prj_x");
        await store.insertRun(run);
        await store.insertRunBatches(run.id, [{ index: 0, firstPosition: 0, records: [1] }]);
        const now = new Date();
        const lease = { runId: run.id, index: 0, leaseMs: 1000, now };
        const a = await store.claimRunBatch({ ...lease, owner: "a" });
        expect(a).toMatchObject({ attempts: 1, lease: { owner: "a" } });
        expect(await store.claimRunBatch({ ...lease, owner: "b" })).toBeUndefined();
        expect(
          await store.renewRunBatchLease({ ...lease, owner: "a", now: new Date(now.getTime() + 900) }),
        ).toBe(true);
        expect(
          await store.claimRunBatch({ ...lease, owner: "b", now: new Date(now.getTime() + 1001) }),
        ).toBeUndefined();
        const late = new Date(now.getTime() + 2000);
        const b = await store.claimRunBatch({ ...lease, owner: "b", now: late });
        expect(b).toMatchObject({ attempts: 2, lease: { owner: "b" } });
        expect(await store.renewRunBatchLease({ ...lease, owner: "a", now: late })).toBe(false);
        await store.releaseRunBatch(run.id, 0, "a");
        expect((await store.listRunBatches(run.id))[0]?.lease?.owner).toBe("b");
        await store.releaseRunBatch(run.id, 0, "b");
        expect((await store.listRunBatches(run.id))[0]?.lease).toBeUndefined();
        expect(await store.claimRunBatch({ ...lease, owner: "c", now: late })).toMatchObject({ attempts: 3 });
      });

      it("completes a batch with the run's change atomically, once, and only for its owner", async () => {
        const run = sampleRun(newId("bp"), "prj_x");
        await store.insertRun(run);
        await store.insertRunBatches(run.id, [
          { index: 0, firstPosition: 0, records: [1] },
          { index: 1, firstPosition: 1, records: [2] },
        ]);
        const now = new Date();
        await store.claimRunBatch({ runId: run.id, index: 0, owner: "a", leaseMs: 1000, now });
        await store.claimRunBatch({ runId: run.id, index: 1, owner: "b", leaseMs: 1000, now });
        const counts = { ...zero, total: 1, completed: 1 };
        const add = (current: typeof run): typeof run => ({
          ...current,
          counts: { ...current.counts, completed: current.counts.completed + 1 },
        });
        expect(
          await store.completeRunBatch({ runId: run.id, index: 0, owner: "b", counts, now }, add),
        ).toBeUndefined();
        const first = await store.completeRunBatch({ runId: run.id, index: 0, owner: "a", counts, now }, add);
        expect(first?.remaining).toBe(1);
        expect(first?.run).toMatchObject({ version: 2, counts: { completed: 1 } });
        expect(
          await store.completeRunBatch({ runId: run.id, index: 0, owner: "a", counts, now }, add),
        ).toBeUndefined();
        const [second, again] = await Promise.all([
          store.completeRunBatch({ runId: run.id, index: 1, owner: "b", counts, now }, add),
          store.completeRunBatch({ runId: run.id, index: 1, owner: "b", counts, now }, add),
        ]);
        expect([second?.remaining, again?.remaining].filter((r) => r !== undefined)).toEqual([0]);
        expect(await store.getRun(run.id)).toMatchObject({ version: 3, counts: { completed: 2 } });
        const batches = await store.listRunBatches(run.id);
        expect(batches.map((b) => [b.state, b.counts?.completed, b.lease])).toEqual([
          ["DONE", 1, undefined],
          ["DONE", 1, undefined],
        ]);
        expect(
          await store.claimRunBatch({ runId: run.id, index: 0, owner: "a", leaseMs: 1000, now }),
        ).toBeUndefined();
      });
    });

    describe("runs and events", () => {
      it("inserts, updates with compare-and-set and lists newest first", async () => {
        const blueprintId = newId("bp");
        const first = sampleRun(blueprintId, "prj_x");
        const second = sampleRun(blueprintId, "prj_x");
        await store.insertRun(first);
        await store.insertRun(second);
        await expect(store.insertRun(first)).rejects.toBeInstanceOf(ConflictError);
        const running = { ...first, status: "RUNNING" as const, version: 2 };
        await store.updateRun(running, 1);
        await expect(store.updateRun({ ...first, version: 2 }, 1)).rejects.toBeInstanceOf(ConflictError);
        await expect(store.updateRun(sampleRun(blueprintId, "prj_x"), 1)).rejects.toBeInstanceOf(
          NotFoundError,
        );
        const page = await store.listRuns({ blueprintId, limit: 1 });
        expect(page.items.map((r) => r.id)).toEqual([second.id]);
        const next = await store.listRuns({ blueprintId, limit: 1, cursor: page.nextCursor! });
        expect(next.items).toEqual([running]);
        expect((await store.listRuns({ blueprintId, status: "RUNNING" })).items.map((r) => r.id)).toEqual([
          first.id,
        ]);
      });

      // issue 23: the console finds runs by a record key or a run's idempotency key.
      it("finds runs by idempotency key and by the record keys of their events", async () => {
        const blueprintId = newId("bp");
        const keyed = sampleRun(blueprintId, "prj_x", { idempotencyKey: "order-77" });
        const batch = sampleRun(blueprintId, "prj_x");
        const later = sampleRun(blueprintId, "prj_x");
        for (const run of [keyed, batch, later]) await store.insertRun(run);
        const at = new Date().toISOString();
        await store.appendRunEvents(batch.id, [
          { at, level: "info", type: "record.completed", recordKey: "o-1", data: {} },
          { at, level: "info", type: "record.completed", recordKey: "o-2", data: {} },
        ]);
        await store.appendRunEvents(later.id, [
          { at, level: "info", type: "run.started", data: {} },
          { at, level: "error", type: "record.failed", recordKey: "o-2", data: {} },
        ]);
        const ids = async (filter: RunFilter) =>
          (await store.listRuns({ blueprintId, ...filter })).items.map((r) => r.id);
        expect(await ids({ idempotencyKey: "order-77" })).toEqual([keyed.id]);
        expect(await ids({ idempotencyKey: "order-78" })).toEqual([]);
        expect(await ids({ recordKey: "o-1" })).toEqual([batch.id]);
        // Newest first, in pages, as every run list.
        expect(await ids({ recordKey: "o-2" })).toEqual([later.id, batch.id]);
        const page = await store.listRuns({ blueprintId, recordKey: "o-2", limit: 1 });
        const rest = await store.listRuns({
          blueprintId,
          recordKey: "o-2",
          limit: 1,
          cursor: page.nextCursor!,
        });
        expect([...page.items, ...rest.items].map((r) => r.id)).toEqual([later.id, batch.id]);
        expect(await ids({ recordKey: "o-3" })).toEqual([]);
        // A record that succeeded logs nothing: the run that finished its key is found by it.
        const done = sampleRun(blueprintId, "prj_x");
        await store.insertRun(done);
        const claim = {
          scope: `${blueprintId}:send`,
          key: "o-9",
          payloadHash: "h",
          owner: `${done.id}/0`,
          leaseMs: 1000,
          ttlMs: 60_000,
          now: new Date(),
        };
        await store.claimIdempotencyKey(claim);
        await store.completeIdempotencyKey({ ...claim, result: {} });
        expect(await ids({ recordKey: "o-9" })).toEqual([done.id]);
      });

      it("gives a run lease to one owner until it expires", async () => {
        const run = sampleRun(newId("bp"), "prj_x");
        await store.insertRun(run);
        const now = new Date();
        const a = await store.acquireRunLease({ runId: run.id, owner: "a", leaseMs: 1000, now });
        expect(a?.lease?.owner).toBe("a");
        expect(
          await store.acquireRunLease({ runId: run.id, owner: "b", leaseMs: 1000, now }),
        ).toBeUndefined();
        const renewed = await store.acquireRunLease({ runId: run.id, owner: "a", leaseMs: 1000, now });
        expect(renewed?.lease?.owner).toBe("a");
        const later = new Date(now.getTime() + 1001);
        expect(
          (await store.acquireRunLease({ runId: run.id, owner: "b", leaseMs: 1000, now: later }))?.lease
            ?.owner,
        ).toBe("b");
        await store.releaseRunLease(run.id, "a");
        expect((await store.getRun(run.id))?.lease?.owner).toBe("b");
        await store.releaseRunLease(run.id, "b");
        expect((await store.getRun(run.id))?.lease).toBeUndefined();
      });

      it("numbers events per run and filters them", async () => {
        const runId = newId("run");
        const at = new Date().toISOString();
        const written = await store.appendRunEvents(runId, [
          { at, level: "info", type: "run.started", data: {} },
          { at, level: "debug", step: "map", type: "step.attempt", data: { attempt: 1 } },
        ]);
        expect(written.map((e) => e.seq)).toEqual([1, 2]);
        await store.appendRunEvents(runId, [
          { at, level: "error", step: "send", type: "step.failed", data: {} },
        ]);
        expect((await store.listRunEvents(runId)).map((e) => e.seq)).toEqual([1, 2, 3]);
        expect((await store.listRunEvents(runId, { after: 1 })).map((e) => e.seq)).toEqual([2, 3]);
        expect((await store.listRunEvents(runId, { level: "info" })).map((e) => e.type)).toEqual([
          "run.started",
          "step.failed",
        ]);
        expect((await store.listRunEvents(runId, { step: "map" }))[0]?.data).toEqual({ attempt: 1 });
        expect(await store.listRunEvents(runId, { limit: 1 })).toHaveLength(1);
        await expect(store.listRunEvents(runId, { limit: -1 })).rejects.toMatchObject({ path: "/limit" });
      });

      // issue 23: a record's step traces are read by record key and type.
      it("filters events by record key and type", async () => {
        const runId = newId("run");
        const at = new Date().toISOString();
        await store.appendRunEvents(runId, [
          { at, level: "debug", recordKey: "k-1", type: "record.steps", data: { pass: 1 } },
          { at, level: "warn", recordKey: "k-1", step: "send", type: "step.retry", data: {} },
          { at, level: "debug", recordKey: "k-2", type: "record.steps", data: { pass: 1 } },
          { at, level: "debug", recordKey: "k-1", type: "record.steps", data: { pass: 2 } },
        ]);
        const traces = await store.listRunEvents(runId, { recordKey: "k-1", type: "record.steps" });
        expect(traces.map((e) => [e.seq, e.data])).toEqual([
          [1, { pass: 1 }],
          [4, { pass: 2 }],
        ]);
        expect((await store.listRunEvents(runId, { recordKey: "k-1" })).map((e) => e.seq)).toEqual([1, 2, 4]);
        expect((await store.listRunEvents(runId, { type: "record.steps" })).map((e) => e.seq)).toEqual([
          1, 3, 4,
        ]);
        expect(await store.listRunEvents(runId, { recordKey: "k-3" })).toEqual([]);
      });

      it("numbers concurrent appends without gaps or repeats", async () => {
        const runId = newId("run");
        const at = new Date().toISOString();
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.appendRunEvents(runId, [{ at, level: "info", type: `e${i}`, data: {} }]),
          ),
        );
        const seqs = (await store.listRunEvents(runId)).map((e) => e.seq);
        expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });
    });

    describe("idempotency records", () => {
      const claim = (over: Partial<Parameters<Store["claimIdempotencyKey"]>[0]> = {}) => ({
        scope: "bp:send",
        key: newId("run"),
        payloadHash: "h1",
        owner: "w1",
        leaseMs: 1000,
        ttlMs: 60_000,
        now: new Date(),
        ...over,
      });

      // issue 21: the memory store copies a result once and shares it (frozen) with every read.
      it("keeps its own copy of a result: changing the given or a read value changes nothing stored", async () => {
        const first = claim();
        await store.claimIdempotencyKey(first);
        const given = { order: { id: "o-1", lines: [{ sku: "a" }] } };
        await store.completeIdempotencyKey({ ...first, result: given });
        given.order.lines[0]!.sku = "changed by the caller";
        const read = (await store.getIdempotencyRecord(first.scope, first.key))?.result as typeof given;
        expect(read.order.lines[0]!.sku).toBe("a");
        try {
          read.order.lines[0]!.sku = "changed by a reader";
        } catch {
          // A store may hand out a frozen value: changing it is refused, which is as good.
        }
        const again = await store.claimIdempotencyKey({ ...first, owner: "w2" });
        expect(again.record.result).toEqual({ order: { id: "o-1", lines: [{ sku: "a" }] } });
      });

      it("claims, reports in-progress to others, completes and replays the result", async () => {
        const first = claim();
        expect((await store.claimIdempotencyKey(first)).outcome).toBe("claimed");
        expect((await store.claimIdempotencyKey({ ...first, owner: "w2" })).outcome).toBe("in_progress");
        await store.completeIdempotencyKey({ ...first, result: { ok: 1 } });
        const again = await store.claimIdempotencyKey({ ...first, owner: "w2" });
        expect(again).toMatchObject({
          outcome: "completed",
          record: { state: "COMPLETED", result: { ok: 1 }, finishedBy: "w1" },
        });
        expect((await store.claimIdempotencyKey({ ...first, payloadHash: "h2" })).outcome).toBe("conflict");
      });

      it("lets a failed key and an expired lease be claimed again", async () => {
        const first = claim();
        await store.claimIdempotencyKey(first);
        await store.failIdempotencyKey({ ...first, error: { code: "X", message: "boom" } });
        expect((await store.claimIdempotencyKey({ ...first, owner: "w2" })).outcome).toBe("claimed");
        const later = new Date(first.now.getTime() + 1001);
        const takeover = await store.claimIdempotencyKey({ ...first, owner: "w3", now: later });
        expect(takeover.outcome).toBe("claimed");
        // A LeaseLostError (a ConflictError): the runtime hands the batch back on it (issue 16).
        await expect(
          store.completeIdempotencyKey({ ...first, owner: "w2", now: later }),
        ).rejects.toBeInstanceOf(LeaseLostError);
        await store.completeIdempotencyKey({ ...first, owner: "w3", now: later, result: 3 });
        expect((await store.getIdempotencyRecord(first.scope, first.key))?.result).toBe(3);
      });

      it("renews a lease only for its owner and purges expired records", async () => {
        const first = claim({ ttlMs: 5000 });
        await store.claimIdempotencyKey(first);
        const later = new Date(first.now.getTime() + 900);
        await store.renewIdempotencyLease({ ...first, now: later });
        expect(
          (await store.claimIdempotencyKey({ ...first, owner: "w2", now: new Date(later.getTime() + 500) }))
            .outcome,
        ).toBe("in_progress");
        await expect(store.renewIdempotencyLease({ ...first, owner: "w2" })).rejects.toBeInstanceOf(
          ConflictError,
        );
        const purged = await store.purgeExpiredIdempotencyRecords(new Date(first.now.getTime() + 5001));
        expect(purged).toBeGreaterThanOrEqual(1);
        expect(await store.getIdempotencyRecord(first.scope, first.key)).toBeUndefined();
      });

      it("lets exactly one of many concurrent claimants of a key go", async () => {
        const base = claim();
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) => store.claimIdempotencyKey({ ...base, owner: `w${i}` })),
        );
        expect(results.filter((r) => r.outcome === "claimed")).toHaveLength(1);
        expect(results.filter((r) => r.outcome === "in_progress")).toHaveLength(24);
      });
    });

    describe("dead letters and cursors", () => {
      it("stores, filters and marks dead letters replayed", async () => {
        const runId = newId("run");
        const make = () => ({
          id: newId("dl"),
          runId,
          blueprintId: "bp_x",
          step: "send",
          record: { id: 1 },
          error: { code: "HTTP_503", message: "unavailable", retryable: true },
          attempts: 4,
          createdAt: new Date().toISOString(),
        });
        const a = make();
        const b = make();
        await store.insertDeadLetter(a);
        await store.insertDeadLetter(b);
        await expect(store.insertDeadLetter(a)).rejects.toBeInstanceOf(ConflictError);
        expect((await store.listDeadLetters({ runId })).items.map((d) => d.id)).toEqual([a.id, b.id]);
        await store.markDeadLettersReplayed([a.id], "run_replay", new Date());
        expect((await store.getDeadLetter(a.id))?.replayRunId).toBe("run_replay");
        expect((await store.listDeadLetters({ runId, replayed: false })).items.map((d) => d.id)).toEqual([
          b.id,
        ]);
        await expect(
          store.markDeadLettersReplayed([b.id, "dl_missing"], "r", new Date()),
        ).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.getDeadLetter(b.id))?.replayedAt).toBeUndefined();
      });

      // issue 23: the console filters dead letters by error code and time range.
      it("filters dead letters by error code and creation time", async () => {
        const blueprintId = newId("bp");
        const letter = (code: string, createdAt: string) => ({
          id: newId("dl"),
          runId: newId("run"),
          blueprintId,
          step: "send",
          record: { id: 1 },
          error: { code, message: "refused" },
          attempts: 1,
          createdAt,
        });
        const early = letter("HTTP_422", "2030-01-01T10:00:00.000Z");
        const late = letter("HTTP_422", "2030-01-01T12:00:00.000Z");
        const other = letter("HTTP_503", "2030-01-01T11:00:00.000Z");
        for (const dl of [early, late, other]) await store.insertDeadLetter(dl);
        const ids = async (filter: Omit<DeadLetterFilter, "blueprintId">) =>
          (await store.listDeadLetters({ blueprintId, ...filter })).items.map((d) => d.id);
        expect(await ids({ errorCode: "HTTP_422" })).toEqual([early.id, late.id]);
        expect(await ids({ errorCode: "HTTP_404" })).toEqual([]);
        expect(await ids({ since: new Date("2030-01-01T11:00:00Z") })).toEqual([late.id, other.id].sort());
        expect(await ids({ until: new Date("2030-01-01T11:00:00Z") })).toEqual([early.id]);
        expect(
          await ids({
            errorCode: "HTTP_422",
            since: new Date("2030-01-01T09:00:00Z"),
            until: new Date("2030-01-01T12:00:00Z"),
          }),
        ).toEqual([early.id]);
      });

      // issue 16: run payloads are purged after a configured age.
      it("purges the payloads of work older than a date and keeps the rest", async () => {
        const project = sampleProject();
        const old = "2001-01-01T00:00:00.000Z";
        const before = new Date("2001-06-01T00:00:00.000Z");
        const finishedRun = sampleRun("bp_retention", project.id, {
          status: "SUCCEEDED",
          createdAt: old,
          finishedAt: old,
        });
        const liveRun = sampleRun("bp_retention", project.id, { status: "RUNNING", createdAt: old });
        for (const run of [finishedRun, liveRun]) {
          await store.insertRun(run);
          await store.insertRunBatches(run.id, [
            { index: 0, firstPosition: 0, records: [{ n: 1 }, { n: 2 }] },
          ]);
        }
        const deadLetter = (createdAt: string) => ({
          id: newId("dl"),
          runId: finishedRun.id,
          blueprintId: "bp_retention",
          step: "send",
          record: { card: "4111111111111111" },
          error: { code: "HTTP_500", message: "failed", retryable: false },
          attempts: 1,
          createdAt,
        });
        const oldLetter = deadLetter(old);
        const newLetter = deadLetter(new Date().toISOString());
        await store.insertDeadLetter(oldLetter);
        await store.insertDeadLetter(newLetter);
        const claim = { scope: "bp_retention", payloadHash: "h", owner: "w", leaseMs: 60_000, ttlMs: 9e12 };
        for (const [key, now] of [
          ["old", new Date(old)],
          ["new", new Date()],
        ] as const) {
          await store.claimIdempotencyKey({ ...claim, key, now });
          await store.completeIdempotencyKey({
            scope: "bp_retention",
            key,
            owner: "w",
            now,
            result: { id: key },
          });
        }

        // An approval wait's payload: purged with its finished run, kept while its run lives.
        const waitEvent = {
          at: old,
          level: "info" as const,
          type: "approval.requested",
          recordKey: "[REDACTED:email]",
          data: { position: 0, [RUN_EVENT_PAYLOAD]: { recordKey: "ada@example.com" } },
        };
        for (const run of [finishedRun, liveRun]) await store.appendRunEvents(run.id, [waitEvent]);

        expect(await store.purgeRunPayloads(before)).toEqual({
          runBatches: 1,
          deadLetters: 1,
          idempotencyResults: 1,
          runEvents: 1,
        });
        expect(await store.purgeRunPayloads(before)).toEqual({
          runBatches: 0,
          deadLetters: 0,
          idempotencyResults: 0,
          runEvents: 0,
        });
        expect((await store.listRunEvents(finishedRun.id))[0]?.data).toEqual({ position: 0 });
        expect((await store.listRunEvents(liveRun.id))[0]?.data).toEqual(waitEvent.data);
        // A finished run's batch keeps its size and counts; an unfinished run keeps its records.
        expect((await store.listRunBatches(finishedRun.id))[0]?.size).toBe(2);
        const live = await store.claimRunBatch({
          runId: liveRun.id,
          index: 0,
          owner: "w",
          leaseMs: 1000,
          now: new Date(),
        });
        expect(live?.records).toEqual([{ n: 1 }, { n: 2 }]);
        const purged = await store.getDeadLetter(oldLetter.id);
        expect(purged?.record).toBeNull();
        expect(purged?.recordPurgedAt).toEqual(expect.any(String));
        expect(purged?.error.message).toBe("failed");
        expect((await store.getDeadLetter(newLetter.id))?.record).toEqual(newLetter.record);
        const oldRecord = await store.getIdempotencyRecord("bp_retention", "old");
        expect(oldRecord?.state).toBe("COMPLETED");
        expect(oldRecord?.result).toBeUndefined();
        expect((await store.getIdempotencyRecord("bp_retention", "new"))?.result).toEqual({ id: "new" });
      });

      it("stores sync cursors per scope", async () => {
        const scope = newId("con");
        expect(await store.getCursor(scope)).toBeUndefined();
        await store.putCursor(scope, { updatedAt: "2026-01-01", id: 5 });
        await store.putCursor(scope, { updatedAt: "2026-01-02", id: 9 });
        expect(await store.getCursor(scope)).toEqual({ updatedAt: "2026-01-02", id: 9 });
      });
    });
    connectionStoreContract(() => store);

    describe("test runs and traces", () => {
      it("stores test runs and lists them by project, environment, document and time", async () => {
        const projectId = newId("prj");
        const early = sampleTestRun(projectId, { startedAt: "2026-01-01T00:00:00.000Z" });
        const sandbox = sampleTestRun(projectId, {
          environment: "sandbox",
          startedAt: "2026-02-01T00:00:00.000Z",
        });
        const other = sampleTestRun(newId("prj"));
        for (const run of [early, sandbox, other]) await store.insertTestRun(run);
        await expect(store.insertTestRun(early)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getTestRun(sandbox.id)).toEqual(sandbox);
        expect((await store.listTestRuns({ projectId })).items.map((r) => r.id)).toEqual([
          early.id,
          sandbox.id,
        ]);
        expect(
          (await store.listTestRuns({ projectId, environment: "sandbox" })).items.map((r) => r.id),
        ).toEqual([sandbox.id]);
        expect(
          (await store.listTestRuns({ projectId, since: new Date("2026-01-15T00:00:00Z") })).items.map(
            (r) => r.id,
          ),
        ).toEqual([sandbox.id]);
        expect((await store.listTestRuns({ projectId, specSha256: "0".repeat(64) })).items).toEqual([]);
        const first = await store.listTestRuns({ projectId, limit: 1 });
        expect(first.items.map((r) => r.id)).toEqual([early.id]);
        const second = await store.listTestRuns({ projectId, limit: 1, cursor: first.nextCursor! });
        expect(second.items.map((r) => r.id)).toEqual([sandbox.id]);
      });

      it("stores a trace batch once, however often it is delivered", async () => {
        const projectId = newId("prj");
        const batch = [
          sampleTrace(projectId, { operation: "createOrder" }),
          sampleTrace(projectId, { operation: "getOrder" }),
          sampleTrace(projectId, { environment: "sandbox" }),
        ];
        expect(await store.insertTraces(batch)).toBe(3);
        expect(await store.insertTraces(batch)).toBe(0);
        expect(await store.insertTraces([...batch.slice(0, 1), sampleTrace(projectId)])).toBe(1);
        expect(await store.insertTraces([])).toBe(0);
        const all = await store.listTraces({ projectId });
        expect(all.items).toHaveLength(4);
        expect(all.items[0]).toEqual(batch[0]);
        expect((await store.listTraces({ projectId, operation: "getOrder" })).items.map((t) => t.id)).toEqual(
          [batch[1]!.id],
        );
        expect(
          (await store.listTraces({ projectId, environment: "sandbox" })).items.map((t) => t.id),
        ).toEqual([batch[2]!.id]);
        expect((await store.listTraces({ projectId, since: new Date(Date.now() + 60_000) })).items).toEqual(
          [],
        );
      });
    });
  });
}
