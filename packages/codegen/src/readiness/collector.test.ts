import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateWebhookSecret, signStandardWebhook } from "@synapseops/connectors";
import { memoryStore, type ReadinessStore } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordersDoc, orderTrace } from "../../test/readiness-report/fixtures";
import { CodegenConfigError } from "../errors";
import { createTraceCollector } from "./collector";
import type { TraceCollector } from "./collector-types";

const service = await checkTestService("postgres");
const secret = generateWebhookSecret();
const document = ordersDoc();

/** Posts a signed batch to the collector over real HTTP. */
async function post(
  url: string,
  body: string,
  options: { id?: string; timestamp?: number; signWith?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const signed = signStandardWebhook({
    secret: options.signWith ?? secret,
    id: options.id ?? `msg_${randomUUID()}`,
    body,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...signed, ...options.headers },
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function collectorContract(
  name: string,
  makeStore: () => ReadinessStore & { close?: () => Promise<void> },
  skip: string | false,
) {
  describe.skipIf(Boolean(skip))(`createTraceCollector over ${name}`, () => {
    let store: ReturnType<typeof makeStore>;
    let collector: TraceCollector;
    let server: Server;
    let url: string;
    const projectId = `prj_${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      store = makeStore();
      collector = createTraceCollector({ store, secret, documents: { [projectId]: { document } } });
      server = createServer((request, response) => void collector.node(request, response));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/traces`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await store.close?.();
    });

    const stored = async () => (await store.listTraces({ projectId, limit: 500 })).items;

    it("stores a signed batch, each trace tagged with its operation and conformance", async () => {
      const good = orderTrace(`trc_${randomUUID()}`, { projectId });
      const bad = orderTrace(`trc_${randomUUID()}`, { projectId, body: { lines: [{ sku: 1 }] } });
      const answer = await post(url, JSON.stringify({ traces: [good, bad] }));
      expect(answer).toMatchObject({
        status: 200,
        json: { ok: true, duplicate: false, received: 2, stored: 2 },
      });
      const traces = await stored();
      const byId = new Map(traces.map((t) => [t.id, t]));
      expect(byId.get(good.id as string)).toMatchObject({
        operation: "createOrder",
        conformance: { ok: true, problems: [] },
      });
      const conformance = byId.get(bad.id as string)?.conformance;
      expect(conformance?.ok).toBe(false);
      expect(conformance?.problems.map((p) => p.pointer).sort()).toEqual([
        "/request/body/lines/0/quantity",
        "/request/body/lines/0/sku",
      ]);
      expect(byId.get(good.id as string)?.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it("refuses a batch signed with another secret, storing nothing", async () => {
      const before = (await stored()).length;
      const answer = await post(
        url,
        JSON.stringify({ traces: [orderTrace(`trc_${randomUUID()}`, { projectId })] }),
        {
          signWith: generateWebhookSecret(),
        },
      );
      expect(answer).toMatchObject({ status: 401, json: { ok: false, error: "bad_signature" } });
      expect(await stored()).toHaveLength(before);
    });

    it("refuses a stale timestamp even with a valid signature", async () => {
      const before = (await stored()).length;
      const answer = await post(
        url,
        JSON.stringify({ traces: [orderTrace(`trc_${randomUUID()}`, { projectId })] }),
        {
          timestamp: Math.floor(Date.now() / 1000) - 301,
        },
      );
      expect(answer).toMatchObject({ status: 401, json: { error: "timestamp_out_of_tolerance" } });
      expect(await stored()).toHaveLength(before);
    });

    it("acknowledges a replayed batch, and the shipper's retry with a new body, without storing again", async () => {
      const id = `msg_${randomUUID()}`;
      const traces = [orderTrace(`trc_${randomUUID()}`, { projectId })];
      const body = JSON.stringify({ id, sentAt: "2026-11-25T04:00:00.000Z", dropped: 0, traces });
      const first = await post(url, body, { id });
      expect(first.json).toMatchObject({ ok: true, duplicate: false, stored: 1 });
      const count = (await stored()).length;
      const replay = await post(url, body, { id });
      expect(replay).toMatchObject({ status: 200, json: { ok: true, duplicate: true, stored: 0 } });
      // A retry after a lost answer: same batch id, a new `sentAt`, signed again.
      const retry = JSON.stringify({ id, sentAt: "2026-11-25T04:00:05.000Z", dropped: 0, traces });
      expect(await post(url, retry, { id })).toMatchObject({ status: 200, json: { duplicate: true } });
      expect(await stored()).toHaveLength(count);
    });

    it("refuses an invalid batch whole, pointing at each problem", async () => {
      const before = (await stored()).length;
      const valid = orderTrace(`trc_${randomUUID()}`, { projectId });
      const invalid = {
        ...orderTrace(`trc_${randomUUID()}`, { projectId }),
        timing: { startedAt: "yesterday", durationMs: -1 },
      };
      const answer = await post(url, JSON.stringify({ traces: [valid, invalid] }));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ ok: false, error: "invalid_batch" });
      const paths = (answer.json.problems as { path: string }[]).map((p) => p.path).sort();
      expect(paths).toEqual(["/traces/1/timing/durationMs", "/traces/1/timing/startedAt"]);
      const notABatch = await post(url, JSON.stringify({ items: [] }));
      expect(notABatch).toMatchObject({ status: 400, json: { problems: [{ path: "/traces" }] } });
      expect(await stored()).toHaveLength(before);
    });
  });
}

let schemaCounter = 0;
collectorContract("memoryStore", () => memoryStore(), false);
collectorContract(
  "postgresStore",
  () =>
    postgresStore(
      { connectionString: service.url },
      {
        schema: `synapseops_test_collector_${randomUUID().replaceAll("-", "").slice(0, 10)}_${schemaCounter++}`,
      },
    ),
  service.skip,
);

describe("createTraceCollector", () => {
  it("serves fetch-style handlers (Hono, Bun) and enforces batch limits", async () => {
    const store = memoryStore();
    const collector = createTraceCollector({ store, secret, maxTracesPerBatch: 2, environment: "uat" });
    const request = (body: string) =>
      new Request("http://collector.local/traces", {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          ...signStandardWebhook({ secret, id: `msg_${randomUUID()}`, body }),
        },
      });
    const ok = await collector.handle(request(JSON.stringify([orderTrace("trc_a"), orderTrace("trc_b")])));
    expect(ok.status).toBe(200);
    const [trace] = (await store.listTraces({ projectId: "prj_1" })).items;
    // No document for the project: stored as sent, with the collector's environment.
    expect(trace).toMatchObject({ environment: "uat" });
    expect(trace?.conformance).toBeUndefined();
    const tooMany = await collector.handle(
      request(JSON.stringify([orderTrace("c"), orderTrace("d"), orderTrace("e")])),
    );
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { problems: { message: string }[] }).problems[0]?.message).toMatch(
      /at most 2/,
    );
    expect((await collector.handle(new Request("http://collector.local/traces"))).status).toBe(405);
  });

  it("answers 500 when the store fails, and stores the batch when the shipper retries it", async () => {
    const store = memoryStore();
    let failures = 1;
    const flaky = {
      ...store,
      insertTraces: async (traces: Parameters<typeof store.insertTraces>[0]) => {
        if (failures-- > 0) throw new Error("connection reset");
        return store.insertTraces(traces);
      },
    };
    const collector = createTraceCollector({ store: flaky, secret });
    const id = `msg_${randomUUID()}`;
    const deliver = (sentAt: string) => {
      const body = JSON.stringify({ id, sentAt, dropped: 0, traces: [orderTrace("trc_flaky")] });
      return collector.receive({ rawBody: body, headers: signStandardWebhook({ secret, id, body }) });
    };
    const first = await deliver("2026-11-25T04:00:00.000Z");
    expect(first).toMatchObject({ status: 500, body: { ok: false, error: "store_failed" } });
    expect(JSON.stringify(first.body)).not.toContain("connection reset");
    expect(await deliver("2026-11-25T04:00:02.000Z")).toMatchObject({
      status: 200,
      body: { stored: 1, duplicate: false },
    });
    expect((await store.listTraces({ projectId: "prj_1" })).items.map((t) => t.id)).toEqual(["trc_flaky"]);
  });

  it("finds a project's document through a function, and leaves unknown projects untagged", async () => {
    const store = memoryStore();
    const asked: string[] = [];
    const collector = createTraceCollector({
      store,
      secret,
      documents: async (projectId) => {
        asked.push(projectId);
        return projectId === "prj_known" ? { document } : undefined;
      },
    });
    const body = JSON.stringify({
      traces: [
        orderTrace("trc_k", { projectId: "prj_known" }),
        orderTrace("trc_u", { projectId: "prj_unknown" }),
      ],
    });
    const answer = await collector.receive({
      rawBody: body,
      headers: signStandardWebhook({ secret, id: "msg_fn", body }),
    });
    expect(answer).toMatchObject({ status: 200, body: { stored: 2 } });
    expect(asked.sort()).toEqual(["prj_known", "prj_unknown"]);
    const [known] = (await store.listTraces({ projectId: "prj_known" })).items;
    const [unknown] = (await store.listTraces({ projectId: "prj_unknown" })).items;
    expect(known).toMatchObject({ operation: "createOrder", conformance: { ok: true } });
    expect(unknown?.conformance).toBeUndefined();
  });

  it("refuses a replay window shorter than twice the tolerance", () => {
    expect(() =>
      createTraceCollector({ store: memoryStore(), secret, toleranceSeconds: 300, replayWindowSeconds: 400 }),
    ).toThrow(CodegenConfigError);
  });
});
