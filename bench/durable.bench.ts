/**
 * `npm run bench -- durable` (issue 7):
 * (1) records/s of a durable run through the PostgreSQL store with idempotency on (inline queue,
 *     an empty in-memory target) vs pg-boss 10 moving the same number of jobs on the same
 *     database, in the same process, two ways: (a) its `work` API as a service runs it (bulk
 *     `insert`, then pollers with an empty handler) — bounded by its polling interval — and
 *     (b) its engine with no polling wait: `fetch` + `complete` of 100 jobs at a time in 4 loops;
 *     at 2,000 and 10,000 records;
 * (2) records/s of the same run through `bullmqQueue` with 1 and 3 worker runtimes vs raw BullMQ:
 *     one job per record with an empty processor, on as many Worker instances with the same
 *     records in flight per worker (batches at once × records at once per batch).
 * Rounds alternate ours and the baseline; medians are reported. Needs PostgreSQL and Redis.
 * `DURABLE_BENCH_QUICK=1` shrinks the counts for a smoke run.
 */
import { randomUUID } from "node:crypto";
import { register } from "node:module";
import { performance } from "node:perf_hooks";
import {
  type BlueprintBodyInput,
  createRuntime,
  defineConnector,
  type RunQueue,
  type Runtime,
  type Store,
  silentLogger,
} from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import PgBoss from "pg-boss";
import { z } from "zod";
import { emit, median } from "./_report";

const SUITE = "durable";
const QUICK = process.env.DURABLE_BENCH_QUICK === "1";
const RECORDS = QUICK ? 400 : 2_000;
/** The larger run of the PostgreSQL comparison. */
const LARGE = QUICK ? 1_000 : 10_000;
const ROUNDS = QUICK ? 1 : 3;
const BATCH = 100;
/** Batches a bullmq worker runs at once (bullmqQueue's default) and records at once per batch. */
const WORKER_CONCURRENCY = 4;
const RECORD_CONCURRENCY = 8;
const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS = { host: "127.0.0.1", port: 6379 };
const tag = randomUUID().slice(0, 8);
const schemas: string[] = [];
const prefixes: string[] = [];

// The store's migrations are .sql files: plain Node needs the loader the crash test uses, registered
// before the store module is imported (hence the dynamic import in `run`).
let postgresStore: typeof import("@synapseops/core/postgres").postgresStore;

const makeRecords = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `r-${i}`, amount: i % 100 }));
const records = makeRecords(RECORDS);
const largeRecords = makeRecords(LARGE);

/** An empty target that counts writes. */
function countingTarget() {
  let written = 0;
  const connector = defineConnector({
    type: "bench-target",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: {
      async write() {
        written += 1;
        return undefined;
      },
    },
  });
  return { connector, written: () => written };
}

const freshStore = (schema: string): Store => {
  if (!schemas.includes(schema)) schemas.push(schema);
  return postgresStore({ connectionString: PG_URL }, { schema });
};

/** A runtime with an approved identity blueprint keyed on `id`; the store's schema is fresh. */
async function keyedRuntime(
  store: Store,
  queue: RunQueue | undefined,
  target: ReturnType<typeof countingTarget>,
): Promise<{ runtime: Runtime; blueprintId: string }> {
  const runtime = createRuntime({
    store,
    connectors: [target.connector],
    logger: silentLogger(),
    recordConcurrency: RECORD_CONCURRENCY,
    batchSize: BATCH,
    ...(queue ? { queue } : {}),
  });
  const project = await runtime.projects.create({ name: "bench" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "bench-target", name: "sink" });
  const body: BlueprintBodyInput = {
    source: { connector: ref.id },
    target: { connector: ref.id },
    idempotencyKey: "id",
    mappings: [{ id: "identity", expression: "$" }],
    steps: [
      { id: "map", kind: "map", mapping: "identity" },
      { id: "send", kind: "send", connector: ref.id },
    ],
  };
  const blueprint = await runtime.blueprints.create(project.id, { name: "bench", body });
  await runtime.blueprints.approve(blueprint.id);
  return { runtime, blueprintId: blueprint.id };
}

/** Times one run from `runs.start` to SUCCEEDED; returns records/s. */
async function timeRun(
  runtime: Runtime,
  blueprintId: string,
  written: () => number,
  label: string,
  given: readonly unknown[] = records,
): Promise<number> {
  const started = performance.now();
  const run = await runtime.runs.start(blueprintId, { records: [...given] });
  const done = await runtime.runs.wait(run.id, { timeoutMs: 300_000 });
  const elapsed = performance.now() - started;
  if (done.status !== "SUCCEEDED" || done.counts.completed !== given.length || written() !== given.length)
    throw new Error(
      `${label}: run ended ${done.status}, ${done.counts.completed} completed, ${written()} writes`,
    );
  return (given.length / elapsed) * 1000;
}

