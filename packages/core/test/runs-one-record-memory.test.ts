import {
  createRuntime,
  defineConnector,
  memoryStore,
  type Runtime,
  type SecretProvider,
  type Store,
} from "@synapseops/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { tenantBody } from "./_limits-fixtures";

// Issue 21, in memory: a single-record run of the default runtime (memory store, inline queue)
// takes the one-record path — three store writes, no run read by the executor or `runs.wait` —
// and its plan is kept per revision until a connector ref it bound changes.

const closing: Runtime[] = [];
afterEach(async () => {
  for (const runtime of closing.splice(0)) await runtime.close();
});

/** The memory store, counting calls of the run methods the in-memory executor used to make. */
function countedStore(): { store: Store; calls: Map<string, number> } {
  const store = memoryStore();
  const calls = new Map<string, number>();
  const counted: Record<string, unknown> = { ...store };
  for (const name of [
    "getRun",
    "updateRun",
    "insertRun",
    "acquireRunLease",
    "getBlueprint",
    "appendRunEvents",
  ]) {
    const method = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    counted[name] = (...args: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return method(...args);
    };
  }
  return { store: counted as unknown as Store, calls };
}

/** A target whose writes carry its config's `prefix` and its `token` secret (when it asks for one). */
function prefixTarget(options: { secret: boolean }) {
  const written: string[] = [];
  let parses = 0;
  const connector = defineConnector({
    type: "prefix-target",
    version: "1.0.0",
    configSchema: z.object({ prefix: z.string().default("") }).transform((config) => {
      parses += 1;
      return config;
    }),
    ...(options.secret ? { secrets: ["token"] } : {}),
    capabilities: {
      async write(config, record, context) {
        const token = context.secrets.token ?? "";
        written.push(`${config.prefix}${(record as { ref: string }).ref}${token ? `:${token.length}` : ""}`);
        return { ok: true };
      },
    },
  });
  return { connector, written, parses: () => parses };
}

/** A target of the blueprint's type whose write is `write` (given the call's abort signal). */
function targetWriting(write: (signal: AbortSignal | undefined) => Promise<unknown>) {
  return defineConnector({
    type: "prefix-target",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: { write: (_config, _record, context) => write(context.signal) },
  });
}

async function approvedBlueprint(runtime: Runtime, config: Record<string, unknown> = {}) {
  const project = await runtime.projects.create({ name: "one-record" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "prefix-target", name: "sink", config });
  // The tenant body (`{ ref: id, tenant }` sent to the ref) with a key: records are claimed.
  const body = { ...tenantBody(ref.id, ref.id), idempotencyKey: "id" };
  const blueprint = await runtime.blueprints.create(project.id, { name: "one-record", body });
  await runtime.blueprints.approve(blueprint.id);
  return { projectId: project.id, refId: ref.id, blueprintId: blueprint.id };
}

