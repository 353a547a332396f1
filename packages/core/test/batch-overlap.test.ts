import { memoryStore, type Store } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";

// Issue 21: a batch leaves its place among the batches a worker runs at once (4 with the inline
// queue) once its records have run, so the next batch is claimed while the previous ones'
// completions commit — before, a 2,000-record run's next claim waited for each completion.

/**
 * A memory store that holds every batch completion until the fifth batch (index 4) is claimed,
 * or until `fallbackMs` passed (so a worker that waits for its completions does not hang).
 */
function storeHoldingCompletions(fallbackMs: number) {
  const store = memoryStore();
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const fallback = setTimeout(release, fallbackMs);
  const seen = { fifthClaimedWhileHeld: false };
  let held = true;
  void released.then(() => {
    held = false;
    clearTimeout(fallback);
  });
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "claimRunBatch") {
        return (...args: Parameters<Store["claimRunBatch"]>) => {
          if (args[0].index === 4 && held) {
            seen.fifthClaimedWhileHeld = true;
            release();
          }
          return target.claimRunBatch(...args);
        };
      }
      if (property === "completeRunBatch") {
        return async (...args: Parameters<Store["completeRunBatch"]>) => {
          await released;
          return target.completeRunBatch(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy as Store, seen };
}

describe("a durable run's batches", () => {
  it("claims the next batch while earlier batches' completions are still committing", async () => {
    const { store, seen } = storeHoldingCompletions(1_500);
    const { runtime, blueprintId } = await approvedPayments(store, {
      runtime: { durableRuns: true, resumeOnStart: false, batchSize: 1, recordConcurrency: 4 },
    });
    try {
      const records = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, amount: i + 1 }));
      const run = await runtime.runs.start(blueprintId, { records });
      const done = await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
      expect(done.status).toBe("SUCCEEDED");
      expect(done.counts.completed).toBe(6);
      // Claimed before any of the first four batches' completions could commit; waiting for one
      // of them, the claim would have come only after the fallback released them.
      expect(seen.fifthClaimedWhileHeld).toBe(true);
    } finally {
      await runtime.close();
    }
  });
});
