import type { Runtime } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { recordsOf, tenantRuntime, WriteProbe } from "./_limits-fixtures";
import { dropSchemaAndRedisPrefix } from "./_stores";

// Issue 20: key-aware admission across workers (PostgreSQL store + BullMQ). A flooding key's
// batches must not hold every worker's queue slot while they wait for the key's limit: a batch
// whose key is at its limit is deferred (the same BullMQ job, delayed, then behind fresh jobs),
// and another key's run takes the slot. The same on one process: src/runs/limits/key-admission.test.ts.
const pgService = await checkTestService("postgres");
const redisService = await checkTestService("redis");
const skip = pgService.skip || redisService.skip;
const tag = `fair20_admission_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

afterAll(async () => {
  if (!skip) await dropSchemaAndRedisPrefix(pgService.url, redisService.url, tag);
});

describe.skipIf(Boolean(skip))("key-aware admission over two workers (postgres + BullMQ)", () => {
  it("defers a flooding key's batches so another key's run takes a worker slot; nothing lost or twice", async () => {
    const url = new URL(redisService.url);
    const probe = new WriteProbe();
    const workers: Runtime[] = [];
    let blueprintId: string | undefined;
    for (let i = 0; i < 2; i += 1) {
      const made = await tenantRuntime(probe, {
        store: postgresStore({ connectionString: pgService.url }, { schema: tag }),
        // One batch at a time per worker: without admission the flood's first two batches hold
        // both workers' slots, and the quiet run waits behind all six.
        queue: bullmqQueue({
          connection: { host: url.hostname, port: Number(url.port || 6379) },
          prefix: tag,
          concurrency: 1,
        }),
        batchSize: 10,
        workMs: 30,
        recordLimits: { limits: [{ name: "tenant", key: "record.tenant", concurrency: 1 }] },
        ...(blueprintId === undefined ? {} : { blueprintId }),
      });
      blueprintId = made.blueprintId;
      workers.push(made.runtime);
    }
    const [first] = workers as [Runtime];
    try {
      const flood = await first.runs.start(blueprintId!, { records: recordsOf("flood", 60) });
      const quiet = await first.runs.start(blueprintId!, { records: recordsOf("quiet", 1) });
      const done = await Promise.all(
        [flood, quiet].map((run) => first.runs.wait(run.id, { timeoutMs: 60_000 })),
      );
      expect(done.map((run) => run.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
      expect(done[0]!.counts).toMatchObject({ total: 60, completed: 60, failed: 0 });
      // Without admission: after the flood's 60 writes (its six batches were queued first).
      const quietAt = probe.order.indexOf("quiet-0");
      expect(quietAt).toBeGreaterThanOrEqual(0);
      expect(quietAt).toBeLessThan(30);
      expect(probe.order).toHaveLength(61);
      expect(new Set(probe.order).size).toBe(61);
      expect(probe.maxInFlight.get("flood")).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 90_000);
});