describe("single-record runs in memory (the one-record path)", () => {
  it("writes the run three times and reads it neither to execute nor to wait", async () => {
    const { store, calls } = countedStore();
    const target = prefixTarget({ secret: false });
    const runtime = createRuntime({ store, connectors: [target.connector] });
    closing.push(runtime);
    const { blueprintId } = await approvedBlueprint(runtime);
    // The first run reads the blueprint (then kept by the approved-revision guard).
    await runtime.runs.wait((await runtime.runs.ingest(blueprintId, { record: { id: "warm" } })).id);
    calls.clear();
    const run = await runtime.runs.ingest(blueprintId, { record: { id: "a" } });
    const done = await runtime.runs.wait(run.id);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.counts).toMatchObject({ total: 1, completed: 1 });
    expect(Object.fromEntries(calls)).toEqual({});
    const events = await runtime.runs.events(run.id);
    expect(events.items.map((e) => e.type)).toEqual(["run.started", "run.finished"]);
    // A duplicate of the same key is a duplicate, not a second write.
    const again = await runtime.runs.wait(
      (await runtime.runs.ingest(blueprintId, { record: { id: "a" } })).id,
    );
    expect(again.counts).toMatchObject({ duplicates: 1 });
    expect(target.written).toEqual(["warm", "a"]);
  });

  it("keeps the bound plan per revision, and binds it again after its connector ref changes", async () => {
    const target = prefixTarget({ secret: false });
    const runtime = createRuntime({ store: memoryStore(), connectors: [target.connector] });
    closing.push(runtime);
    const { projectId, refId, blueprintId } = await approvedBlueprint(runtime, { prefix: "v1-" });
    const ingest = async (id: string) =>
      runtime.runs.wait((await runtime.runs.ingest(blueprintId, { record: { id } })).id);
    await ingest("a");
    const parsed = target.parses();
    await ingest("b");
    await ingest("c");
    // Kept: the config was not parsed again for the two runs.
    expect(target.parses()).toBe(parsed);
    await runtime.connectorRefs.put(projectId, {
      id: refId,
      type: "prefix-target",
      name: "sink",
      config: { prefix: "v2-" },
    });
    await ingest("d");
    expect(target.written).toEqual(["v1-a", "v1-b", "v1-c", "v2-d"]);
    await runtime.connectorRefs.remove(refId);
    const failed = await ingest("e");
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatchObject({ code: "NOT_FOUND" });
    expect(target.written).toHaveLength(4);
  });

  it("ends a run the closing runtime aborts CANCELLED, its key released (nothing resumes it)", async () => {
    // The runtime's close() closes its store; keep this one open to look afterwards.
    const store = { ...memoryStore(), close: async () => {} };
    let started = false;
    const stuck = targetWriting(
      (signal) =>
        new Promise((_resolve, reject) => {
          started = true;
          signal?.addEventListener("abort", () => reject(signal?.reason));
        }),
    );
    const runtime = createRuntime({ store, connectors: [stuck] });
    const { blueprintId } = await approvedBlueprint(runtime);
    const run = await runtime.runs.ingest(blueprintId, { record: { id: "x" } });
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    await runtime.close({ timeoutMs: 50 });
    expect((await store.getRun(run.id))?.status).toBe("CANCELLED");
    expect((await store.getIdempotencyRecord(blueprintId, "x"))?.state).toBe("FAILED");
  });

  it("arms no lease heartbeat or cancel watch for a record that settles at once", async () => {
    const target = prefixTarget({ secret: false });
    const runtime = createRuntime({ store: memoryStore(), connectors: [target.connector] });
    closing.push(runtime);
    const { blueprintId } = await approvedBlueprint(runtime);
    const ingest = async (id: string) =>
      runtime.runs.wait((await runtime.runs.ingest(blueprintId, { record: { id } })).id);
    await ingest("warm");
    const intervals = vi.spyOn(globalThis, "setInterval");
    try {
      for (const id of ["a", "b", "c"]) expect((await ingest(id)).status).toBe("SUCCEEDED");
      expect(intervals).not.toHaveBeenCalled();
    } finally {
      intervals.mockRestore();
    }
    expect(target.written).toEqual(["warm", "a", "b", "c"]);
  });

  it("stops a long record when another process cancels its run (the watch armed late)", async () => {
    // Two runtimes on one store: the second one's cancel reaches the first only through the
    // store, by the cancel watch the first arms once its record outlasts a turn of the loop.
    const store = { ...memoryStore(), close: async () => {} };
    let started = false;
    let abortedAfterMs: number | undefined;
    const slow = targetWriting(
      (signal) =>
        new Promise((resolve, reject) => {
          started = true;
          const since = Date.now();
          // Long enough that only a cancel ends it within the test's time.
          const done = setTimeout(() => resolve({ ok: true }), 20_000);
          signal?.addEventListener("abort", () => {
            abortedAfterMs = Date.now() - since;
            clearTimeout(done);
            reject(signal?.reason);
          });
        }),
    );
    const working = createRuntime({ store, connectors: [slow] });
    const elsewhere = createRuntime({ store, connectors: [slow] });
    closing.push(working, elsewhere);
    const { blueprintId } = await approvedBlueprint(working);
    const run = await working.runs.ingest(blueprintId, { record: { id: "long" } });
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    await elsewhere.runs.cancel(run.id);
    const ended = await working.runs.wait(run.id, { timeoutMs: 5000 });
    expect(ended.status).toBe("CANCELLED");
    // The watch looks every 500 ms: the record is stopped well before it would have ended.
    expect(abortedAfterMs).toBeDefined();
    expect(abortedAfterMs!).toBeLessThan(3000);
    expect((await store.getIdempotencyRecord(blueprintId, "long"))?.state).not.toBe("COMPLETED");
  });

  it("asks the secret provider on every run: a plan with a secret is not kept", async () => {
    const target = prefixTarget({ secret: true });
    let token = "one";
    const secrets: SecretProvider = { name: "rotating", get: async () => token };
    const runtime = createRuntime({ store: memoryStore(), connectors: [target.connector], secrets });
    closing.push(runtime);
    const { blueprintId } = await approvedBlueprint(runtime);
    const ingest = async (id: string) =>
      runtime.runs.wait((await runtime.runs.ingest(blueprintId, { record: { id } })).id);
    await ingest("a");
    token = "rotated";
    await ingest("b");
    expect(target.written).toEqual(["a:3", "b:7"]);
  });
});
