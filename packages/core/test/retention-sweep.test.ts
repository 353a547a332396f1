import type { Store } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, failures } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

// issue 16: `retention.runPayloadsMs` purges by itself every `retention.sweepEveryMs`, and
// `runtime.close()` stops the sweep.

const stores = await storeFactories();
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

/** The store, counting the runtime's calls of purgeRunPayloads. */
function counted(store: Store): { store: Store; calls: Date[] } {
  const calls: Date[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "purgeRunPayloads")
        return (before: Date) => {
          calls.push(before);
          return target.purgeRunPayloads(before);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, calls };
}

describe.each(stores)("the retention sweep on the $name store", ({ make, skip }) => {
  it.skipIf(Boolean(skip))("purges a dead letter's record by itself and stops on close()", async () => {
    const { store, calls } = counted(await make());
    const { runtime, blueprintId, target } = await approvedPayments(store, {
      runtime: { retention: { runPayloadsMs: 1, sweepEveryMs: 40 } },
    });
    target.behave(() => {
      throw failures.rejected();
    });
    const run = await runtime.runs.start(blueprintId, { records: [{ id: "r-1", amount: 3 }] });
    await runtime.runs.wait(run.id, { timeoutMs: 10_000 });
    const [letter] = (await store.listDeadLetters({ runId: run.id })).items;
    expect(letter).toBeDefined();

    // The record goes without a call of ours (a sweep may already have taken it).
    const deadline = Date.now() + 5_000;
    let purged = await store.getDeadLetter(letter!.id);
    while (purged?.recordPurgedAt === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      purged = await store.getDeadLetter(letter!.id);
    }
    expect(purged).toMatchObject({ record: null, recordPurgedAt: expect.any(String) });
    expect(calls.length).toBeGreaterThanOrEqual(1);
    // Each sweep purges what is older than runPayloadsMs, as of its own time.
    for (const before of calls) expect(Date.now() - before.getTime()).toBeLessThan(10_000);

    await runtime.close();
    const atClose = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls.length).toBe(atClose);
  });

  it.skipIf(Boolean(skip))("does not sweep with sweepEveryMs 0 or without runPayloadsMs", async () => {
    for (const retention of [{ runPayloadsMs: 1, sweepEveryMs: 0 }, { sweepEveryMs: 20 }]) {
      const { store, calls } = counted(await make());
      const { runtime } = await approvedPayments(store, { runtime: { retention } });
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(calls, JSON.stringify(retention)).toEqual([]);
      await runtime.close();
    }
  });
});
