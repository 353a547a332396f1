import { createRuntime, type Runtime } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";
import { dropSchemaAndRedisPrefix } from "./_stores";

// A poll's cursor on a distributed queue: the job that ends a polled run may run in another
// process than the one that polled. The cursor travels with the run (`Run.sourceCursor`) and the
// worker that ends the run stores it before the run is SUCCEEDED — whether or not anyone waits,
// and whoever waits — or the next poll would read the same records again.
const pgService = await checkTestService("postgres");
const redisService = await checkTestService("redis");
const skip = pgService.skip || redisService.skip;
const tag = `poll_cursor_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

afterAll(async () => {
  if (!skip) await dropSchemaAndRedisPrefix(pgService.url, redisService.url, tag);
});

describe.skipIf(Boolean(skip))("poll cursor over a distributed queue (postgres + BullMQ)", () => {
  it("stores the cursor when another process ran the polled run: the next poll reads nothing again", async () => {
    const url = new URL(redisService.url);
    const connection = { host: url.hostname, port: Number(url.port || 6379) };
    const store = postgresStore({ connectionString: pgService.url }, { schema: tag });
    // The poller starts runs only; the worker (another runtime on the same store) runs them.
    const poller = await approvedPayments(store, {
      runtime: { queue: bullmqQueue({ connection, prefix: tag, worker: false }) },
    });
    let worker: Runtime | undefined;
    try {
      worker = createRuntime({
        store,
        connectors: [poller.target.connector],
        queue: bullmqQueue({ connection, prefix: tag }),
      });
      poller.target.source.push({ id: "p1", amount: 1 }, { id: "p2", amount: 2 });
      const first = await poller.runtime.runs.poll(poller.blueprintId);
      expect((await poller.runtime.runs.wait(first!.id, { timeoutMs: 20_000 })).counts.completed).toBe(2);
      expect(await poller.runtime.runs.cursor(poller.blueprintId)).toBeDefined();
      expect(await poller.runtime.runs.poll(poller.blueprintId)).toBeUndefined();
      poller.target.source.push({ id: "p3", amount: 3 });
      const second = await poller.runtime.runs.poll(poller.blueprintId);
      expect((await poller.runtime.runs.wait(second!.id, { timeoutMs: 20_000 })).counts.total).toBe(1);
      expect(poller.target.effects.map((e) => (e as { ref: string }).ref).sort()).toEqual(["p1", "p2", "p3"]);

      // Nobody waits in the polling process: the worker's runtime watches the run end.
      poller.target.source.push({ id: "p4", amount: 4 });
      const third = await poller.runtime.runs.poll(poller.blueprintId);
      expect((await worker.runs.wait(third!.id, { timeoutMs: 20_000 })).status).toBe("SUCCEEDED");
      expect(await poller.runtime.runs.poll(poller.blueprintId)).toBeUndefined();
      expect(poller.target.effects).toHaveLength(4);
    } finally {
      await worker?.close();
      await poller.runtime.close();
    }
  });
});
