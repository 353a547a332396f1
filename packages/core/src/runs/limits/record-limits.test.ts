import { memoryLimitBackend, memoryStore, ValidationError } from "@synapseops/core";
import { afterEach, describe, expect, it } from "vitest";
import { recordsOf, tenantRuntime, WriteProbe } from "../../../test/_limits-fixtures";

// Issue 20: per-key record limits and fairness, in one process (memory store, inline queue).
// The same over Redis and PostgreSQL with three workers: test/record-limits-workers.test.ts.

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const runtime of closing.splice(0)) await runtime.close();
});

describe("recordLimits", () => {
  it("never lets a key have more records in flight than its concurrency", async () => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, {
      store: memoryStore(),
      recordConcurrency: 8,
      recordLimits: { limits: [{ name: "tenant", key: "record.tenant", concurrency: 2 }] },
    });
    closing.push(runtime);
    const records = ["a", "b", "c"].flatMap((tenant) => recordsOf(tenant, 12));
    const run = await runtime.runs.start(blueprintId, { records });
    const done = await runtime.runs.wait(run.id, { timeoutMs: 20_000 });
    expect(done.status).toBe("SUCCEEDED");
    expect(done.counts.completed).toBe(36);
    expect(Object.fromEntries(probe.maxInFlight)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it("serves a key's single record before a flooding key's backlog (fair lanes)", async () => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, {
      store: memoryStore(),
      recordConcurrency: 4,
      recordLimits: { limits: [{ name: "tenant", key: "record.tenant", concurrency: 1 }] },
    });
    closing.push(runtime);
    // The quiet record comes last in the run: in record order it would wait for all 200.
    const records = [...recordsOf("flood", 200), ...recordsOf("quiet", 1)];
    const run = await runtime.runs.start(blueprintId, { records });
    expect((await runtime.runs.wait(run.id, { timeoutMs: 30_000 })).status).toBe("SUCCEEDED");
    // Lanes start side by side: the quiet record is among the first two writes.
    expect(probe.order.indexOf("quiet-0")).toBeLessThan(2);
    expect(probe.maxInFlight.get("flood")).toBe(1);
  });

  it("leaves records whose key expression gives nothing outside the limit", async () => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, {
      store: memoryStore(),
      recordConcurrency: 4,
      workMs: 10,
      recordLimits: {
        limits: [{ name: "vip", key: 'record.tenant = "vip" ? record.tenant : null', concurrency: 1 }],
      },
    });
    closing.push(runtime);
    const run = await runtime.runs.start(blueprintId, {
      records: [...recordsOf("vip", 4), ...recordsOf("other", 8)],
    });
    expect((await runtime.runs.wait(run.id, { timeoutMs: 20_000 })).counts.completed).toBe(12);
    expect(probe.maxInFlight.get("vip")).toBe(1);
    expect(probe.maxInFlight.get("other")).toBeGreaterThan(1);
  });

  it("runs a record whose key expression fails, outside that limit (nothing dropped)", async () => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, {
      store: memoryStore(),
      recordLimits: { limits: [{ name: "num", key: "$number(record.tenant)", concurrency: 1 }] },
    });
    closing.push(runtime);
    // "7" casts; "x" makes $number throw.
    const run = await runtime.runs.start(blueprintId, {
      records: [...recordsOf("7", 3), ...recordsOf("x", 3)],
    });
    const done = await runtime.runs.wait(run.id, { timeoutMs: 20_000 });
    expect(done.counts).toMatchObject({ total: 6, completed: 6, failed: 0 });
    expect(probe.maxInFlight.get("7")).toBe(1);
  });

  it.each([
    ["kept in memory", false],
    ["durable", true],
  ])("holds single-record runs (the one-record path, %s) to a key's concurrency", async (_, durableRuns) => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, {
      store: memoryStore(),
      durableRuns,
      workMs: 10,
      recordLimits: { limits: [{ name: "tenant", key: "record.tenant", concurrency: 1 }] },
    });
    closing.push(runtime);
    // The inline queue runs four jobs at once: without the limit four "a" writes would overlap.
    const runs = [];
    for (const record of [...recordsOf("a", 6), ...recordsOf("b", 2)])
      runs.push(await runtime.runs.ingest(blueprintId, { record }));
    for (const run of runs)
      expect((await runtime.runs.wait(run.id, { timeoutMs: 20_000 })).status).toBe("SUCCEEDED");
    expect(probe.order).toHaveLength(8);
    expect(probe.maxInFlight.get("a")).toBe(1);
  });

  it.each([
    [{ limits: [{ name: "bad name", key: "record.tenant", concurrency: 1 }] }, "/recordLimits/limits/0/name"],
    [{ limits: [{ name: "t", key: "record.(", concurrency: 1 }] }, "/recordLimits/limits/0/key"],
    [{ limits: [{ name: "t", key: "record.tenant" }] }, "/recordLimits/limits/0"],
    [{ limits: [{ name: "t", key: "record.tenant", concurrency: 0 }] }, "/recordLimits/limits/0/concurrency"],
    [
      { limits: [{ name: "t", key: "record.tenant", ratePerSecond: 1.5 }] },
      "/recordLimits/limits/0/ratePerSecond",
    ],
    [
      {
        limits: [
          { name: "t", key: "record.tenant", concurrency: 1 },
          { name: "t", key: "record.region", concurrency: 1 },
        ],
      },
      "/recordLimits/limits/1/name",
    ],
    [{ limits: [], leaseMs: 10 }, "/recordLimits/leaseMs"],
  ])(
    "refuses malformed recordLimits with a ValidationError pointing at the field (%#)",
    async (recordLimits, path) => {
      const probe = new WriteProbe();
      const made = tenantRuntime(probe, { store: memoryStore(), recordLimits: recordLimits as never });
      await expect(made).rejects.toBeInstanceOf(ValidationError);
      await expect(made).rejects.toMatchObject({ code: "INVALID_INPUT", path });
    },
  );
});

describe("memoryLimitBackend", () => {
  it("hands a slot whose lease ran out (a dead worker's) to the next holder", async () => {
    let now = 1_000;
    const backend = memoryLimitBackend(() => now);
    const dead = await backend.tryTakeSlot("tenant:a", 1, "dead", 500);
    expect(dead).toBeDefined();
    expect(await backend.tryTakeSlot("tenant:a", 1, "live", 500)).toBeUndefined();
    now += 499;
    expect(await backend.tryTakeSlot("tenant:a", 1, "live", 500)).toBeUndefined();
    now += 1;
    expect(await backend.tryTakeSlot("tenant:a", 1, "live", 500)).toMatchObject({ holder: "live" });
  });

  it("keeps a renewed lease and frees a released slot at once", async () => {
    let now = 0;
    const backend = memoryLimitBackend(() => now);
    const held = await backend.tryTakeSlot("k", 1, "h1", 100);
    now = 90;
    await backend.renewSlots([held!], 100);
    now = 150;
    expect(await backend.tryTakeSlot("k", 1, "h2", 100)).toBeUndefined();
    await backend.releaseSlot(held!);
    expect(await backend.tryTakeSlot("k", 1, "h2", 100)).toMatchObject({ holder: "h2" });
  });
});
