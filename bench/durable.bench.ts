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
 * Every contender is set up once (a runtime, a pg-boss, BullMQ workers: long-lived, as in a
 * service), warmed up by one unmeasured round, then measured in rounds that alternate ours and
 * the baseline; medians are reported. Each round moves new records (new keys, a new pg-boss queue).
 * (3) schedule fire latency (issue 20): tick → run QUEUED of a 1-second schedule fired by a worker
 *     runtime (PostgreSQL store + bullmqQueue), p50 and p99, vs BullMQ's own job scheduler
 *     (tick → processor start); see durable-schedules.ts. `DURABLE_BENCH_ONLY=schedules` runs only it.
 * (4) record limits (issue 20): records/s of a run over 3 bullmqQueue workers with `recordLimits`
 *     on (50 tenants, a limit that never binds: its cost) vs the same workers without; see
 *     durable-limits.ts. `DURABLE_BENCH_ONLY=limits` runs only it.
 * (5) the webhook path (issue 21): one arrival → one durable run, latency and statements/commits
 *     per arrival vs DBOS and graphile-worker; see durable-webhook.ts. `DURABLE_BENCH_ONLY=webhook`.
 * (6) `DURABLE_BENCH_ONLY=bulk` runs only the PostgreSQL store against pg-boss's loop (1b), with
 *     Node CPU µs and bytes sent (SQL + parameters, counted in the warm-up round) per record.
 *     The bulk case also runs DBOS (one workflow per record, durable-bulk-dbos.ts), and then each
 *     bulk engine alone in a fresh child process for its peak RSS (durable-peak-rss.ts).
 * Needs PostgreSQL and Redis. `DURABLE_BENCH_QUICK=1` shrinks the counts for a smoke run.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createRuntime, type RunQueue, silentLogger } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import PgBoss from "pg-boss";
import { countingTarget, keyedBlueprint } from "./_durable-fixtures";
import { countPgTraffic, cpuMicrosSince, pgTraffic } from "./_pg-traffic";
import { emit, median, percentile } from "./_report";
import { dbosBulk } from "./durable-bulk-dbos";
import { limitsThroughput } from "./durable-limits";
import { type PeakRss, peakRssInChild, reportPeakRss, rssEngine, rssNow } from "./durable-peak-rss";
import { scheduleFireLatencies } from "./durable-schedules";
import { webhookArrivalCase } from "./durable-webhook";

const SUITE = "durable";
const QUICK = process.env.DURABLE_BENCH_QUICK === "1";
const RECORDS = QUICK ? 400 : 2_000;
/** The larger run of the PostgreSQL comparison. */
const LARGE = QUICK ? 1_000 : 10_000;
const ROUNDS = QUICK ? 1 : 5;
/** Rounds against DBOS, whose ≈ 600 records/s would take the bulk case past two minutes at 5. */
const DBOS_ROUNDS = QUICK ? 1 : 3;
const BATCH = 100;
/** Batches a worker runs at once (the inline queue's and bullmqQueue's default) and records at once per batch. */
const WORKER_CONCURRENCY = 4;
const RECORD_CONCURRENCY = 8;
const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS = { host: "127.0.0.1", port: 6379 };
/** Connections per engine in the bulk case: pg-boss's `max`, DBOS's pool, pg's default for our store. */
const POOL = 10;
const tag = randomUUID().slice(0, 8);
const schemas: string[] = [];
const prefixes: string[] = [];

// Imported in `run`, so a bench run that skips this suite does not load the PostgreSQL store.
let postgresStore: typeof import("@synapseops/core/postgres").postgresStore;

/** `count` records whose ids (the idempotency keys) no earlier round used. */
const makeRecords = (count: number, round: string) =>
  Array.from({ length: count }, (_, i) => ({ id: `${round}-${i}`, amount: i % 100 }));

/** One side of a comparison, set up once and measured many times. */
interface Contender {
  /** Moves `count` new records; returns records/s. */
  measure(count: number, round: string): Promise<number>;
  close(): Promise<void>;
}