/** (1a) A durable run on the PostgreSQL store, inline queue, idempotency on. */
async function oursPostgres(round: number, given: readonly unknown[]): Promise<number> {
  const target = countingTarget();
  const { runtime, blueprintId } = await keyedRuntime(
    freshStore(`bench_dur_${tag}_pg${given.length}_${round}`),
    undefined,
    target,
  );
  try {
    return await timeRun(runtime, blueprintId, target.written, "postgres store", given);
  } finally {
    await runtime.close();
    await runtime.store.close();
  }
}

/** A started pg-boss on a fresh schema with an empty queue `bench`. */
async function freshBoss(name: string): Promise<PgBoss> {
  const schema = `bench_boss_${tag}_${name}`;
  schemas.push(schema);
  const boss = new PgBoss({ connectionString: PG_URL, schema, max: 10, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  await boss.createQueue("bench");
  return boss;
}

/** Inserts the jobs with pg-boss's bulk call, 1,000 a statement. */
async function insertJobs(boss: PgBoss, given: readonly unknown[]): Promise<void> {
  for (let start = 0; start < given.length; start += 1000) {
    await boss.insert(
      given.slice(start, start + 1000).map((data) => ({ name: "bench", data: data as object })),
    );
  }
}

/**
 * (1c) pg-boss's engine without its polling wait: 4 loops (as many as our batches at once) each
 * fetching 100 jobs and completing them in one call, until every job is completed.
 */
async function pgBossLoop(round: number, given: readonly unknown[]): Promise<number> {
  const boss = await freshBoss(`loop${given.length}_${round}`);
  try {
    const started = performance.now();
    await insertJobs(boss, given);
    let done = 0;
    await Promise.all(
      Array.from({ length: WORKER_CONCURRENCY }, async () => {
        while (done < given.length) {
          const jobs = await boss.fetch("bench", { batchSize: BATCH });
          if (jobs.length === 0) continue;
          await boss.complete(
            "bench",
            jobs.map((job) => job.id),
          );
          done += jobs.length;
        }
      }),
    );
    return (given.length / (performance.now() - started)) * 1000;
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true });
  }
}

/** (1b) pg-boss `work`: the same number of jobs inserted in bulk and worked with an empty handler. */
async function pgBoss(round: number): Promise<number> {
  const boss = await freshBoss(String(round));
  const schema = `bench_boss_${tag}_${round}`;
  const queue = "bench";
  let done = 0;
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  try {
    const started = performance.now();
    await insertJobs(boss, records);
    // As many pollers as our inline queue runs batches at once, each fetching a batch of our size.
    for (let i = 0; i < WORKER_CONCURRENCY; i += 1) {
      await boss.work(queue, { batchSize: BATCH, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        done += jobs.length;
        if (done >= RECORDS) resolveAll();
      });
    }
    await all;
    // Completions are written after the handler returns: wait until pg-boss stored them all.
    for (;;) {
      const { rows } = await boss
        .getDb()
        .executeSql(`SELECT count(*)::int AS n FROM ${schema}.job WHERE name = $1 AND state = 'completed'`, [
          queue,
        ]);
      if ((rows[0] as { n: number }).n >= RECORDS) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return (RECORDS / (performance.now() - started)) * 1000;
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true });
  }
}

/** (2a) The same durable run spread by bullmqQueue over `workers` runtimes (one store pool each). */
async function oursBullmq(workers: number, round: number): Promise<number> {
  const schema = `bench_dur_${tag}_mq${workers}_${round}`;
  const prefix = `bench_dur_${tag}_${workers}_${round}`;
  prefixes.push(prefix);
  const target = countingTarget();
  const queue = () => bullmqQueue({ connection: REDIS, prefix, concurrency: WORKER_CONCURRENCY });
  const first = await keyedRuntime(freshStore(schema), queue(), target);
  const others: Runtime[] = [];
  for (let i = 1; i < workers; i += 1) {
    others.push(
      createRuntime({
        store: freshStore(schema),
        queue: queue(),
        connectors: [target.connector],
        logger: silentLogger(),
        recordConcurrency: RECORD_CONCURRENCY,
        batchSize: BATCH,
      }),
    );
  }
  try {
    return await timeRun(first.runtime, first.blueprintId, target.written, `bullmq × ${workers}`);
  } finally {
    for (const runtime of [first.runtime, ...others]) {
      await runtime.close();
      await runtime.store.close();
    }
  }
}

