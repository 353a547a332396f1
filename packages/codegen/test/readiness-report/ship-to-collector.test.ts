import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTraceRecorder, generateWebhookSecret } from "@synapseops/connectors";
import { memoryStore } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTraceCollector } from "../../src/readiness/collector";
import { ordersDoc } from "./fixtures";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// Issue 10: the connectors' recorder and shipper deliver to the codegen collector as they are.
describe("trace recorder → shipper → collector", () => {
  const store = memoryStore();
  const secret = generateWebhookSecret();
  const collector = createTraceCollector({
    store,
    secret,
    documents: { prj_ship: { document: ordersDoc() } },
  });
  const collectorServer = createServer((request, response) => void collector.node(request, response));
  // The vendor API the partner calls: answers like the orders document says.
  const api = createServer((request, response) => {
    request.resume();
    response.writeHead(201, { "content-type": "application/json", location: "/orders/ord_9" });
    response.end(JSON.stringify({ id: "ord_9", status: "open" }));
  });
  let apiUrl: string;
  let collectorUrl: string;
  beforeAll(async () => {
    apiUrl = await listen(api);
    collectorUrl = await listen(collectorServer);
  });
  afterAll(async () => {
    await new Promise((resolve) => api.close(resolve));
    await new Promise((resolve) => collectorServer.close(resolve));
  });

  it("stores the partner's calls tagged with operation and conformance, redacted", async () => {
    const recorder = createTraceRecorder({
      projectId: "prj_ship",
      environment: "sandbox",
      shipper: { url: `${collectorUrl}/traces`, secret },
    });
    const call = (body: unknown) =>
      recorder.fetch(`${apiUrl}/v2/orders`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": "sk_live_canary_123",
          "idempotency-key": "k1",
        },
        body: JSON.stringify(body),
      });
    expect((await call({ lines: [{ sku: "A", quantity: 1 }] })).status).toBe(201);
    expect((await call({ lines: [{ sku: "B" }], note: "jane.doe@example.com" })).status).toBe(201);
    await recorder.close();
    const traces = (await store.listTraces({ projectId: "prj_ship" })).items;
    expect(traces).toHaveLength(2);
    expect(traces.map((t) => t.operation)).toEqual(["createOrder", "createOrder"]);
    const [good, bad] = [...traces].sort((a, b) => a.timing.startedAt.localeCompare(b.timing.startedAt));
    expect(good?.conformance).toEqual({ ok: true, problems: [] });
    expect(bad?.conformance?.problems.map((p) => p.pointer)).toEqual(["/request/body/lines/0/quantity"]);
    const text = JSON.stringify(traces);
    expect(text).not.toContain("sk_live_canary_123");
    expect(text).not.toContain("jane.doe@example.com");
  });
});
