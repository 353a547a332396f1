import { describe, expect, it } from "vitest";
import { connectorErrorFromStatus } from "../../connector-error";
import { classifyFailure } from "./classify-error";
import { attemptLimit, backoffDelay, decideRetry, normaliseRetryPolicy, retryHorizon } from "./retry-policy";
import { retryPresets } from "./retry-presets";

/** A seeded generator (mulberry32), so the draws are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("retry policy", () => {
  // issue 16: the old default (4 attempts, 200 ms, full jitter: ≤ 1.4 s in all) dead-lettered
  // 11 % of records during a 6 s outage. The default now rides out a minute.
  it("fills in the defaults: 10 attempts (9 retries), 500 ms, ×2, 30 s cap, equal jitter", () => {
    expect(normaliseRetryPolicy()).toEqual({
      maxAttempts: 10,
      initialDelayMs: 500,
      multiplier: 2,
      maxDelayMs: 30_000,
      jitter: "equal",
      parkAfterMs: 60_000,
    });
    expect(() => normaliseRetryPolicy({ maxAttempts: 0 })).toThrow(
      expect.objectContaining({ path: "/retry/maxAttempts" }),
    );
  });

  it("keeps 10k seeded full-jitter draws per retry within [0, min(cap, base·2^n)]", () => {
    const policy = normaliseRetryPolicy({
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      maxAttempts: 10,
      jitter: "full",
    });
    const random = seeded(42);
    for (let retry = 1; retry <= 6; retry += 1) {
      const ceiling = Math.min(1_000, 100 * 2 ** (retry - 1));
      const draws = Array.from({ length: 10_000 }, () => backoffDelay(policy, retry, random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(ceiling);
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      // Uniform on [0, ceiling]: the mean is ceiling/2 within 3% of the ceiling.
      expect(Math.abs(mean - ceiling / 2)).toBeLessThan(ceiling * 0.03);
    }
  });

  it("keeps equal-jitter draws within [ceiling/2, ceiling] and no-jitter delays exact", () => {
    const equal = normaliseRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: "equal" });
    const random = seeded(7);
    for (let retry = 1; retry <= 5; retry += 1) {
      const ceiling = Math.min(1_000, 100 * 2 ** (retry - 1));
      for (let i = 0; i < 10_000; i += 1) {
        const delay = backoffDelay(equal, retry, random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
    const none = normaliseRetryPolicy({
      initialDelayMs: 100,
      multiplier: 3,
      maxDelayMs: 2_000,
      jitter: "none",
    });
    expect([1, 2, 3, 4].map((retry) => backoffDelay(none, retry))).toEqual([100, 300, 900, 2_000]);
  });

  it("waits exactly the peer's Retry-After (seconds or HTTP date), never less, and falls back when malformed", () => {
    const policy = normaliseRetryPolicy({ maxDelayMs: 60_000 });
    const now = new Date("2026-11-25T10:00:00Z");
    const seconds = connectorErrorFromStatus(429, "slow down", { retryAfter: "7", now });
    const date = connectorErrorFromStatus(503, "busy", { retryAfter: "Wed, 25 Nov 2026 10:00:12 GMT", now });
    const malformed = connectorErrorFromStatus(503, "busy", { retryAfter: "in a bit", now });
    let early = 0;
    for (const [error, expected] of [
      [seconds, 7_000],
      [date, 12_000],
    ] as const) {
      const decision = decideRetry(policy, 1, classifyFailure(error));
      expect(decision).toEqual({ retry: true, delayMs: expected, source: "retry-after", park: false });
      if (decision.retry && decision.delayMs < expected) early += 1;
    }
    expect(early).toBe(0);
    // The default's first ceiling is 500 ms; equal jitter at 0.5 draws 250 + 0.5 · 251.
    const fallback = decideRetry(policy, 1, classifyFailure(malformed), () => 0.5);
    expect(fallback).toEqual({ retry: true, delayMs: 375, source: "backoff", park: false });
    expect(decideRetry(normaliseRetryPolicy({ maxDelayMs: 5_000 }), 1, classifyFailure(seconds))).toEqual({
      retry: false,
      reason: "retry-after-too-long",
    });
  });

  it("classifies statuses and network errors as the table says, 100%", () => {
    const table: [unknown, boolean][] = [
      ...[400, 401, 403, 404, 422].map(
        (status) => [connectorErrorFromStatus(status, "x"), false] as [unknown, boolean],
      ),
      ...[408, 425, 429, 500, 502, 503, 504].map(
        (status) => [connectorErrorFromStatus(status, "x"), true] as [unknown, boolean],
      ),
      [Object.assign(new Error("reset"), { code: "ECONNRESET" }), true],
      [
        new TypeError("fetch failed", {
          cause: Object.assign(new Error("t"), { code: "UND_ERR_CONNECT_TIMEOUT" }),
        }),
        true,
      ],
      [new DOMException("timeout", "TimeoutError"), true],
      [new Error("unexpected"), false],
    ];
    const matched = table.filter(
      ([error, retryable]) => classifyFailure(error).retryable === retryable,
    ).length;
    process.stdout.write(`[figure] retry classification: ${matched}/${table.length} matched\n`);
    expect(matched).toBe(table.length);
    const policy = normaliseRetryPolicy();
    expect(decideRetry(policy, 9, { retryable: true })).toMatchObject({ retry: true });
    expect(decideRetry(policy, 10, { retryable: true })).toEqual({
      retry: false,
      reason: "attempts-exhausted",
    });
    expect(decideRetry(policy, 1, { retryable: false })).toEqual({ retry: false, reason: "not-retryable" });
  });

  // issue 16: whatever the draws, the default policy keeps retrying through 60 s of outage.
  it("waits at least 60 s in all with the default policy, whatever the jitter draws", () => {
    const policy = normaliseRetryPolicy();
    expect(retryHorizon(policy)).toEqual({ minMs: 60_750, maxMs: 121_500 });
    const random = seeded(16);
    let shortest = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 2_000; trial += 1) {
      let waited = 0;
      let attempt = 1;
      for (;;) {
        const decision = decideRetry(policy, attempt, { retryable: true }, random);
        if (!decision.retry) break;
        waited += decision.delayMs;
        attempt += 1;
      }
      expect(attempt).toBe(10);
      shortest = Math.min(shortest, waited);
    }
    expect(shortest).toBeGreaterThanOrEqual(60_000);
    // The old default, for comparison: full jitter over 200, 400, 800 ms waits 0–1.4 s.
    const old = normaliseRetryPolicy({ maxAttempts: 4, initialDelayMs: 200, jitter: "full" });
    expect(retryHorizon(old)).toEqual({ minMs: 0, maxMs: 1_400 });
  });

  // issue 20: retries with long horizons.
  it("follows an explicit schedule exactly: the Svix preset retries 7 times over 27 h 35 min 5 s", () => {
    const svix = normaliseRetryPolicy(retryPresets.svix);
    expect(attemptLimit(svix)).toBe(8);
    const delays = [1, 2, 3, 4, 5, 6, 7].map((retry) =>
      decideRetry(svix, retry, { retryable: true }, () => 0.5),
    );
    expect(delays.map((d) => (d.retry ? d.delayMs : -1))).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    // The 5 s retry sleeps in the worker; every later one parks the record.
    expect(delays.map((d) => d.retry && d.park)).toEqual([false, true, true, true, true, true, true]);
    expect(decideRetry(svix, 8, { retryable: true })).toEqual({ retry: false, reason: "attempts-exhausted" });
    expect(retryHorizon(svix)).toEqual({ minMs: 99_305_000, maxMs: 99_305_000 });
    // maxAttempts may cut a schedule short, never lengthen it.
    expect(attemptLimit(normaliseRetryPolicy({ delaysMs: [10, 20], maxAttempts: 2 }))).toBe(2);
    expect(attemptLimit(normaliseRetryPolicy({ delaysMs: [10, 20] }))).toBe(3);
  });

  it("parks an exponential retry once its delay reaches parkAfterMs, and never with the default policy", () => {
    const hours = normaliseRetryPolicy({
      initialDelayMs: 60_000,
      maxDelayMs: 4 * 3_600_000,
      multiplier: 4,
      jitter: "none",
      parkAfterMs: 600_000,
    });
    const parks = [1, 2, 3, 4, 5].map((retry) => decideRetry(hours, retry, { retryable: true }));
    expect(parks.map((d) => (d.retry ? [d.delayMs, d.park] : d.reason))).toEqual([
      [60_000, false],
      [240_000, false],
      [960_000, true],
      [3_840_000, true],
      [14_400_000, true],
    ]);
    const defaults = normaliseRetryPolicy();
    for (let attempt = 1; attempt < 10; attempt += 1) {
      expect(decideRetry(defaults, attempt, { retryable: true })).toMatchObject({ park: false });
    }
  });

  it("lets Retry-After win over a schedule (parking for it when long), up to the schedule's longest delay", () => {
    const svix = normaliseRetryPolicy(retryPresets.svix);
    expect(decideRetry(svix, 1, { retryable: true, retryAfterMs: 3 * 3_600_000 })).toEqual({
      retry: true,
      delayMs: 3 * 3_600_000,
      source: "retry-after",
      park: true,
    });
    expect(decideRetry(svix, 1, { retryable: true, retryAfterMs: 2_000 })).toMatchObject({
      delayMs: 2_000,
      park: false,
    });
    expect(decideRetry(svix, 1, { retryable: true, retryAfterMs: 11 * 3_600_000 })).toEqual({
      retry: false,
      reason: "retry-after-too-long",
    });
  });

  it("refuses an empty, negative or oversized schedule with the field's path", () => {
    expect(() => normaliseRetryPolicy({ delaysMs: [] })).toThrow(
      expect.objectContaining({ path: "/retry/delaysMs" }),
    );
    expect(() => normaliseRetryPolicy({ delaysMs: [5, -1] })).toThrow(
      expect.objectContaining({ path: "/retry/delaysMs/1" }),
    );
    expect(() => normaliseRetryPolicy({ delaysMs: [8 * 86_400_000] })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(() => normaliseRetryPolicy({ parkAfterMs: -5 })).toThrow(
      expect.objectContaining({ path: "/retry/parkAfterMs" }),
    );
  });
});
