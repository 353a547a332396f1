import { createRuntime, type Store } from "@synapseops/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments, failures, paymentsBody } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

// Issue 20: a parked record's claim is a lease (`parking.leaseMs`). A resume whose attempt takes
// longer than the lease keeps its claim by a heartbeat, so another worker's sweep never claims
// the record meanwhile and resumes it a second time.

const factories = await storeFactories();
afterAll(async () => {
  for (const factory of factories) await factory.cleanup();
});

describe.each(factories)("a parked record's resume ($name)", ({ make, skip }) => {
  it.skipIf(skip)(
    "keeps its claim past parking.leaseMs while its attempt runs: one attempt",
    async () => {
      const store: Store = await make();
      const payments = await approvedPayments(store, {
        body: (source, target) => {
          const body = paymentsBody(source, target);
          body.steps = [
            ...body.steps.slice(0, 2),
            // Every retry parks; the retry is due 100 ms after the first attempt.
            {
              id: "send",
              kind: "send",
              connector: target,
              policy: { retry: { delaysMs: [100], maxAttempts: 2, parkAfterMs: 0 }, timeoutMs: 30_000 },
            },
          ];
          return body;
        },
        // The sweep looks every 50 ms; a claim lapses after 1.5 s unless renewed (every 0.5 s).
        runtime: { parking: { sweepEveryMs: 50, leaseMs: 1_500 } },
      });
      const { runtime, blueprintId, target } = payments;
      // A second worker on the same store, sweeping as often.
      const other = createRuntime({
        store,
        connectors: [target.connector],
        parking: { sweepEveryMs: 50, leaseMs: 1_500 },
      });
      try {
        // The first attempt fails and parks the record; the resumed one takes 3 leases' time.
        target.behave(async (record, _context, call) => {
          if (call === 1) throw failures.unavailable();
          await new Promise((resolve) => setTimeout(resolve, 4_500));
          return { ok: true, ref: (record as { ref: string }).ref };
        });
        const run = await runtime.runs.start(blueprintId, { records: [{ id: "slow-1", amount: 1 }] });
        const done = await runtime.runs.wait(run.id, { timeoutMs: 30_000 });
        expect(done.status).toBe("SUCCEEDED");
        expect(done.counts).toMatchObject({ completed: 1, parked: 0, failed: 0 });
        expect(target.calls()).toBe(2);
        // Without the heartbeat a sweep claims the record again once its claim lapses and resumes
        // it a second time (its idempotency key then keeps the target from a second write).
        const events = (await runtime.runs.events(run.id, { limit: 500 })).items;
        expect(events.filter((e) => e.type === "record.resumed")).toHaveLength(1);
      } finally {
        await Promise.all([runtime.close(), other.close()]);
      }
    },
    40_000,
  );
});
