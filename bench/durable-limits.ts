/**
 * The record-limits case of `npm run bench -- durable` (issue 20): records/s of one durable run
 * through 3 worker runtimes (PostgreSQL store + bullmqQueue) with `recordLimits` on — each of
 * `TENANTS` tenants limited to `recordConcurrency` records at once, so the limit never binds and
 * what is measured is its cost: a key per record, a slot leased on Redis, fair lanes — against
 * the same workers with no limit. Rounds alternate the two sides; medians are reported.
 */
import { randomUUID } from "node:crypto";
import { createRuntime, type Runtime, silentLogger } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { countingTarget, keyedBlueprint } from "./_durable-fixtures";

const TENANTS = 50;

/** Records/s of each side, one figure per round. */
export interface LimitsThroughput {
  limited: number[];
  unlimited: number[];
}

/** Three workers on their own schema and prefix; `limited` turns recordLimits on. */
async function workers(pgUrl: string, redis: { host: string; port: number }, name: string, limited: boolean) {
  const { postgresStore } = await import("@synapseops/core/postgres");
  const target = countingTarget();
  const runtimes: Runtime[] = Array.from({ length: 3 }, () =>
    createRuntime({
      store: postgresStore({ connectionString: pgUrl }, { schema: name }),
      queue: bullmqQueue({ connection: redis, prefix: name, concurrency: 4 }),
      connectors: [target.connector],
      logger: silentLogger(),
      recordConcurrency: 8,
      batchSize: 100,
      ...(limited
        ? { recordLimits: { limits: [{ name: "tenant", key: "record.tenant", concurrency: 8 }] } }
        : {}),
    }),
  );
  const first = runtimes[0]!;
  const blueprintId = await keyedBlueprint(first);
  return {
    async measure(count: number, round: string): Promise<number> {
      const records = Array.from({ length: count }, (_, i) => ({
        id: `${round}-${i}`,
        tenant: `t${i % TENANTS}`,
      }));
      const before = target.written();
      const started = Date.now();
      const run = await first.runs.start(blueprintId, { records });
      const done = await first.runs.wait(run.id, { timeoutMs: 300_000 });
      const elapsed = Date.parse(done.finishedAt ?? new Date().toISOString()) - started;
      if (done.status !== "SUCCEEDED" || target.written() - before !== count)
        throw new Error(`${name}: run ended ${done.status}, ${target.written() - before} writes of ${count}`);
      return (count / elapsed) * 1000;
    },
    async close() {
      for (const runtime of runtimes) await runtime.close();
    },
  };
}

/** Measures both sides `rounds` times (after one warm-up round each) and cleans up. */
export async function limitsThroughput(
  pgUrl: string,
  redis: { host: string; port: number },
  count: number,
  rounds: number,
): Promise<LimitsThroughput> {
  const tag = `bench_lim_${randomUUID().slice(0, 8)}`;
  const names = [`${tag}_on`, `${tag}_off`];
  const on = await workers(pgUrl, redis, names[0]!, true);
  const off = await workers(pgUrl, redis, names[1]!, false);
  const result: LimitsThroughput = { limited: [], unlimited: [] };
  try {
    await on.measure(count, "warm-on");
    await off.measure(count, "warm-off");
    for (let round = 0; round < rounds; round += 1) {
      const sides = [
        async () => result.limited.push(await on.measure(count, `r${round}-on`)),
        async () => result.unlimited.push(await off.measure(count, `r${round}-off`)),
      ];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
  } finally {
    await on.close().catch(() => undefined);
    await off.close().catch(() => undefined);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await client.end();
    const r = new Redis(redis);
    for (const name of names) {
      const keys = await r.keys(`${name}:*`);
      if (keys.length > 0) await r.del(...keys);
    }
    r.disconnect();
  }
  return result;
}
