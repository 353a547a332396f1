import { Agent, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { json, startLocalServer } from "../../test/local-server";
import { startTestCollector } from "../../test/trace-collector";
import { createTraceRecorder, generateWebhookSecret } from "../index";

// Own file: it replaces the process-wide dispatcher, which Node's built-in fetch uses.
const target = await startLocalServer((request, response) =>
  json(response, 200, { got: request.body === "" ? null : JSON.parse(request.body) }),
);
const secret = generateWebhookSecret();
const collector = await startTestCollector(secret);
const original = getGlobalDispatcher();
afterAll(async () => {
  setGlobalDispatcher(original);
  await target.close();
  await collector.close();
});

describe("trace recorder on the global dispatcher", () => {
  it("records plain fetch calls, and not the shipper's own deliveries (which use fetch too)", async () => {
    const recorder = createTraceRecorder({
      projectId: "prj_g",
      environment: "sandbox",
      shipper: { url: collector.url, secret, flushIntervalMs: 20 },
    });
    setGlobalDispatcher(new Agent().compose(recorder.interceptor()));

    const first = await fetch(`${target.url}/orders?email=jane%40example.com`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4111-1111-1111-1111", qty: 2 }),
    });
    expect(await first.json()).toEqual({ got: { card: "4111-1111-1111-1111", qty: 2 } });
    await recorder.flush();
    // A second call after a delivery: had deliveries been recorded, their traces would ship too.
    await (await fetch(`${target.url}/status`)).text();
    await recorder.close();

    const traces = collector.batches.flatMap((batch) => batch.batch.traces);
    expect(traces.map((trace) => trace.request.url)).toEqual([
      `${target.url}/orders?email=[REDACTED:email]`,
      `${target.url}/status`,
    ]);
    expect(traces[0]?.request.body).toEqual({ card: "[REDACTED:card]", qty: 2 });
    expect(collector.batches.length).toBeGreaterThanOrEqual(1);
    expect(recorder.stats()).toMatchObject({ recorded: 2, shipped: 2, dropped: 0 });
  });
});
