import type { RunQueue, Store } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, paymentsBody } from "./_executor-fixtures";
import { pgBullmq } from "./_pg-bullmq";

// Issue 7: durable runs on the real PostgreSQL store and BullMQ workers.
const engines = await pgBullmq("dur");
const { skip, tag } = engines;
const freshStore = (schema: string): Store => engines.store(schema);
const freshQueue = (prefix: string, concurrency = 4): RunQueue => engines.queue(prefix, { concurrency });
afterAll(() => engines.cleanup());

const records = (n: number, from = 0): { id: string; amount: number }[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${from + i}`, amount: 1 + ((from + i) % 7) }));

describe.skipIf(Boolean(skip))("durable runs on postgresStore + bullmqQueue", () => {
  it("spreads a run's batches over two workers and applies each record once", async () => {
    const schema = `${tag}_spread`;
    const prefix = `${tag}_q_spread`;
    const a = await approvedPayments(freshStore(schema), {
      honourKeys: true,
      runtime: { queue: freshQueue(prefix), batchSize: 10, batchLeaseMs: 2000 },
    });
    const second = await approvedPayments(freshStore(schema), {
      runtime: {
        queue: freshQueue(prefix),
        batchSize: 10,
        batchLeaseMs: 2000,
        connectors: [a.target.connector],
      },
    });
    const run = await a.runtime.runs.start(a.blueprintId, { records: records(200) });
    const done = await a.runtime.runs.wait(run.id, { timeoutMs: 30_000 });
    expect(done.status).toBe("SUCCEEDED");
    expect(done.counts).toMatchObject({ total: 200, completed: 200, failed: 0 });
    expect(new Set(a.target.effects.map((e) => (e as { ref: string }).ref)).size).toBe(200);
    expect(a.target.effects).toHaveLength(200);
    const batches = await a.runtime.store.listRunBatches(run.id);
    expect(batches.every((b) => b.state === "DONE")).toBe(true);
    await Promise.all([a.runtime.close(), second.runtime.close()]);
  });

  it("resumes a run after its worker is killed, skipping completed records", async () => {
    const schema = `${tag}_resume`;
    const prefix = `${tag}_q_resume`;
    // The first worker dies after 25 records: its connector stops answering and it never closes.
    const first = await approvedPayments(freshStore(schema), {
      honourKeys: true,
      runtime: { queue: freshQueue(prefix), batchSize: 25, batchLeaseMs: 1000, recordConcurrency: 1 },
    });
    let applied = 0;
    first.target.behave(async (record) => {
      applied += 1;
      if (applied > 25) await new Promise(() => {}); // hangs like a frozen process
      return { ok: true, echo: record };
    });
    const run = await first.runtime.runs.start(first.blueprintId, { records: records(50) });
    for (let i = 0; i < 100 && applied <= 25; i += 1) await new Promise((r) => setTimeout(r, 50));
    // "Kill": the frozen worker stops heartbeating (its store closes); a new host takes over.
    await first.runtime.store.close();
    const started = Date.now();
    const second = await approvedPayments(freshStore(schema), {
      honourKeys: true,
      runtime: { queue: freshQueue(prefix), batchSize: 25, batchLeaseMs: 1000 },
    });
    const store = second.runtime.store;
    // The second host runs the same blueprint's connector type with its own target.
    // Measured 2–16 s, and once past 30 s in a full CI run: how soon the frozen worker's batch is
    // handed over depends on where BullMQ's stalled-job check falls, so the bound is generous.
    const done = await second.runtime.runs.wait(run.id, { timeoutMs: 80_000 });
    process.stdout.write(`[figure] durable resume after a killed worker: ${Date.now() - started} ms\n`);
    expect(done.status).toBe("SUCCEEDED");
    // Records the killed worker completed count as completed, not as duplicates of themselves.
    expect(done.counts).toMatchObject({ completed: 50, duplicates: 0 });
    expect(first.target.effects.length + second.target.effects.length).toBeGreaterThanOrEqual(50);
    const keys = new Set(
      [...first.target.effects, ...second.target.effects].map((e) => (e as { ref: string }).ref),
    );
    expect(keys.size).toBe(50);
    await store.close();
    await second.runtime.close({ timeoutMs: 500 });
  }, 100_000);

  it("keeps an approval wait across a restart and applies its timeout", async () => {
    const schema = `${tag}_approval`;
    const prefix = `${tag}_q_approval`;
    const body = (source: string, target: string) => {
      const base = paymentsBody(source, target);
      return {
        ...base,
        steps: [
          base.steps[0]!,
          {
            id: "check",
            kind: "approval" as const,
            when: "cents > 500",
            timeoutMs: 1500,
            onTimeout: "approve" as const,
          },
          base.steps[2]!,
        ],
      };
    };
    const first = await approvedPayments(freshStore(schema), {
      body,
      runtime: { queue: freshQueue(prefix) },
    });
    const run = await first.runtime.runs.start(first.blueprintId, {
      records: [
        { id: "a", amount: 1 },
        { id: "b", amount: 9 },
      ],
    });
    const waiting = await first.runtime.runs.wait(run.id, { untilWaiting: true, timeoutMs: 20_000 });
    expect(waiting.counts.waiting).toBe(1);
    await first.runtime.close({ timeoutMs: 500 }); // the host restarts before anyone decides
    const second = await approvedPayments(freshStore(schema), {
      body,
      runtime: { queue: freshQueue(prefix) },
    });
    const done = await second.runtime.runs.wait(run.id, { timeoutMs: 20_000 });
    expect(done.status).toBe("SUCCEEDED");
    expect(done.counts).toMatchObject({ completed: 2, waiting: 0 });
    const decided = (await second.runtime.runs.events(run.id)).items.filter(
      (e) => e.type === "approval.decided",
    );
    expect(decided.map((e) => (e.data as { by: string }).by)).toEqual(["timeout"]);
    await second.runtime.close();
  }, 60_000);

  it("1,000 concurrent duplicate starts of one key: exactly one application", async () => {
    const prefix = `${tag}_q_dupes`;
    const { runtime, blueprintId, target } = await approvedPayments(freshStore(`${tag}_dupes`), {
      runtime: { queue: freshQueue(prefix, 32), idempotency: { waitMs: 20_000 } },
    });
    const starts = await Promise.all(
      Array.from({ length: 1000 }, () =>
        runtime.runs.start(blueprintId, { input: { id: "same", amount: 5 } }),
      ),
    );
    const done = await Promise.all(starts.map((r) => runtime.runs.wait(r.id, { timeoutMs: 60_000 })));
    expect(target.effects).toHaveLength(1);
    expect(done.filter((r) => r.counts.completed === 1)).toHaveLength(1);
    expect(done.every((r) => r.status === "SUCCEEDED")).toBe(true);
    process.stdout.write(
      `[figure] durable duplicate starts: 1000 runs, ${target.effects.length} application\n`,
    );
    await runtime.close();
  }, 90_000);
});
