import { memoryStore, type Store, StoreError } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";

// A batch handed back on a store outage must not be handed back while some of its records are
// still being written: the batch runs again under the same key owners, so a record still in flight
// would be applied a second time beside itself — a duplicate even at a target that honours
// idempotency keys (it learns a key only once its first write returns). Seen as 603 effects for
// 600 records in the pg_terminate_backend fault test under CPU contention.

/** A memory store whose `n`-th key claim fails as an outage would. */
function storeFailingClaim(n: number): Store {
  const store = memoryStore();
  let claims = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "claimIdempotencyKey") {
        return async (...args: Parameters<Store["claimIdempotencyKey"]>) => {
          claims += 1;
          if (claims === n) throw new StoreError("connection terminated", { outage: true });
          return target.claimIdempotencyKey(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("a batch handed back on a store outage", () => {
  it("waits for its records in flight, so the batch's next run applies none of them twice", async () => {
    // Batch of three, two at a time, key leases of 100 ms. The batch claims r0..r2 up front
    // (claims 1–3); r0 writes for 80 ms, so r2 starts with its lease run down and claims again on
    // its own (claim 4): that claim meets the outage while r1's first write (400 ms) is in flight.
    const { runtime, blueprintId, target } = await approvedPayments(storeFailingClaim(4), {
      honourKeys: true,
      runtime: {
        durableRuns: true,
        resumeOnStart: false,
        batchSize: 3,
        recordConcurrency: 2,
        idempotency: { leaseMs: 100, waitMs: 2_000 },
      },
    });
    const firstWrites = new Map<string, number>([
      ["r0", 80],
      ["r1", 400],
    ]);
    const started: string[] = [];
    let writing = 0;
    target.behave(async (record) => {
      const ref = (record as { ref: string }).ref;
      started.push(ref);
      const ms = firstWrites.get(ref) ?? 5;
      firstWrites.delete(ref);
      writing += 1;
      await new Promise((resolve) => setTimeout(resolve, ms));
      writing -= 1;
      return { ok: true, echo: record };
    });
    const run = await runtime.runs.start(blueprintId, {
      records: [
        { id: "r0", amount: 1 },
        { id: "r1", amount: 2 },
        { id: "r2", amount: 3 },
      ],
    });
    // The sweep a durable runtime runs by itself, made frequent: it re-queues the batch as soon as
    // it is handed back, well inside r1's first write.
    const sweep = setInterval(() => void runtime.resume().catch(() => {}), 20);
    try {
      const done = await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
      // A write the run no longer waits for may still land: count effects once none is in flight.
      while (writing > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const refs = target.effects.map((e) => (e as { ref: string }).ref).sort();
      expect({ status: done.status, refs }).toEqual({ status: "SUCCEEDED", refs: ["r0", "r1", "r2"] });
      // The outage did hand the batch back (r2 was started by the batch's second run only).
      expect(started.filter((ref) => ref === "r2")).toHaveLength(1);
    } finally {
      clearInterval(sweep);
      await runtime.close();
    }
  });
});
