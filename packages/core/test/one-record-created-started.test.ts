import { createRuntime, inlineQueue, LifecycleError, type RunQueue, SynapseError } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { dropSchemas, freshSchema } from "./_stores";

// Issue 21: where the inline queue has a slot free, a one-record run's creator leaves its write
// to the executor, which makes it with the start (one statement). The creator still returns
// only once the run is written, and a run that is never written is refused, never lost.

const service = await checkTestService("postgres");
const schemas: string[] = [];
afterAll(() => dropSchemas(service.url, schemas));

const storeOnFreshSchema = () => {
  const schema = freshSchema("created_started");
  schemas.push(schema);
  return postgresStore({ connectionString: service.url }, { schema });
};
/** Another process's store on the same schema. */
const sameSchema = (schema: string) => postgresStore({ connectionString: service.url }, { schema });

describe.skipIf(Boolean(service.skip))("a one-record run written with its start", () => {
  it("is in the store, RUNNING or done, when ingest returns", async () => {
    const store = storeOnFreshSchema();
    const { runtime, blueprintId } = await approvedPayments(store, { honourKeys: true });
    try {
      const run = await runtime.runs.ingest(blueprintId, { record: { id: "p1", amount: 2 } });
      expect(["RUNNING", "SUCCEEDED"]).toContain((await store.getRun(run.id))?.status);
      expect((await runtime.runs.wait(run.id, { timeoutMs: 10_000 })).status).toBe("SUCCEEDED");
    } finally {
      await runtime.close();
    }
  });

  it("refused by the guard (archived by another process since it was read): nothing written, ingest throws", async () => {
    const store = storeOnFreshSchema();
    const { runtime, blueprintId } = await approvedPayments(store);
    const other = createRuntime({ store: sameSchema(store.schema) });
    try {
      const first = await runtime.runs.ingest(blueprintId, { record: { id: "p1", amount: 2 } });
      await runtime.runs.wait(first.id, { timeoutMs: 10_000 });
      await other.blueprints.archive(blueprintId);
      // This process still holds the approved revision it read: the write's guard refuses the
      // run, the blueprint is read again and the run refused for what it is now.
      await expect(
        runtime.runs.ingest(blueprintId, { record: { id: "p2", amount: 2 } }),
      ).rejects.toBeInstanceOf(LifecycleError);
      expect((await store.listRuns({ blueprintId })).items.map((run) => run.id)).toEqual([first.id]);
    } finally {
      await other.close();
      await runtime.close();
    }
  });

  it("whose job never starts (the runtime closes first) is refused with CLOSED, nothing written", async () => {
    const store = storeOnFreshSchema();
    // A queue that says it starts jobs at once but drops them, as a queue closing would.
    const dropping: RunQueue = { ...inlineQueue(), startsAtOnce: () => true, enqueue: async () => {} };
    const { runtime, blueprintId } = await approvedPayments(store, { runtime: { queue: dropping } });
    const ingested = runtime.runs.ingest(blueprintId, { record: { id: "p1", amount: 2 } });
    const settled = ingested.then(
      () => "written",
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await runtime.close();
    const error = await settled;
    expect(error).toBeInstanceOf(SynapseError);
    expect((error as SynapseError).code).toBe("CLOSED");
    const check = sameSchema(store.schema);
    try {
      expect((await check.listRuns({ blueprintId })).items).toEqual([]);
    } finally {
      await check.close();
    }
  });
});
