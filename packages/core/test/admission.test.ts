import { ErrorCode, inlineQueue, memoryStore, OverloadedError, SynapseError } from "@synapseops/core";
import { bullmqQueue, redisConnection } from "@synapseops/core/bullmq";
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { storeFactories } from "./_stores";

// issue 16 (backpressure): the runtime accepted 24,827 runs in 60 s while its workers ran ~56/s.
// Admission control refuses new runs with a typed OverloadedError once the queue holds
// `maxQueuedJobs` unfinished jobs, and admits again as soon as the backlog drains.

/** A promise the test resolves when it lets the blocked writes go. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe("admission control", () => {
  it("refuses runs beyond maxQueuedJobs on the inline queue with OverloadedError, then admits again", async () => {
    const { runtime, blueprintId, target } = await approvedPayments(memoryStore(), {
      runtime: {
        queue: inlineQueue({ concurrency: 1 }),
        admission: { maxQueuedJobs: 3, retryAfterMs: 1_500 },
      },
    });
    const release = gate();
    target.behave(async (record) => {
      await release.wait;
      return record;
    });
    try {
      const accepted = [];
      let refused: unknown;
      for (let i = 0; i < 10 && refused === undefined; i += 1) {
        try {
          accepted.push(await runtime.runs.start(blueprintId, { input: { id: `p-${i}`, amount: 1 } }));
        } catch (error) {
          refused = error;
        }
      }
      // One running and two waiting make three unfinished jobs: the fourth run is refused.
      expect(accepted).toHaveLength(3);
      expect(refused).toBeInstanceOf(OverloadedError);
      expect(refused).toBeInstanceOf(SynapseError);
      expect(refused).toMatchObject({ code: ErrorCode.OVERLOADED, retryAfterMs: 1_500, resource: "queue" });
      expect((refused as Error).message).toMatch(/holds 3 unfinished jobs \(admission limit 3\)/);
      // ingest is admitted the same way, and a refused run leaves nothing behind.
      await expect(runtime.ingest(blueprintId, { record: { id: "w-1", amount: 1 } })).rejects.toMatchObject({
        code: ErrorCode.OVERLOADED,
      });
      expect((await runtime.runs.list({ blueprintId })).items).toHaveLength(3);

      release.open();
      for (const run of accepted)
        expect((await runtime.runs.wait(run.id, { timeoutMs: 5_000 })).status).toBe("SUCCEEDED");
      const after = await runtime.runs.start(blueprintId, { input: { id: "p-after", amount: 1 } });
      expect((await runtime.runs.wait(after.id, { timeoutMs: 5_000 })).status).toBe("SUCCEEDED");
    } finally {
      release.open();
      await runtime.close();
    }
  });

  it("is off with maxQueuedJobs: Infinity", async () => {
    const { runtime, blueprintId, target } = await approvedPayments(memoryStore(), {
      runtime: {
        queue: inlineQueue({ concurrency: 1 }),
        admission: { maxQueuedJobs: Number.POSITIVE_INFINITY },
      },
    });
    const release = gate();
    target.behave(async (record) => {
      await release.wait;
      return record;
    });
    try {
      for (let i = 0; i < 20; i += 1)
        await runtime.runs.start(blueprintId, { input: { id: `p-${i}`, amount: 1 } });
      expect((await runtime.runs.list({ blueprintId })).items).toHaveLength(20);
    } finally {
      release.open();
      await runtime.close();
    }
  });
});

const redis = await checkTestService("redis");
const factories = await storeFactories();
const postgres = factories.find((f) => f.name === "postgres")!;
afterAll(() => postgres.cleanup());

describe.skipIf(postgres.skip || redis.skip)("admission control on PostgreSQL + BullMQ", () => {
  it("counts the batches waiting in Redis: a producer-only process is refused once workers lag", async () => {
    const prefix = `syn_adm_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    // A producer with no worker: every batch it queues stays waiting in Redis.
    const queue = bullmqQueue({ connection: redisConnection(redis.url), prefix, worker: false });
    const store = await postgres.make();
    const { runtime, blueprintId } = await approvedPayments(store, {
      runtime: {
        queue,
        batchSize: 10,
        resumeOnStart: false,
        admission: { maxQueuedJobs: 5, sampleMs: 0 },
      },
    });
    try {
      // 30 records in batches of 10: three jobs; the second run brings six; the third is refused.
      const records = (n: number) => Array.from({ length: 30 }, (_, i) => ({ id: `r-${n}-${i}`, amount: 1 }));
      await runtime.runs.start(blueprintId, { records: records(1) });
      await runtime.runs.start(blueprintId, { records: records(2) });
      const refused = await runtime.runs.start(blueprintId, { records: records(3) }).catch((error) => error);
      expect(refused).toBeInstanceOf(OverloadedError);
      expect(refused.message).toMatch(/the bullmq run queue holds 6 unfinished jobs \(admission limit 5\)/);
      expect((await runtime.runs.list({ blueprintId })).items).toHaveLength(2);
    } finally {
      await runtime.close();
      const { Redis } = await import("ioredis");
      const client = new Redis(redisConnection(redis.url));
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    }
  }, 30_000);
});