/** A runtime on the PostgreSQL store (`schema`), with the queue given and the bench's limits. */
function benchRuntime(
  schema: string,
  queue: RunQueue | undefined,
  target: ReturnType<typeof countingTarget>,
) {
  if (!schemas.includes(schema)) schemas.push(schema);
  return createRuntime({
    store: postgresStore({ connectionString: PG_URL }, { schema }),
    connectors: [target.connector],
    logger: silentLogger(),
    recordConcurrency: RECORD_CONCURRENCY,
    batchSize: BATCH,
    ...(queue ? { queue } : {}),
  });
}

/**
 * Ours: durable runs through `workers` runtimes sharing one store schema — the inline queue for
 * one runtime without `bullmq`, `bullmqQueue` otherwise. Timed from `runs.start` until the run
 * is SUCCEEDED with every record written once (its `finishedAt`, written by the worker that
 * finished it).
 */
async function ours(label: string, options: { bullmq: boolean; workers: number }): Promise<Contender> {
  const schema = `bench_dur_${tag}_${label}`;
  const prefix = `bench_dur_${tag}_${label}`;
  if (options.bullmq) prefixes.push(prefix);
  const target = countingTarget();
  const queue = () =>
    options.bullmq ? bullmqQueue({ connection: REDIS, prefix, concurrency: WORKER_CONCURRENCY }) : undefined;
  const runtimes = Array.from({ length: options.workers }, () => benchRuntime(schema, queue(), target));
  const first = runtimes[0]!;
  const blueprintId = await keyedBlueprint(first);
  return {
    async measure(count, round) {
      const records = makeRecords(count, round);
      const before = target.written();
      const started = Date.now();
      const run = await first.runs.start(blueprintId, { records });
      const done = await first.runs.wait(run.id, { timeoutMs: 300_000 });
      // Until the run was finished in the store, by whichever worker: not until this waiter,
      // which polls for a run another runtime finished, happened to look.
      const elapsed = Date.parse(done.finishedAt ?? new Date().toISOString()) - started;
      const written = target.written() - before;
      if (done.status !== "SUCCEEDED" || done.counts.completed !== count || written !== count)
        throw new Error(
          `${label}: run ended ${done.status}, ${done.counts.completed} completed, ${written} writes`,
        );
      return (count / elapsed) * 1000;
    },
    async close() {
      for (const runtime of runtimes) {
        await runtime.close();
        await runtime.store.close();
      }
    },
  };
}

/**
 * A pg-boss contender on a fresh schema: each measurement fills a new queue with `count` jobs
 * (pg-boss's bulk `insert`, 1,000 a statement) and hands it to `drain`, timed from the first
 * insert until `drain` resolves; what `drain` returns runs after the clock stops.
 */