/** (2b) Raw BullMQ: one job per record, empty processor, on `workers` Worker instances. */
async function rawBullmq(workers: number, round: number): Promise<number> {
  const prefix = `bench_raw_${tag}_${workers}_${round}`;
  prefixes.push(prefix);
  const queue = new Queue("bench", { connection: REDIS, prefix });
  let done = 0;
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const running: Worker[] = [];
  try {
    const started = performance.now();
    for (let start = 0; start < RECORDS; start += 1000) {
      await queue.addBulk(
        records
          .slice(start, start + 1000)
          .map((data) => ({ name: "record", data, opts: { removeOnComplete: true } })),
      );
    }
    for (let i = 0; i < workers; i += 1) {
      const worker = new Worker("bench", async () => undefined, {
        connection: REDIS,
        prefix,
        concurrency: WORKER_CONCURRENCY * RECORD_CONCURRENCY,
      });
      worker.on("completed", () => {
        done += 1;
        if (done >= RECORDS) resolveAll();
      });
      worker.on("error", () => {});
      running.push(worker);
    }
    await all;
    return (RECORDS / (performance.now() - started)) * 1000;
  } finally {
    await Promise.all(running.map((worker) => worker.close()));
    await queue.close();
  }
}

async function cleanUp(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(REDIS);
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

export async function run(): Promise<void> {
  register("../packages/core/scripts/_sql-loader.mjs", import.meta.url);
  ({ postgresStore } = await import("@synapseops/core/postgres"));
  const ours = { pg: [] as number[], pgLarge: [] as number[], mq1: [] as number[], mq3: [] as number[] };
  const base = {
    boss: [] as number[],
    loop: [] as number[],
    loopLarge: [] as number[],
    raw1: [] as number[],
    raw3: [] as number[],
  };
  try {
    // Warm-up (JIT, connections, pg-boss's migration path), not measured.
    await oursPostgres(99, records);
    await pgBoss(99);
    await pgBossLoop(99, records);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which goes first so drift on the shared machine hits both alike.
      const pair = async (a: () => Promise<number>, b: () => Promise<number>): Promise<[number, number]> => {
        if (round % 2 === 0) {
          const x = await a();
          return [x, await b()];
        }
        const y = await b();
        return [await a(), y];
      };
      const [p, b] = await pair(
        () => oursPostgres(round, records),
        () => pgBoss(round),
      );
      ours.pg.push(p);
      base.boss.push(b);
      base.loop.push(await pgBossLoop(round, records));
      const [pl, bl] = await pair(
        () => oursPostgres(round, largeRecords),
        () => pgBossLoop(round, largeRecords),
      );
      ours.pgLarge.push(pl);
      base.loopLarge.push(bl);
      const [m1, r1] = await pair(
        () => oursBullmq(1, round),
        () => rawBullmq(1, round),
      );
      ours.mq1.push(m1);
      base.raw1.push(r1);
      const [m3, r3] = await pair(
        () => oursBullmq(3, round),
        () => rawBullmq(3, round),
      );
      ours.mq3.push(m3);
      base.raw3.push(r3);
    }
  } finally {
    await cleanUp();
  }
  emit({
    suite: SUITE,
    case: `${RECORDS} records, postgres store, idempotency on, inline queue (batch ${BATCH}, ${RECORD_CONCURRENCY} records at once)`,
    metric: "records_per_second",
    value: median(ours.pg),
    unit: "records/s",
    baseline: `pg-boss 10 work: ${RECORDS} jobs, bulk insert + ${WORKER_CONCURRENCY} workers (batchSize ${BATCH}, polling 0.5 s), empty handler`,
    baseline_value: median(base.boss),
    better: "higher",
  });
  for (const [count, value, baseline] of [
    [RECORDS, ours.pg, base.loop],
    [LARGE, ours.pgLarge, base.loopLarge],
  ] as const) {
    emit({
      suite: SUITE,
      case: `${count} records, postgres store, idempotency on, inline queue (batch ${BATCH}, ${RECORD_CONCURRENCY} records at once)`,
      metric: "records_per_second",
      value: median(value),
      unit: "records/s",
      baseline: `pg-boss 10 with no polling wait: ${count} jobs, bulk insert + ${WORKER_CONCURRENCY} loops of fetch(${BATCH}) + complete`,
      baseline_value: median(baseline),
      better: "higher",
    });
  }
  for (const [workers, value, baseline] of [
    [1, ours.mq1, base.raw1],
    [3, ours.mq3, base.raw3],
  ] as const) {
    emit({
      suite: SUITE,
      case: `${RECORDS} records, bullmqQueue × ${workers} worker runtime(s) + postgres store, idempotency on`,
      metric: "records_per_second",
      value: median(value),
      unit: "records/s",
      baseline: `raw BullMQ: ${RECORDS} jobs (one per record), ${workers} Worker(s) × concurrency ${WORKER_CONCURRENCY * RECORD_CONCURRENCY}, empty processor`,
      baseline_value: median(baseline),
      better: "higher",
    });
  }
}
