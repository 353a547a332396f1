import { type BlueprintBodyInput, memoryStore, normaliseRetryPolicy, retryHorizon } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { approvedPayments, failures, paymentsBody } from "./_executor-fixtures";

// issue 16 (backpressure): the default retry policy (4 attempts over ~1.4 s) dead-lettered 11 %
// of records during a 6 s outage. The default now waits 60.75–121.5 s before it gives up.

/** The payments blueprint with `retry` as the send step's policy (none: the default policy). */
function bodyWith(retry?: Record<string, unknown>) {
  return (source: string, target: string): BlueprintBodyInput => {
    const body = paymentsBody(source, target);
    body.steps = [
      ...body.steps.slice(0, 2),
      { id: "send", kind: "send", connector: target, ...(retry ? { policy: { retry } } : {}) },
    ];
    return body;
  };
}

/** Runs 40 records against a target that answers 503 for the first `outageMs`. */
async function throughOutage(outageMs: number, retry?: Record<string, unknown>) {
  const { runtime, blueprintId, target } = await approvedPayments(memoryStore(), { body: bodyWith(retry) });
  const started = Date.now();
  target.behave((record) => {
    if (Date.now() - started < outageMs) throw failures.unavailable();
    return { ok: true, record };
  });
  try {
    const records = Array.from({ length: 40 }, (_, i) => ({ id: `p-${i}`, amount: i + 1 }));
    const run = await runtime.runs.start(blueprintId, { records });
    const done = await runtime.runs.wait(run.id, { timeoutMs: 60_000 });
    const retries = (await runtime.runs.events(run.id, { limit: 500 })).items.filter(
      (e) => e.type === "step.retry",
    );
    return { done, retries, tookMs: Date.now() - started, effects: target.effects.length };
  } finally {
    await runtime.close();
  }
}

/** Resolves once `calls()` reaches `n` (checked every 20 ms, for at most 20 s). */
async function callsReach(calls: () => number, n: number): Promise<void> {
  for (let waited = 0; calls() < n; waited += 20) {
    if (waited > 20_000) throw new Error(`only ${calls()} calls of ${n} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("retries through an outage", () => {
  it("loses no record to a 6 s outage with the default policy (the outage of the issue)", async () => {
    const { done, retries, effects } = await throughOutage(6_000);
    expect(retries.length).toBeGreaterThan(0);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.counts).toMatchObject({ total: 40, completed: 40, deadLettered: 0, failed: 0 });
    expect(effects).toBe(40);
  }, 40_000);

  it("loses no record to a 60 s-class outage: the default policy's shape at 1/10 scale against a 6 s outage", async () => {
    // Every delay of the default divided by 10 (initial 50 ms, cap 3 s, same attempts and
    // jitter): its horizon is exactly a tenth of the default's, so 6 s here stands for 60 s.
    const defaults = normaliseRetryPolicy();
    const scaled = {
      ...defaults,
      initialDelayMs: defaults.initialDelayMs / 10,
      maxDelayMs: defaults.maxDelayMs / 10,
    };
    const full = retryHorizon(defaults);
    expect(retryHorizon(normaliseRetryPolicy(scaled))).toEqual({
      minMs: full.minMs / 10,
      maxMs: full.maxMs / 10,
    });
    const { done, tookMs } = await throughOutage(6_000, scaled);
    expect(done.counts).toMatchObject({ total: 40, completed: 40, deadLettered: 0 });
    expect(tookMs).toBeGreaterThanOrEqual(6_000);
  }, 40_000);

  it("dead-letters through the same outage with the old default (so the test above can fail)", async () => {
    const { done } = await throughOutage(6_000, { maxAttempts: 4, initialDelayMs: 200, jitter: "full" });
    expect(done.counts.deadLettered).toBeGreaterThan(0);
  }, 40_000);

  it("cancel and close interrupt a long backoff at once", async () => {
    const { runtime, blueprintId, target } = await approvedPayments(memoryStore(), { body: bodyWith() });
    target.behave(() => {
      throw failures.unavailable();
    });
    try {
      const run = await runtime.runs.start(blueprintId, { input: { id: "p-1", amount: 1 } });
      // After the fifth failed call the record is in its fifth backoff: 4–8 s with the default.
      await callsReach(() => target.calls(), 5);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const calls = target.calls();
      const before = Date.now();
      await runtime.runs.cancel(run.id);
      const done = await runtime.runs.wait(run.id, { timeoutMs: 2_000 });
      expect(done.status).toBe("CANCELLED");
      expect(Date.now() - before).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(target.calls()).toBe(calls);

      await runtime.runs.start(blueprintId, { input: { id: "p-2", amount: 1 } });
      // Four failed calls: the record is in a 2–4 s backoff, which close() must not wait out.
      await callsReach(() => target.calls(), calls + 4);
      const closing = Date.now();
      await runtime.close({ timeoutMs: 100 });
      expect(Date.now() - closing).toBeLessThan(1_500);
    } finally {
      await runtime.close().catch(() => {});
    }
  }, 60_000);
});
