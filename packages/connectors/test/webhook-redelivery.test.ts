/**
 * issue 18 (no silent loss at the API edge): a webhook delivery that did not become a run is
 * answered non-2xx, so the sender redelivers it, and the redelivery is processed once. A real
 * HTTP endpoint (node adapter), a sender that retries like Stripe or GitHub do, and a runtime.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRuntime, memoryStore, type Runtime, type Store } from "@synapseops/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  memory,
  nodeWebhookHandler,
  signStandardWebhook,
  standardWebhooks,
  type WebhookDelivery,
  webhookReceiver,
} from "../src/index";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/**
 * A store whose next run creations fail, as during a database outage: `insertRun`, and the
 * one-record path's `createOneRecordRun` that single-record runs take instead.
 */
function flakyStore(failures: number): Store & { failed: () => number } {
  const inner = memoryStore();
  let left = failures;
  let failed = 0;
  const outage = (): void => {
    if (left > 0) {
      left -= 1;
      failed += 1;
      throw new Error("store outage: connection refused");
    }
  };
  const oneRecordRuns = inner.oneRecordRuns;
  return {
    ...inner,
    async insertRun(run: Parameters<Store["insertRun"]>[0]) {
      outage();
      return inner.insertRun(run);
    },
    ...(oneRecordRuns === undefined
      ? {}
      : {
          oneRecordRuns: {
            ...oneRecordRuns,
            async createOneRecordRun(...args: Parameters<typeof oneRecordRuns.createOneRecordRun>) {
              outage();
              return oneRecordRuns.createOneRecordRun(...args);
            },
          },
        }),
    failed: () => failed,
  };
}

async function approvedRuntime(
  store: Store,
): Promise<{ runtime: Runtime; blueprintId: string; sink: ReturnType<typeof memory> }> {
  const sink = memory();
  const runtime = createRuntime({ store, connectors: [sink], actor: "test" });
  const project = await runtime.projects.create({ name: "orders" });
  const source = await runtime.connectorRefs.put(project.id, {
    type: "memory",
    name: "shop",
    config: { channel: "shop" },
  });
  const target = await runtime.connectorRefs.put(project.id, {
    type: "memory",
    name: "erp",
    config: { channel: "erp" },
  });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "orders",
    body: {
      description: "orders from the shop's webhooks into the ERP",
      trigger: { kind: "webhook" },
      source: { connector: source.id },
      target: { connector: target.id },
      mappings: [
        {
          id: "order",
          rules: [{ target: "orderId", from: "id" }],
          samples: [{ name: "an order", input: { id: "o-1" }, output: { orderId: "o-1" } }],
        },
      ],
      steps: [
        { id: "map", kind: "map", mapping: "order" },
        { id: "send", kind: "send", connector: target.id },
      ],
    },
  });
  await runtime.blueprints.approve(blueprint.id);
  return { runtime, blueprintId: blueprint.id, sink };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function endpoint(onDelivery: (delivery: WebhookDelivery) => unknown, store: Store): Promise<string> {
  const receiver = webhookReceiver({ scheme: standardWebhooks({ secret }), store, onDelivery });
  const server = createServer(nodeWebhookHandler(receiver));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A sender: POSTs one message, re-signed on every attempt, until a 2xx or `attempts` run out. */
async function deliver(url: string, id: string, event: unknown, attempts = 5): Promise<number[]> {
  const body = JSON.stringify(event);
  const statuses: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const headers = signStandardWebhook({ secret, id, body });
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
    await response.arrayBuffer();
    statuses.push(response.status);
    if (response.ok) break;
  }
  return statuses;
}

describe("a webhook delivery that did not become a run is redelivered and processed once", () => {
  it("an outage while ingesting: 500, the sender retries, one run, one record at the target", async () => {
    const store = flakyStore(2);
    const { runtime, blueprintId, sink } = await approvedRuntime(store);
    const runs: string[] = [];
    const url = await endpoint(async (delivery) => {
      const run = await runtime.ingest(blueprintId, { record: delivery.body, idempotencyKey: delivery.key });
      runs.push(run.id);
    }, store);

    const statuses = await deliver(url, "msg_outage", { id: "o-42" });
    expect(statuses).toEqual([500, 500, 200]);
    expect(store.failed()).toBe(2);
    // The sender's late duplicate (it did not see the 200) changes nothing.
    expect(await deliver(url, "msg_outage", { id: "o-42" })).toEqual([200]);
    expect(runs).toHaveLength(1);
    const run = await runtime.runs.wait(runs[0]!, { timeoutMs: 10_000 });
    expect(run).toMatchObject({ status: "SUCCEEDED", counts: { total: 1, completed: 1 } });
    expect(sink.written("erp")).toEqual([{ orderId: "o-42" }]);
  });

  it("a crash after the run was created but before the answer: the redelivery is one effect", async () => {
    const store = memoryStore();
    const { runtime, blueprintId, sink } = await approvedRuntime(store);
    const runs: string[] = [];
    let crashes = 1;
    const url = await endpoint(async (delivery) => {
      const run = await runtime.ingest(blueprintId, { record: delivery.body, idempotencyKey: delivery.key });
      runs.push(run.id);
      await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
      if (crashes-- > 0) throw new Error("process died before acknowledging");
    }, store);

    expect(await deliver(url, "msg_crash", { id: "o-7" })).toEqual([500, 200]);
    // Two runs were created, but the record's key (the delivery's replay key) ran it once.
    expect(runs).toHaveLength(2);
    const second = await runtime.runs.wait(runs[1]!, { timeoutMs: 10_000 });
    expect(second.counts).toMatchObject({ total: 1, completed: 0, duplicates: 1 });
    expect(sink.written("erp")).toEqual([{ orderId: "o-7" }]);
  });

  it("the old docs' mistake (the body as the ingest event) answers 500, never a silent 200", async () => {
    const store = memoryStore();
    const { runtime, blueprintId, sink } = await approvedRuntime(store);
    const errors: unknown[] = [];
    const receiver = webhookReceiver({
      scheme: standardWebhooks({ secret }),
      store,
      // What docs/connectors.md used to show; it no longer compiles, hence the cast.
      onDelivery: (delivery) => runtime.ingest(blueprintId, delivery.body as never),
    });
    const server = createServer(nodeWebhookHandler(receiver, { onError: (error) => errors.push(error) }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    expect(await deliver(url, "msg_lost", { id: "o-9" }, 3)).toEqual([500, 500, 500]);
    expect(errors[0]).toMatchObject({ name: "ValidationError", path: "/record" });
    expect((await runtime.runs.list()).items).toHaveLength(0);
    expect(sink.written("erp")).toEqual([]);
  });
});
