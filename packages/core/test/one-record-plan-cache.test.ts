import { createRuntime, defineConnector, memoryStore, type Runtime, type Store } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { paymentsBody } from "./_executor-fixtures";
import { dropSchemas, freshSchema } from "./_stores";

// Issue 21: a one-record run keeps its bound plan across runs (no connector-ref read, no binding
// per arrival); a ref put again — by this process or by another one on the same store — must
// still be seen by the next run, and so must a secret rotated at the provider.

const service = await checkTestService("postgres");
const schemas: string[] = [];
afterAll(() => dropSchemas(service.url, schemas));

/** A target that writes down, per record, the label of its ref's config and the token it was given. */
function labelledTarget() {
  const writes: string[] = [];
  const connector = defineConnector({
    type: "labelled",
    version: "1.0.0",
    configSchema: z.object({ label: z.string() }),
    secrets: ["token"],
    capabilities: {
      async write(config, record, context) {
        writes.push(`${config.label}/${context.secrets.token}/${(record as { ref: string }).ref}`);
        return undefined;
      },
    },
  });
  return { connector, writes };
}

/** The store calls a runtime makes, counted by name (the one-record capability's too). */
function counted(store: Store, calls: string[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === "oneRecordRuns" && value !== undefined)
        return counted(value as unknown as Store, calls) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const secrets = new Map([["TOKEN", "t1"]]);
const provider = { name: "test", get: async (key: string) => secrets.get(key) };

/** Puts the sink ref with `label` in its config (a new ref when `id` is absent). */
function putSink(runtime: Runtime, projectId: string, label: string, id?: string) {
  return runtime.connectorRefs.put(projectId, {
    ...(id === undefined ? {} : { id }),
    type: "labelled",
    name: "sink",
    config: { label },
    secrets: { token: "TOKEN" },
  });
}

/** An approved payments blueprint sending each record to a labelled ref. */
async function approvedLabelled(runtime: Runtime) {
  const project = await runtime.projects.create({ name: "plans" });
  const ref = await putSink(runtime, project.id, "v1");
  const body = paymentsBody(ref.id, ref.id);
  const blueprint = await runtime.blueprints.create(project.id, { name: "plans", body });
  await runtime.blueprints.approve(blueprint.id);
  return { projectId: project.id, refId: ref.id, blueprintId: blueprint.id };
}

async function arrive(runtime: Runtime, blueprintId: string, id: string): Promise<void> {
  const run = await runtime.runs.ingest(blueprintId, { record: { id, amount: 1 } });
  expect((await runtime.runs.wait(run.id, { timeoutMs: 10_000 })).status).toBe("SUCCEEDED");
}

describe("a one-record run's kept plan", () => {
  it.skipIf(Boolean(service.skip))(
    "sees a ref put by another process on the same PostgreSQL schema, and by its own",
    async () => {
      const schema = freshSchema("synapseops_plan");
      schemas.push(schema);
      const storeA = postgresStore({ connectionString: service.url }, { schema });
      const storeB = postgresStore({ connectionString: service.url }, { schema });
      const calls: string[] = [];
      const target = labelledTarget();
      const options = { connectors: [target.connector], secrets: provider, durableRuns: true } as const;
      const a = createRuntime({ ...options, store: counted(storeA, calls) });
      const b = createRuntime({ ...options, store: storeB });
      try {
        const { projectId, refId, blueprintId } = await approvedLabelled(a);
        await arrive(a, blueprintId, "r1");
        calls.length = 0;
        await arrive(a, blueprintId, "r2");
        // Warm: the plan is kept, no ref read.
        expect([...calls]).toEqual(["createStartedOneRecordRun", "finishOneRecordRun"]);

        await putSink(b, projectId, "v2", refId);
        calls.length = 0;
        await arrive(a, blueprintId, "r3");
        // The start (with the run's write) found the ref's version changed and wrote nothing; the
        // run was written on its own and the batch path ran it.
        expect(calls.slice(0, 2)).toEqual(["createStartedOneRecordRun", "createOneRecordRun"]);
        expect(calls).toContain("getConnectorRef");
        await arrive(a, blueprintId, "r4");
        calls.length = 0;
        await arrive(a, blueprintId, "r5");
        expect([...calls]).toEqual(["createStartedOneRecordRun", "finishOneRecordRun"]);

        await putSink(a, projectId, "v3", refId);
        calls.length = 0;
        await arrive(a, blueprintId, "r6");
        // Put by this process: the kept plan was dropped at the put, so the plan is bound afresh
        // (its ref read) and the start writes — no start that writes nothing, no batch path.
        expect(calls.filter((call) => call !== "connectorRefVersions" && call !== "getConnectorRef")).toEqual(
          ["createStartedOneRecordRun", "finishOneRecordRun"],
        );
        await arrive(a, blueprintId, "r7");
        // A writer that knows nothing of versions (an older release in a rolling upgrade, a
        // manual UPDATE): the database bumps the version itself.
        const sql = new pg.Client({ connectionString: service.url });
        await sql.connect();
        await sql
          .query(
            `UPDATE "${schema}".connector_refs SET doc = jsonb_set(doc, '{config,label}', '"v4"') WHERE id = $1`,
            [refId],
          )
          .finally(() => sql.end());
        await arrive(a, blueprintId, "r8");
        expect(target.writes).toEqual([
          ...["v1/t1/r1", "v1/t1/r2", "v2/t1/r3", "v2/t1/r4", "v2/t1/r5"],
          ...["v3/t1/r6", "v3/t1/r7", "v4/t1/r8"],
        ]);
        const runs = (await storeA.listRuns({ blueprintId })).items;
        expect(runs.map((run) => run.status)).toEqual(Array(8).fill("SUCCEEDED"));
      } finally {
        await a.close();
        await b.close();
        await storeA.close();
        await storeB.close();
      }
    },
    30_000,
  );

  it("asks the secret provider for every run: a rotated secret is used by the next run", async () => {
    const target = labelledTarget();
    const runtime = createRuntime({
      store: memoryStore(),
      connectors: [target.connector],
      secrets: provider,
      durableRuns: true,
    });
    try {
      const { blueprintId } = await approvedLabelled(runtime);
      await arrive(runtime, blueprintId, "s1");
      await arrive(runtime, blueprintId, "s2");
      secrets.set("TOKEN", "t2");
      await arrive(runtime, blueprintId, "s3");
      expect(target.writes).toEqual(["v1/t1/s1", "v1/t1/s2", "v1/t2/s3"]);
    } finally {
      secrets.set("TOKEN", "t1");
      await runtime.close();
    }
  });
});
