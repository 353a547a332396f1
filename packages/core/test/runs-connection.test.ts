import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConnectorError,
  createRuntime,
  defineConnector,
  memoryStore,
  NotFoundError,
  type Runtime,
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

/** An approved blueprint that sends every record to a ref of connector `type` (one attempt unless `retried`). */
async function pushBlueprint(runtime: Runtime, type: string, options: { retried?: boolean } = {}) {
  const project = await runtime.projects.create({ name: "per-customer" });
  const ref = await runtime.connectorRefs.put(project.id, { type, name: type });
  const policy = options.retried ? {} : { policy: { retry: { maxAttempts: 1 } } };
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "push",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      steps: [{ id: "push", kind: "send", connector: ref.id, ...policy }],
    },
  });
  await runtime.blueprints.approve(blueprint.id);
  return { project, ref, blueprint };
}

async function setup() {
  const target = keyedTarget();
  const runtime = createRuntime({
    store: memoryStore(),
    connectors: [target.connector],
    connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
  });
  const { project, ref, blueprint } = await pushBlueprint(runtime, "crm");
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

  // Issue 22 review: renewing a connection's credentials used to replace the secrets of the run
  // plan's bound connector in place; they now live per run. Two customers' runs of one blueprint
  // renew at the same time, many times: every call must carry its own customer's token.
  it("two connections renewing at once on one blueprint: every call carries its own customer's token", async () => {
    // A token endpoint that names the client in each token it issues: the ground truth.
    let issued = 0;
    const tokenServer = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        const basic = Buffer.from((request.headers.authorization ?? "").replace(/^Basic /, ""), "base64");
        const clientId = decodeURIComponent(basic.toString().split(":")[0] ?? "");
        issued += 1;
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({
            access_token: `token-of-${clientId}-${issued}`,
            token_type: "bearer",
            expires_in: 3600,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
    // The peer refuses every token the first time it sees it: each run renews again and again.
    const seen = new Set<string>();
    const calls: { customer: string; connectionId: string | undefined; token: string }[] = [];
    let renewals = 0;
    const api = defineConnector({
      type: "api",
      version: "1.0.0",
      configSchema: z.object({}),
      secrets: ["token"],
      capabilities: {
        async write(_config, record, context) {
          // A network call's pause, so that later records start after earlier renewals.
          await new Promise((resolve) => setTimeout(resolve, 2));
          let token = context.secrets.token ?? "";
          if (!seen.has(token)) {
            seen.add(token);
            renewals += 1;
            token = (await context.connection?.renewSecrets())?.token ?? "";
          }
          calls.push({
            customer: (record as { customer: string }).customer,
            connectionId: context.connection?.id,
            token,
          });
          return { ok: true };
        },
      },
    });
    const runtime = createRuntime({
      store: memoryStore(),
      connectors: [api],
      recordConcurrency: 8,
      connections: {
        keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]),
        providers: {
          m2m: {
            authorizationEndpoint: `${url}/authorize`,
            tokenEndpoint: `${url}/token`,
            clientId: "host-client",
            clientSecret: "host-client-secret",
            allowInsecureHttp: true,
          },
        },
      },
    });
    try {
      const { ref, blueprint } = await pushBlueprint(runtime, "api");
      const connect = (customer: string) =>
        runtime.connections.create({
          type: "clientCredentials",
          connectorRefId: ref.id,
          customerId: customer,
          provider: "m2m",
          clientId: `client-${customer}`,
          clientSecret: `secret-of-${customer}`,
        });
      const [a, b] = await Promise.all([connect("a"), connect("b")]);
      const records = (customer: string) => Array.from({ length: 40 }, (_, n) => ({ customer, n }));
      const runs = await Promise.all([
        runtime.runs.start(blueprint.id, { records: records("a"), connection: a!.id }),
        runtime.runs.start(blueprint.id, { records: records("b"), connection: b!.id }),
      ]);
      for (const run of runs) expect((await runtime.runs.wait(run.id)).status).toBe("SUCCEEDED");
      expect(calls).toHaveLength(80);
      const connectionOf = { a: a!.id, b: b!.id } as Record<string, string>;
      const crossed = calls.filter(
        (call) =>
          !call.token.startsWith(`token-of-client-${call.customer}-`) ||
          call.connectionId !== connectionOf[call.customer],
      );
      expect(crossed).toEqual([]);
      // Both runs renewed, more than once each, while the other was running.
      const renewedTokens = (customer: string) =>
        new Set(calls.filter((call) => call.customer === customer).map((call) => call.token)).size;
      expect(renewedTokens("a")).toBeGreaterThan(1);
      expect(renewedTokens("b")).toBeGreaterThan(1);
      expect(renewals).toBeGreaterThan(2);
    } finally {
      await runtime.close();
      await new Promise((resolve) => tokenServer.close(resolve));
    }
  });
});

describe("limits per customer connection (issues 20 and 22)", () => {
  it("caps each connection's records in flight, while another connection's run goes on beside it", async () => {
    let inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    let together = 0;
    const slowTarget = defineConnector({
      type: "crm",
      version: "1.0.0",
      configSchema: z.object({}),
      secrets: ["apiKey"],
      capabilities: {
        async write(_config, _record, context) {
          const key = context.secrets.apiKey!;
          inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
          most.set(key, Math.max(most.get(key) ?? 0, inFlight.get(key)!));
          if (inFlight.size === 2) together += 1;
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight.set(key, inFlight.get(key)! - 1);
          if (inFlight.get(key) === 0) inFlight = new Map([...inFlight].filter(([, n]) => n > 0));
          return { ok: true };
        },
      },
    });
    const runtime = createRuntime({
      store: memoryStore(),
      connectors: [slowTarget],
      connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
      recordLimits: { limits: [{ name: "per-connection", key: "run.connection", concurrency: 1 }] },
    });
    const { ref, blueprint } = await pushBlueprint(runtime, "crm", { retried: true });
    const [a, b] = await Promise.all(
      ["acme", "globex"].map((customerId) =>
        runtime.connections.create({
          type: "apiKey",
          connectorRefId: ref.id,
          customerId,
          apiKey: `key-${customerId}`,
        }),
      ),
    );
    const records = Array.from({ length: 8 }, (_, n) => ({ n }));
    const runs = await Promise.all(
      [a!, b!].map((c) => runtime.runs.start(blueprint.id, { records, connection: c.id })),
    );
    const done = await Promise.all(runs.map((run) => runtime.runs.wait(run.id, { timeoutMs: 20_000 })));
    expect(done.map((run) => run.counts.completed)).toEqual([8, 8]);
    expect(Object.fromEntries(most)).toEqual({ "key-acme": 1, "key-globex": 1 });
    expect(together).toBeGreaterThan(0); // one limit per connection, not one for all
    await runtime.close();
  });
});
