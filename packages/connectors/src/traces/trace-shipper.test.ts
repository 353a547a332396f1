import { performance } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { json, startLocalServer, unreachableUrl } from "../../test/local-server";
import { startTestCollector } from "../../test/trace-collector";
import { createTraceRecorder, createTraceShipper, generateWebhookSecret, type RecordedTrace } from "../index";

const target = await startLocalServer((_request, response) => json(response, 200, { ok: true }));
const secret = generateWebhookSecret();
const collector = await startTestCollector(secret);
afterAll(async () => {
  await target.close();
  await collector.close();
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function trace(index: number): RecordedTrace {
  return {
    id: `trc_test_${index}`,
    projectId: "prj_s",
    environment: "sandbox",
    request: { method: "GET", url: `https://api.example/items/${index}`, headers: {} },
    response: { status: 200, headers: {}, body: { index } },
    timing: { startedAt: new Date().toISOString(), durationMs: 1 },
  };
}

describe("trace shipper", () => {
  it("keeps the host's requests flowing while the collector hangs, within its buffer bound", async () => {
    const from = collector.batches.length;
    const hung: import("node:http").ServerResponse[] = [];
    collector.answer = (_attempt, response) => {
      hung.push(response);
      return "handled"; // never answers: each delivery waits for its timeout
    };
    const deliveryTimeoutMs = 20_000;
    const recorder = createTraceRecorder({
      projectId: "prj_s",
      environment: "sandbox",
      shipper: {
        url: collector.url,
        secret,
        batchSize: 5,
        maxBufferedTraces: 10,
        flushIntervalMs: 10,
        timeoutMs: deliveryTimeoutMs,
        retry: { initialDelayMs: 50, maxDelayMs: 100 },
      },
    });
    const attemptsBefore = collector.attempts.length;
    const started = performance.now();
    for (let index = 0; index < 30; index += 1) {
      const response = await recorder.fetch(`${target.url}/items/${index}`);
      expect(response.status).toBe(200);
      await response.text();
    }
    const hostElapsed = performance.now() - started;
    await waitFor(() => recorder.stats().recorded === 30, 5000);
    // A delivery was on the wire, hanging, while the host made its calls: had any call waited for
    // shipping, the loop could not have finished before that delivery's timeout.
    expect(collector.attempts.length).toBeGreaterThan(attemptsBefore);
    expect(hostElapsed).toBeLessThan(deliveryTimeoutMs);
    const during = recorder.stats();
    expect(during.recorded).toBe(30);
    expect(during.shipped).toBe(0);
    expect(during.buffered).toBeLessThanOrEqual(10);
    expect(during.dropped).toBe(30 - during.buffered);
    expect(during.dropped).toBeGreaterThanOrEqual(20);

    // The collector recovers: what the buffer kept is delivered, and the drops are reported.
    collector.answer = () => "accepted";
    for (const response of hung) response.destroy();
    await waitFor(() => recorder.stats().buffered === 0, 10_000);
    const after = recorder.stats();
    expect(after.shipped).toBe(during.buffered);
    expect(after.failedDeliveries).toBeGreaterThanOrEqual(1);
    const delivered = collector.batches.slice(from);
    expect(delivered.flatMap((batch) => batch.batch.traces)).toHaveLength(during.buffered);
    // Every drop is reported once, by the next batch formed after it.
    expect(delivered.reduce((sum, batch) => sum + batch.batch.dropped, 0)).toBe(during.dropped);
    // The oldest traces went, except the batch that was on the wire: past it, only the newest remain.
    const later = delivered.slice(1).flatMap((batch) => batch.batch.traces.map((t) => t.request.url));
    expect(later).toContain(`${target.url}/items/29`);
    for (const url of later) expect(Number(url.split("/").at(-1))).toBeGreaterThanOrEqual(20);
    await recorder.close();
    expect(collector.refused).toEqual([]);
  });

  it("keeps the host's requests succeeding when the collector is unreachable, and drops at close", async () => {
    const recorder = createTraceRecorder({
      projectId: "prj_s",
      environment: "sandbox",
      shipper: {
        url: `${await unreachableUrl()}/traces`,
        secret,
        batchSize: 2,
        maxBufferedTraces: 4,
        flushIntervalMs: 10,
      },
    });
    for (let index = 0; index < 12; index += 1) {
      const response = await recorder.fetch(`${target.url}/items/${index}`);
      expect(response.ok).toBe(true);
      await response.text();
    }
    await recorder.flush();
    const stats = recorder.stats();
    expect(stats.recorded).toBe(12);
    expect(stats.failedDeliveries).toBeGreaterThanOrEqual(1);
    expect(stats.buffered).toBeLessThanOrEqual(4);
    expect(stats.dropped).toBe(12 - stats.buffered);
    const closing = performance.now();
    await recorder.close({ timeoutMs: 300 });
    expect(performance.now() - closing).toBeLessThan(2000);
    expect(recorder.stats()).toMatchObject({ buffered: 0, dropped: 12, shipped: 0 });
  });

  it("honours Retry-After and keeps the batch id across retries", async () => {
    const answeredAt: number[] = [];
    collector.answer = (_attempt, response) => {
      answeredAt.push(Date.now());
      if (answeredAt.length > 1) return "accepted";
      json(response, 503, { error: "busy" }, { "retry-after": "1" });
      return "handled";
    };
    const shipper = createTraceShipper({ url: collector.url, secret, flushIntervalMs: 10 });
    for (let index = 0; index < 3; index += 1) shipper.enqueue(trace(index));
    await shipper.flush();
    await waitFor(() => shipper.stats().shipped === 3, 5000);
    const ids = collector.attempts.slice(-2).map((attempt) => attempt.headers["webhook-id"]);
    expect(ids[0]).toMatch(/^tbat_/);
    expect(ids[1]).toBe(ids[0]);
    expect((answeredAt[1] ?? 0) - (answeredAt[0] ?? 0)).toBeGreaterThanOrEqual(950);
    expect(shipper.stats()).toEqual({ shipped: 3, dropped: 0, failedDeliveries: 1, buffered: 0 });
    expect(collector.batches.at(-1)?.batch.traces.map((t) => t.id)).toEqual([
      "trc_test_0",
      "trc_test_1",
      "trc_test_2",
    ]);
    await shipper.close();
  });

  it("drops a batch the collector refuses with a 4xx, without retrying it", async () => {
    let answers = 0;
    collector.answer = (_attempt, response) => {
      answers += 1;
      json(response, 413, { error: "too large" });
      return "handled";
    };
    const shipper = createTraceShipper({ url: collector.url, secret, flushIntervalMs: 10 });
    shipper.enqueue(trace(1));
    shipper.enqueue(trace(2));
    await shipper.flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answers).toBe(1);
    expect(shipper.stats()).toEqual({ shipped: 0, dropped: 2, failedDeliveries: 1, buffered: 0 });
    await shipper.close();
    collector.answer = () => "accepted";
  });

  it("splits batches by size and count", async () => {
    const from = collector.batches.length;
    collector.answer = () => "accepted";
    const shipper = createTraceShipper({ url: collector.url, secret, batchSize: 4, maxBatchBytes: 900 });
    for (let index = 0; index < 10; index += 1) shipper.enqueue(trace(index));
    await shipper.close();
    const sizes = collector.batches.slice(from).map((batch) => batch.batch.traces.length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    for (const batch of collector.batches.slice(from)) {
      expect(batch.batch.traces.length === 1 || batch.raw.length < 900 + 200).toBe(true);
    }
  });

  it("rejects bad options with the option's path", () => {
    expect(() => createTraceShipper({ url: collector.url, secret: "not-a-secret" })).toThrow(/whsec_/);
    expect(() => createTraceShipper({ url: collector.url, secret, batchSize: 0 })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", path: "/batchSize" }),
    );
    expect(() => createTraceRecorder({ projectId: "", environment: "x" })).toThrow(
      expect.objectContaining({ path: "/projectId" }),
    );
  });
});