async function pgBossContender(
  label: string,
  drain: (boss: PgBoss, queue: string, count: number) => Promise<(() => Promise<unknown>) | undefined>,
): Promise<Contender> {
  const schema = `bench_boss_${tag}_${label}`;
  schemas.push(schema);
  const boss = new PgBoss({ connectionString: PG_URL, schema, max: POOL, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  return {
    async measure(count, round) {
      const started = performance.now();
      const queue = `bench_${round}`.replace(/[^\w]/g, "_");
      await boss.createQueue(queue);
      const records = makeRecords(count, round);
      for (let start = 0; start < count; start += 1000) {
        await boss.insert(records.slice(start, start + 1000).map((data) => ({ name: queue, data })));
      }
      const after = await drain(boss, queue, count);
      const elapsed = performance.now() - started;
      await after?.();
      return (count / elapsed) * 1000;
    },
    close: () => boss.stop({ graceful: false, wait: true, close: true }),
  };
}

/**
 * pg-boss `work`: as many pollers as our queue runs batches at once, each fetching a batch of
 * our size every `pollingIntervalSeconds` (0.5, its minimum) with an empty handler, until
 * pg-boss stored every completion.
 */
const pgBossWork = (): Promise<Contender> =>
  pgBossContender("work", async (boss, queue, count) => {
    let done = 0;
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    for (let i = 0; i < WORKER_CONCURRENCY; i += 1) {
      await boss.work(queue, { batchSize: BATCH, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        done += jobs.length;
        if (done >= count) resolveAll();
      });
    }
    await all;
    // Completions are written after the handler returns: wait until pg-boss stored them all.
    while ((await boss.getQueueSize(queue, { before: "completed" })) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return () => boss.offWork(queue);
  });

/**
 * pg-boss's engine without its polling wait: 4 loops (as many as our batches at once) each
 * fetching 100 jobs and completing them in one call, until every job is completed.
 */
const pgBossLoop = (): Promise<Contender> =>
  pgBossContender("loop", async (boss, queue, count) => {
    let done = 0;
    await Promise.all(
      Array.from({ length: WORKER_CONCURRENCY }, async () => {
        while (done < count) {
          const jobs = await boss.fetch(queue, { batchSize: BATCH });
          if (jobs.length === 0) continue;
          await boss.complete(
            queue,
            jobs.map((job) => job.id),
          );
          done += jobs.length;
        }
      }),
    );
    return undefined;
  });

/** Raw BullMQ: one job per record with an empty processor on `workers` Worker instances. */
async function rawBullmq(workers: number): Promise<Contender> {
  const prefix = `bench_raw_${tag}_${workers}`;
  prefixes.push(prefix);
  const queue = new Queue("bench", { connection: REDIS, prefix });
  let done = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached: () => void = () => {};
  const running = Array.from({ length: workers }, () => {
    const worker = new Worker("bench", async () => undefined, {
      connection: REDIS,
      prefix,
      concurrency: WORKER_CONCURRENCY * RECORD_CONCURRENCY,
    });
    worker.on("completed", () => {
      done += 1;
      if (done >= target) reached();
    });
    worker.on("error", () => {});
    return worker;
  });
  await Promise.all(running.map((worker) => worker.waitUntilReady()));
  return {
    async measure(count, round) {
      done = 0;
      target = count;
      const all = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const records = makeRecords(count, round);
      const started = performance.now();
      for (let start = 0; start < count; start += 1000) {
        await queue.addBulk(
          records
            .slice(start, start + 1000)
            .map((data) => ({ name: "record", data, opts: { removeOnComplete: true } })),
        );
      }
      await all;
      return (count / (performance.now() - started)) * 1000;
    },
    async close() {
      await Promise.all(running.map((worker) => worker.close()));
      await queue.close();
    },
  };
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

/** One comparison: its two contenders, the record count, and the medians collected. */
interface Comparison {
  ours: Contender;
  baseline: Contender;
  count: number;
  oursRates: number[];
  baselineRates: number[];
  /** Microseconds of this process's CPU per record, per measured round. */
  oursCpu: number[];
  baselineCpu: number[];
  /** Bytes sent to PostgreSQL per record in the warm-up round (SQL + parameters). */
  oursBytes: number;
  baselineBytes: number;
  /** Measured rounds (the first `rounds` of the bench's). */
  rounds: number;
  /** Whether the warm-up round runs (and counts bytes); off when both sides are warm already. */
  warm: boolean;
}

/** Schedule fire latency, ours vs BullMQ's job scheduler (issue 20). */
async function scheduleCase(): Promise<void> {
  const ticks = QUICK ? 8 : 40;
  const { ours, bullmq } = await scheduleFireLatencies(PG_URL, REDIS, ticks);
  for (const p of [50, 99]) {
    emit({
      suite: SUITE,
      case: `schedule every 1 s, ${ours.length} ticks, 1 worker runtime (postgres store + bullmqQueue), overlap allow`,
      metric: `fire_latency_p${p}_ms`,
      value: percentile(ours, p),
      unit: "ms (tick → run QUEUED)",
      baseline: `BullMQ job scheduler (upsertJobScheduler every 1000 ms), ${bullmq.length} ticks: due → processor start`,
      baseline_value: percentile(bullmq, p),
      better: "lower",
    });
  }
}

/** Throughput with record limits on vs off (issue 20). */
async function limitsCase(): Promise<void> {
  const { limited, unlimited } = await limitsThroughput(PG_URL, REDIS, RECORDS, ROUNDS);
  emit({
    suite: SUITE,
    case: `${RECORDS} records of 50 tenants, bullmqQueue × 3 worker runtimes + postgres store, recordLimits on (tenant concurrency 8, on Redis)`,
    metric: "records_per_second",
    value: median(limited),
    unit: "records/s",
    baseline: "the same workers and run without recordLimits",
    baseline_value: median(unlimited),
    better: "higher",
  });
}

/** The bulk case's engines, each made on its own schema or database. */
const bulkEngines = {
  ours: () => ours("pg", { bullmq: false, workers: 1 }),
  "pg-boss": pgBossLoop,
  DBOS: () =>
    dbosBulk(PG_URL, `bench_bulk_${tag}_dbos`, {
      inFlight: WORKER_CONCURRENCY * RECORD_CONCURRENCY,
      pool: POOL,
    }),
} as const;

/** `records` as the bulk case's DBOS contender runs them (see durable-bulk-dbos.ts). */
const dbosCase = (records: number) =>
  `DBOS 5.3: ${records} records, one workflow (one step) per record, DBOS.startWorkflow + getResult, ${WORKER_CONCURRENCY * RECORD_CONCURRENCY} in flight, pool ${POOL}`;

/**
 * In a child process of `bulkPeakRss`: one engine alone, a warm-up round of `RECORDS` then one of
 * `LARGE` (the bulk case's sizes), then its peak RSS.
 */
async function bulkEngineAlone(engine: string): Promise<void> {
  const make = bulkEngines[engine as keyof typeof bulkEngines];
  if (make === undefined) throw new Error(`unknown bulk engine "${engine}"`);
  ({ postgresStore } = await import("@synapseops/core/postgres"));
  const start = rssNow();
  const contender = await make();
  try {
    await contender.measure(RECORDS, "rss-warm");
    await contender.measure(LARGE, "rss-large");
    reportPeakRss(start);
  } finally {
    await contender.close();
    await cleanUp();
  }
}

/** Peak RSS of each bulk engine, each alone in a fresh process: ours against every peer. */
async function bulkPeakRss(): Promise<void> {
  const rss: Record<string, PeakRss> = {};
  for (const engine of Object.keys(bulkEngines)) rss[engine] = await peakRssInChild(engine);
  const what = `bulk engine alone in a fresh process (${RECORDS} then ${LARGE} records; every module of this bench loaded in each): ours (postgres store, idempotency on)`;
  for (const peer of ["pg-boss", "DBOS"]) {
    const baseline =
      peer === "DBOS" ? "DBOS 5.3, one workflow per record" : "pg-boss 10 loop of fetch + complete";
    emit({
      suite: SUITE,
      case: what,
      metric: "peak_rss_mib",
      value: rss.ours!.peak,
      unit: "MiB (process.resourceUsage().maxRSS)",
      baseline,
      baseline_value: rss[peer]!.peak,
      better: "lower",
    });
    // The same less what each process held before its engine was made (Node, tsx, the modules).
    emit({
      suite: SUITE,
      case: what,
      metric: "peak_rss_above_start_mib",
      value: rss.ours!.peak - rss.ours!.start,
      unit: "MiB over the process's RSS before the engine was made",
      baseline,
      baseline_value: rss[peer]!.peak - rss[peer]!.start,
      better: "lower",
    });
  }
}

export async function run(): Promise<void> {
  if (rssEngine !== undefined) {
    await bulkEngineAlone(rssEngine);
    return;
  }
  if (process.env.DURABLE_BENCH_ONLY === "schedules") {
    await scheduleCase();
    return;
  }
  if (process.env.DURABLE_BENCH_ONLY === "limits") {
    await limitsCase();
    return;
  }
  if (process.env.DURABLE_BENCH_ONLY === "webhook") {
    await webhookArrivalCase();
    return;
  }
  const bulkOnly = process.env.DURABLE_BENCH_ONLY === "bulk";
  if (!bulkOnly) {
    await scheduleCase();
    await limitsCase();
    await webhookArrivalCase();
  }
  ({ postgresStore } = await import("@synapseops/core/postgres"));
  const contenders: Contender[] = [];
  const track = async (made: Promise<Contender>): Promise<Contender> => {
    const contender = await made;
    contenders.push(contender);
    return contender;
  };
  try {
    const inline = await track(bulkEngines.ours());
    const comparisons: Record<string, Comparison> = {};
    const compare = (
      name: string,
      mine: Contender,
      baseline: Contender,
      count: number,
      { rounds = ROUNDS, warm = true } = {},
    ): void => {
      comparisons[name] = {
        ours: mine,
        baseline,
        count,
        oursRates: [],
        baselineRates: [],
        oursCpu: [],
        baselineCpu: [],
        oursBytes: 0,
        baselineBytes: 0,
        rounds,
        warm,
      };
    };
    if (!bulkOnly) compare("work", inline, await track(pgBossWork()), RECORDS);
    const loop = await track(bulkEngines["pg-boss"]());
    compare("loop", inline, loop, RECORDS);
    compare("loopLarge", inline, loop, LARGE);
    if (!bulkOnly) {
      const mq1 = await track(ours("mq1", { bullmq: true, workers: 1 }));
      const mq3 = await track(ours("mq3", { bullmq: true, workers: 3 }));
      compare("mq1", mq1, await track(rawBullmq(1)), RECORDS);
      compare("mq3", mq3, await track(rawBullmq(3)), RECORDS);
    }

    /** Warms up and measures `selected`, alternating sides round by round. */
    const measureAll = async (selected: Record<string, Comparison>): Promise<void> => {
      // Warm-up round (JIT, connections, compiled mappings, pg-boss's first queue), not measured;
      // it counts the bytes each side sends (counting costs CPU, so not in the measured rounds).
      const restore = countPgTraffic();
      const bytesPerRecord = async (contender: Contender, count: number, round: string) => {
        const before = pgTraffic.bytes;
        await contender.measure(count, round);
        return (pgTraffic.bytes - before) / count;
      };
      try {
        for (const [name, c] of Object.entries(selected)) {
          if (!c.warm) continue;
          c.oursBytes = await bytesPerRecord(c.ours, c.count, `warm-${name}-ours`);
          c.baselineBytes = await bytesPerRecord(c.baseline, c.count, `warm-${name}-base`);
        }
      } finally {
        restore();
      }
      const timed = async (
        contender: Contender,
        count: number,
        round: string,
        rates: number[],
        cpu: number[],
      ) => {
        const before = process.cpuUsage();
        rates.push(await contender.measure(count, round));
        cpu.push(cpuMicrosSince(before) / count);
      };
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [name, c] of Object.entries(selected)) {
          if (round >= c.rounds) continue;
          // Alternate which goes first so drift on the shared machine hits both alike.
          const sides = [
            () => timed(c.ours, c.count, `r${round}-${name}-ours`, c.oursRates, c.oursCpu),
            () => timed(c.baseline, c.count, `r${round}-${name}-base`, c.baselineRates, c.baselineCpu),
          ];
          if (round % 2 === 1) sides.reverse();
          for (const side of sides) await side();
        }
      }
    };
    await measureAll({ ...comparisons });
    // DBOS is launched only now, after the other comparisons: a launched DBOS keeps its own work
    // and heap in this process, which inflated both sides' CPU per record in the rounds it shared
    // (ours 25 → 37–61 µs, pg-boss 5 → 6–7 µs, quiet box, 2026-12-07).
    const dbos = await track(bulkEngines.DBOS());
    const before = new Set(Object.keys(comparisons));
    compare("dbos", inline, dbos, RECORDS, { rounds: DBOS_ROUNDS });
    compare("dbosLarge", inline, dbos, LARGE, { rounds: DBOS_ROUNDS, warm: false });
    await measureAll(Object.fromEntries(Object.entries(comparisons).filter(([name]) => !before.has(name))));

    const inlineCase = (count: number) =>
      `${count} records, postgres store, idempotency on, inline queue (batch ${BATCH}, ${RECORD_CONCURRENCY} records at once)`;
    const {
      work,
      loop: small,
      loopLarge,
      dbos: dbosSmall,
      dbosLarge,
      mq1: one,
      mq3: three,
    } = comparisons as Record<string, Comparison>;
    if (work)
      emit({
        suite: SUITE,
        case: inlineCase(RECORDS),
        metric: "records_per_second",
        value: median(work!.oursRates),
        unit: "records/s",
        baseline: `pg-boss 10 work: ${RECORDS} jobs, bulk insert + ${WORKER_CONCURRENCY} workers (batchSize ${BATCH}, polling 0.5 s), empty handler`,
        baseline_value: median(work!.baselineRates),
        better: "higher",
      });
    /** A bulk comparison's records/s and Node CPU per record lines. */
    const rateAndCpu = (c: Comparison, rateBaseline: string, cpuBaseline: string) => {
      emit({
        suite: SUITE,
        case: inlineCase(c.count),
        metric: "records_per_second",
        value: median(c.oursRates),
        unit: "records/s",
        baseline: rateBaseline,
        baseline_value: median(c.baselineRates),
        better: "higher",
      });
      emit({
        suite: SUITE,
        case: inlineCase(c.count),
        metric: "node_cpu_us_per_record",
        value: median(c.oursCpu),
        unit: "µs of this process's CPU per record",
        baseline: cpuBaseline,
        baseline_value: median(c.baselineCpu),
        better: "lower",
      });
    };
    for (const c of [small!, loopLarge!]) {
      const loopBaseline = `pg-boss 10 with no polling wait (${c.count} jobs)`;
      rateAndCpu(
        c,
        `pg-boss 10 with no polling wait: ${c.count} jobs, bulk insert + ${WORKER_CONCURRENCY} loops of fetch(${BATCH}) + complete`,
        loopBaseline,
      );
      emit({
        suite: SUITE,
        case: inlineCase(c.count),
        metric: "bytes_sent_per_record",
        value: c.oursBytes,
        unit: "bytes of SQL + parameters per record (warm-up round)",
        baseline: loopBaseline,
        baseline_value: c.baselineBytes,
        better: "lower",
      });
    }
    for (const c of [dbosSmall!, dbosLarge!]) rateAndCpu(c, dbosCase(c.count), dbosCase(c.count));
    for (const [workers, c] of [
      [1, one],
      [3, three],
    ] as const) {
      if (c === undefined) continue;
      emit({
        suite: SUITE,
        case: `${RECORDS} records, bullmqQueue × ${workers} worker runtime(s) + postgres store, idempotency on`,
        metric: "records_per_second",
        value: median(c.oursRates),
        unit: "records/s",
        baseline: `raw BullMQ: ${RECORDS} jobs (one per record), ${workers} Worker(s) × concurrency ${WORKER_CONCURRENCY * RECORD_CONCURRENCY}, empty processor`,
        baseline_value: median(c.baselineRates),
        better: "higher",
      });
    }
  } finally {
    for (const contender of contenders) await contender.close().catch(() => undefined);
    await cleanUp();
  }
  // After every in-process contender closed, so the children have the machine to themselves.
  await bulkPeakRss();
}
