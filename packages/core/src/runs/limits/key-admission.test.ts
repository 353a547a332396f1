import { inlineQueue, memoryLimitBackend, memoryStore, type Run } from "@synapseops/core";
import { afterEach, describe, expect, it } from "vitest";
import { recordsOf, tenantRuntime, WriteProbe } from "../../../test/_limits-fixtures";
import { silentLogger } from "../../logger";
import { KeyGate } from "./key-gate";
import { recordLimiter } from "./record-limiter";
import { parseRecordLimits } from "./record-limits-options";

// Issue 20: key-aware admission of queue jobs, in one process (memory store, inline queue). The
// same on PostgreSQL + BullMQ: test/key-admission-workers.test.ts.

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const runtime of closing.splice(0)) await runtime.close();
});

const run = { id: "run_1", blueprintId: "bp_1", projectId: "prj_1", revision: 1 } as Run;

function admissionOf(limits: Parameters<typeof parseRecordLimits>[0]["limits"]) {
  const parsed = parseRecordLimits({ limits });
  const gate = new KeyGate(memoryLimitBackend(), {
    leaseMs: parsed.leaseMs,
    workerId: "w1",
    logger: silentLogger(),
  });
  const limiter = recordLimiter(parsed.limits, gate, silentLogger());
  if (limiter === undefined) throw new Error("no limiter");
  return limiter.admission;
}

describe("keyAdmission", () => {
  it("names the keys a job's records share, and none when they differ", async () => {
    const admission = admissionOf([{ name: "tenant", key: "record.tenant", concurrency: 2 }]);
    expect(await admission.sharedKeys(recordsOf("a", 3), run)).toEqual(["tenant:a"]);
    expect(await admission.sharedKeys([...recordsOf("a", 2), ...recordsOf("b", 1)], run)).toBeUndefined();
    expect(await admission.sharedKeys([{ id: "x" }], run)).toBeUndefined();
  });

  it("admits a key's jobs up to its concurrency and defers the next until one is released", async () => {
    const admission = admissionOf([{ name: "tenant", key: "record.tenant", concurrency: 2 }]);
    const first = await admission.admit(["tenant:a"]);
    const second = await admission.admit(["tenant:a"]);
    expect(first).toHaveProperty("release");
    expect(second).toHaveProperty("release");
    const third = await admission.admit(["tenant:a"]);
    expect(third).toEqual({ deferMs: expect.any(Number) });
    const { deferMs } = third as { deferMs: number };
    expect(deferMs).toBeGreaterThanOrEqual(1_000);
    expect(deferMs).toBeLessThan(3_000);
    // Another key is not held up by this one.
    expect(await admission.admit(["tenant:b"])).toHaveProperty("release");
    (first as { release: () => void }).release();
    expect(await admission.admit(["tenant:a"])).toHaveProperty("release");
  });

  it("admits one job per 10 starts a second of a rate-only limit", async () => {
    const admission = admissionOf([{ name: "api", key: "record.tenant", ratePerSecond: 15 }]);
    expect(await admission.admit(["api:a"])).toHaveProperty("release");
    expect(await admission.admit(["api:a"])).toHaveProperty("release");
    expect(await admission.admit(["api:a"])).toHaveProperty("deferMs");
  });

  it("takes no slot of a key when another key of the job is at its width", async () => {
    const admission = admissionOf([
      { name: "tenant", key: "record.tenant", concurrency: 1 },
      { name: "region", key: "record.region", concurrency: 1 },
    ]);
    expect(await admission.admit(["region:eu"])).toHaveProperty("release");
    expect(await admission.admit(["tenant:a", "region:eu"])).toHaveProperty("deferMs");
    // tenant:a was given back when region:eu refused the job.
    expect(await admission.admit(["tenant:a"])).toHaveProperty("release");
  });
});

describe("key-aware admission on the inline queue", () => {
  it("defers a flooding key's runs so another key's run takes the free queue slot", async () => {
    const probe = new WriteProbe();
    const { runtime, blueprintId } = await tenantRuntime(probe, {
      store: memoryStore(),
      queue: inlineQueue({ concurrency: 2 }),
      workMs: 20,
      recordLimits: { limits: [{ name: "tenant", key: "record.tenant", concurrency: 1 }] },
    });
    closing.push(runtime);
    // Three runs of one key would hold both queue slots (each waiting for the key's one record
    // slot) until the first ended: 30 writes at least before the quiet run could start.
    const floods = [];
    for (let n = 0; n < 3; n += 1)
      floods.push(await runtime.runs.start(blueprintId, { records: recordsOf("flood", 30, `r${n}`) }));
    const quiet = await runtime.runs.start(blueprintId, { records: recordsOf("quiet", 1) });
    const runs = [...floods, quiet];
    for (const started of runs) {
      const done = await runtime.runs.wait(started.id, { timeoutMs: 30_000 });
      expect(done.status).toBe("SUCCEEDED");
    }
    expect(probe.order.indexOf("quiet-0")).toBeGreaterThanOrEqual(0);
    expect(probe.order.indexOf("quiet-0")).toBeLessThan(10);
    // Nothing lost, nothing twice; the key's limit held throughout.
    expect(probe.order).toHaveLength(91);
    expect(new Set(probe.order).size).toBe(91);
    expect(probe.maxInFlight.get("flood")).toBe(1);
  }, 40_000);
});
