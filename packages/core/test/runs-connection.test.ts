import { randomBytes } from "node:crypto";
import {
  ConnectorError,
  createRuntime,
  defineConnector,
  memoryStore,
  NotFoundError,
  staticKeyProvider,
  ValidationError,
} from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** A target that records which customer's key each call carried; a record `{ leak: true }` is refused with a message echoing the key, as careless peers do. */
function keyedTarget() {
  const calls: { key: string | undefined; record: unknown }[] = [];
  const connector = defineConnector({
    type: "crm",
    version: "1.0.0",
    configSchema: z.object({}),
    secrets: ["apiKey"],
    capabilities: {
      async write(_config, record, context) {
        calls.push({ key: context.secrets.apiKey, record });
        if ((record as { leak?: boolean }).leak)
          throw new ConnectorError(`peer refused key ${context.secrets.apiKey}`, {
            retryable: false,
            status: 403,
          });
        return { ok: true };
      },
    },
  });
  return { connector, calls };
}

async function setup() {
  const target = keyedTarget();
  const runtime = createRuntime({
    store: memoryStore(),
    connectors: [target.connector],
    connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
  });
  const project = await runtime.projects.create({ name: "per-customer" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "crm", name: "CRM" });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "push",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      steps: [{ id: "push", kind: "send", connector: ref.id, policy: { retry: { maxAttempts: 1 } } }],
    },
  });
  await runtime.blueprints.approve(blueprint.id);
  const connect = (customerId: string, apiKey: string) =>
    runtime.connections.create({ type: "apiKey", connectorRefId: ref.id, customerId, apiKey });
  return { runtime, project, ref, blueprint, target, connect };
}

describe("runs per customer connection", () => {
  it("each run's calls carry its own customer's credentials, none looked up in the secret provider", async () => {
    const { runtime, blueprint, target, connect } = await setup();
    const a = await connect("customer-a", "key-of-customer-a");
    const b = await connect("customer-b", "key-of-customer-b");
    const runA = await runtime.runs.start(blueprint.id, { records: [{ n: 1 }, { n: 2 }], connection: a.id });
    const runB = await runtime.runs.ingest(blueprint.id, { record: { n: 3 }, connection: b.id });
    expect((await runtime.runs.wait(runA.id)).status).toBe("SUCCEEDED");
    expect((await runtime.runs.wait(runB.id)).status).toBe("SUCCEEDED");
    expect((await runtime.runs.get(runA.id)).connection).toBe(a.id);
    expect(target.calls.filter((c) => c.key === "key-of-customer-a").map((c) => c.record)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    expect(target.calls.filter((c) => c.key === "key-of-customer-b").map((c) => c.record)).toEqual([
      { n: 3 },
    ]);
    // Without a connection the ref's secret is missing: the connection really supplied it.
    const bare = await runtime.runs.start(blueprint.id, { input: { n: 4 } });
    const failed = await runtime.runs.wait(bare.id);
    expect(failed.status).toBe("FAILED");
    expect(failed.error?.code).toBe("SECRET_MISSING");
    await runtime.close();
  });

  it("a revoked connection fails its run at once with CONNECTION_BROKEN and calls nothing", async () => {
    const { runtime, blueprint, target, connect } = await setup();
    const gone = await connect("customer-c", "key-of-customer-c");
    await runtime.connections.revoke(gone.id);
    const run = await runtime.runs.start(blueprint.id, {
      records: [{ n: 1 }, { n: 2 }],
      connection: gone.id,
    });
    const done = await runtime.runs.wait(run.id);
    expect(done.status).toBe("FAILED");
    expect(done.error?.code).toBe("CONNECTION_BROKEN");
    expect(target.calls).toEqual([]);
    await runtime.close();
  });

  it("a connection's key echoed by a failing peer appears in no dead letter, event or run error", async () => {
    const { runtime, blueprint, target, connect } = await setup();
    const key = "canary-key-4f1c9e7a2b";
    const connection = await connect("customer-d", key);
    const run = await runtime.runs.start(blueprint.id, {
      records: [{ leak: true }],
      connection: connection.id,
    });
    const done = await runtime.runs.wait(run.id);
    expect(target.calls.map((c) => c.key)).toEqual([key]);
    const letters = await runtime.deadLetters.list({ runId: run.id });
    expect(letters.items).toHaveLength(1);
    const events = await runtime.runs.events(run.id);
    const seen = JSON.stringify({ done, letters, events });
    expect(seen).toContain("peer refused key");
    expect(seen).not.toContain(key);
    await runtime.close();
  });

  it("refuses an unknown connection and another project's connection before creating the run", async () => {
    const { runtime, blueprint } = await setup();
    await expect(
      runtime.runs.start(blueprint.id, { input: {}, connection: "con_missing" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const other = await runtime.projects.create({ name: "another tenant" });
    const foreignRef = await runtime.connectorRefs.put(other.id, { type: "crm", name: "CRM" });
    const foreign = await runtime.connections.create({
      type: "apiKey",
      connectorRefId: foreignRef.id,
      customerId: "x",
      apiKey: "key-of-another-tenant",
    });
    const refused = await runtime.runs
      .start(blueprint.id, { input: {}, connection: foreign.id })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ path: "/connection" });
    expect((await runtime.runs.list({ blueprintId: blueprint.id })).items ?? []).toHaveLength(0);
    await runtime.close();
  });
});
