import { ValidationError } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

// Issue 7 (backpressure): runs.start takes an async iterable; a durable run writes it to the
// store a slice at a time instead of holding every record.
const factories = await storeFactories();
afterAll(async () => {
  for (const factory of factories) await factory.cleanup();
});

async function* generate(n: number): AsyncGenerator<{ id: string; amount: number }> {
  for (let i = 0; i < n; i += 1) yield { id: `s${i}`, amount: 1 + (i % 5) };
}

describe.each(factories)("runs.start with an async iterable ($name store)", ({ make, skip }) => {
  it.skipIf(Boolean(skip))("streams a durable run into batches with positions across them", async () => {
    const { runtime, blueprintId, target } = await approvedPayments(await make(), {
      runtime: { durableRuns: true, batchSize: 40 },
    });
    const run = await runtime.runs.start(blueprintId, { records: generate(250) });
    expect(run.counts.total).toBe(250);
    const done = await runtime.runs.wait(run.id, { timeoutMs: 30_000 });
    expect(done.status).toBe("SUCCEEDED");
    expect(done.counts).toMatchObject({ total: 250, completed: 250 });
    expect(new Set(target.effects.map((e) => (e as { ref: string }).ref)).size).toBe(250);
    const batches = await runtime.store.listRunBatches(run.id);
    expect(batches.map((b) => [b.index, b.firstPosition, b.size])).toEqual([
      [0, 0, 40],
      [1, 40, 40],
      [2, 80, 40],
      [3, 120, 40],
      [4, 160, 40],
      [5, 200, 40],
      [6, 240, 10],
    ]);
    await runtime.close();
  });

  it.skipIf(Boolean(skip))(
    "collects the iterable for a run kept in memory; refuses a caller key",
    async () => {
      const { runtime, blueprintId, target } = await approvedPayments(await make(), {
        runtime: { durableRuns: false },
      });
      const run = await runtime.runs.start(blueprintId, { records: generate(30) });
      expect((await runtime.runs.wait(run.id, { timeoutMs: 30_000 })).counts.completed).toBe(30);
      expect(target.effects).toHaveLength(30);
      await expect(
        runtime.runs.start(blueprintId, { records: generate(1), idempotencyKey: "k" }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        runtime.runs.start(blueprintId, { records: "nope" as unknown as unknown[] }),
      ).rejects.toMatchObject({ path: "/records" });
      await runtime.close();
    },
  );
});
