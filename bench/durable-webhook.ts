/**
 * The webhook path (issue 21): one arrival → one durable run → the caller learns it is done.
 * Measured side by side in one process, each engine on its own PostgreSQL database, engines
 * alternating in rounds, `IN_FLIGHT` arrivals at a time:
 * - ours: `runs.ingest(blueprint, { record })` on the PostgreSQL store (inline queue, idempotency
 *   on) → `runs.wait` returns SUCCEEDED;
 * - DBOS: one workflow with one step, `DBOS.startWorkflow` + `getResult()`;
 * - graphile-worker: `addJob` → the job's `job:complete` event (its row written back).
 * Per engine: latency p50/p99 (ms), and per arrival the statements sent (every `pg` client query,
 * BEGIN/COMMIT included, background polling included) and the write commits (COMMITs and
 * autocommit INSERT/UPDATE/DELETE/SELECT-of-a-function), counted by wrapping `pg.Client#query`, plus
 * `pg_stat_database.xact_commit` of the engine's database before and after, this process's CPU and
 * the PostgreSQL server's (its processes' `/proc` times: on two cores both decide the latency).
 */
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { DBOS } from "@dbos-inc/dbos-sdk";
import { createRuntime, inlineQueue, type Runtime, silentLogger } from "@synapseops/core";
import { type Runner, run as runGraphileWorker } from "graphile-worker";
import pg from "pg";
import { launchOneStepDbos, urlFor } from "./_dbos-one-step";
import { arrivalsInFlight, countingTarget, keyedBlueprint } from "./_durable-fixtures";
import { countPgTraffic, cpuMicrosSince, pgTraffic, postgresCpuMicros } from "./_pg-traffic";
import { emit, median, percentile } from "./_report";

const SUITE = "durable";
const QUICK = process.env.DURABLE_BENCH_QUICK === "1";
const ARRIVALS_PER_ROUND = QUICK ? 40 : 200;
const ROUNDS = QUICK ? 1 : 5;
const IN_FLIGHT = 8;
/**
 * Arrivals each engine takes before it is measured. The default (20) measures engines that have
 * barely warmed up: V8 is still compiling, and our longer path pays more for it — Node CPU per
 * arrival of ours falls by ≈ 2.7× over its first 1 500 arrivals (docs/benchmarks.md, issue 21).
 * `WEBHOOK_BENCH_WARMUP=2000` measures the steady state a long-running service sees.
 */
const WARMUP = Number(process.env.WEBHOOK_BENCH_WARMUP ?? 20);
const POOL = 10;
const ADMIN_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** What one engine does for one arrival, and how it is set up and torn down. */
interface Engine {
  name: string;
  database: string;
  arrive(id: string): Promise<void>;
  close(): Promise<void>;
}

async function xactCommits(admin: pg.Client, database: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    "select xact_commit::text as n from pg_stat_database where datname = $1",
    [database],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Ours: one record ingested, waited for. */
async function oursEngine(database: string): Promise<Engine> {
  const { postgresStore } = await import("@synapseops/core/postgres");
  const target = countingTarget();
  const pool = new pg.Pool({ connectionString: urlFor(ADMIN_URL, database), max: POOL });
  const runtime: Runtime = createRuntime({
    store: postgresStore({ pool }),
    // As many runs at once as arrive, as graphile-worker's `concurrency` below.
    queue: inlineQueue({ concurrency: IN_FLIGHT }),
    connectors: [target.connector],
    logger: silentLogger(),
  });
  const blueprintId = await keyedBlueprint(runtime);
  return {
    name: "ours",
    database,
    async arrive(id) {
      const before = target.written();
      const run = await runtime.runs.ingest(blueprintId, { record: { id, amount: 1 } });
      const done = await runtime.runs.wait(run.id, { timeoutMs: 60_000 });
      if (done.status !== "SUCCEEDED" || target.written() === before)
        throw new Error(`ours: run ended ${done.status}`);
    },
    async close() {
      await runtime.close();
      await runtime.store.close();
      await pool.end();
    },
  };
}

/** DBOS: a workflow of one step per arrival, started and awaited. */
async function dbosEngine(database: string): Promise<Engine> {
  const { workflow, effects } = await launchOneStepDbos("webhook", urlFor(ADMIN_URL, database), POOL);
  return {
    name: "DBOS",
    database,
    async arrive(id) {
      const before = effects();
      const handle = await DBOS.startWorkflow(workflow, { workflowID: id })(id);
      if ((await handle.getResult()) !== id || effects() === before) throw new Error("DBOS: wrong result");
    },
    close: () => DBOS.shutdown(),
  };
}

/** graphile-worker: a job per arrival, done when its completion is written back. */
async function graphileEngine(database: string): Promise<Engine> {
  const waiting = new Map<string, () => void>();
  const runner: Runner = await runGraphileWorker({
    connectionString: urlFor(ADMIN_URL, database),
    concurrency: IN_FLIGHT,
    maxPoolSize: POOL,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: new (await import("graphile-worker")).Logger(() => () => {}),
    taskList: { webhook: async () => {} },
  });
  runner.events.on("job:complete", ({ job, error }) => {
    const id = (job.payload as { id?: string } | null)?.id;
    if (id && !error) waiting.get(id)?.();
  });
  return {
    name: "graphile-worker",
    database,
    async arrive(id) {
      const done = new Promise<void>((resolve) => waiting.set(id, resolve));
      await runner.addJob("webhook", { id });
      await done;
      waiting.delete(id);
    },
    close: () => runner.stop(),
  };
}

interface Tally {
  latencies: number[];
  arrivals: number;
  statements: number;
  writeCommits: number;
  xactCommits: number;
  /** Microseconds of this process's CPU while the engine's arrivals ran (all engines share it). */
  cpuMicros: number;
  /**
   * Microseconds of the PostgreSQL server's CPU meanwhile (all its processes; NaN where `/proc`
   * cannot be read): the two share the machine's cores, so both decide the latency.
   */
  serverCpuMicros: number;
  /** Milliseconds of garbage-collection pauses while they ran. */
  gcMs: number;
  /** The event loop's delay p99 over its rounds (ms), one figure per round. */
  loopDelayP99: number[];
}

/** Garbage-collection pause time of this process so far (ms), kept by a PerformanceObserver. */
const gc = { ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gc.ms += entry.duration;
}).observe({ entryTypes: ["gc"] });

const emptyTally = (): Tally => ({
  latencies: [],
  arrivals: 0,
  statements: 0,
  writeCommits: 0,
  xactCommits: 0,
  cpuMicros: 0,
  serverCpuMicros: 0,
  gcMs: 0,
  loopDelayP99: [],
});

/** `count` arrivals, `IN_FLIGHT` at a time, into `tally`. */
async function round(engine: Engine, admin: pg.Client, tally: Tally, label: string, count: number) {
  const commitsBefore = await xactCommits(admin, engine.database);
  const before = { ...pgTraffic };
  const cpuBefore = process.cpuUsage();
  const serverCpuBefore = postgresCpuMicros() ?? Number.NaN;
  const gcBefore = gc.ms;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  tally.latencies.push(...(await arrivalsInFlight(count, IN_FLIGHT, label, (id) => engine.arrive(id))));
  tally.cpuMicros += cpuMicrosSince(cpuBefore);
  tally.serverCpuMicros += (postgresCpuMicros() ?? Number.NaN) - serverCpuBefore;
  tally.gcMs += gc.ms - gcBefore;
  loopDelay.disable();
  tally.loopDelayP99.push(loopDelay.percentile(99) / 1e6);
  tally.statements += pgTraffic.statements - before.statements;
  tally.writeCommits += pgTraffic.writeCommits - before.writeCommits;
  // Statistics reach pg_stat_database when a backend reports (at most every second).
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  tally.xactCommits += (await xactCommits(admin, engine.database)) - commitsBefore;
  tally.arrivals += count;
}

/** The webhook-arrival case of `npm run bench -- durable`. */
export async function webhookArrivalCase(): Promise<void> {
  const tag = randomUUID().slice(0, 8);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const names = {
    ours: `bench_wh_${tag}_ours`,
    dbos: `bench_wh_${tag}_dbos`,
    graphile: `bench_wh_${tag}_gw`,
  };
  for (const database of Object.values(names)) await admin.query(`create database ${database}`);
  const restore = countPgTraffic();
  const engines: Engine[] = [];
  try {
    engines.push(
      await oursEngine(names.ours),
      await dbosEngine(names.dbos),
      await graphileEngine(names.graphile),
    );
    const tallies = new Map<Engine, Tally>(engines.map((e) => [e, emptyTally()]));
    const warm = emptyTally();
    for (const engine of engines) await round(engine, admin, warm, `warm-${engine.name}`, WARMUP);
    for (let r = 0; r < ROUNDS; r += 1) {
      // Rotate the order so drift on the shared machine hits every engine alike.
      const order = engines.map((_, i) => engines[(i + r) % engines.length]!);
      for (const engine of order)
        await round(engine, admin, tallies.get(engine)!, `r${r}-${engine.name}`, ARRIVALS_PER_ROUND);
    }
    const ours = tallies.get(engines[0]!)!;
    for (const baseline of engines.slice(1)) {
      const theirs = tallies.get(baseline)!;
      const what = `${ARRIVALS_PER_ROUND * ROUNDS} webhook arrivals, ${IN_FLIGHT} in flight, one record each, postgres (pool ${POOL})`;
      for (const p of [50, 99]) {
        emit({
          suite: SUITE,
          case: `${what}: ingest → durable → runs.wait`,
          metric: `latency_p${p}_ms`,
          value: percentile(ours.latencies, p),
          unit: "ms",
          baseline:
            baseline.name === "DBOS"
              ? "DBOS 5.3 (@dbos-inc/dbos-sdk): startWorkflow(one step) + getResult"
              : "graphile-worker 0.17: addJob → job:complete",
          baseline_value: percentile(theirs.latencies, p),
          better: "lower",
        });
      }
      for (const [metric, key] of [
        ["statements_per_arrival", "statements"],
        ["write_commits_per_arrival", "writeCommits"],
        ["xact_commits_per_arrival", "xactCommits"],
        ["node_cpu_us_per_arrival", "cpuMicros"],
        ["postgres_cpu_us_per_arrival", "serverCpuMicros"],
        ["gc_ms_per_arrival", "gcMs"],
      ] as const) {
        emit({
          suite: SUITE,
          case: `${what}: ${metric.replaceAll("_", " ")}`,
          metric,
          value: ours[key] / ours.arrivals,
          unit: "per arrival",
          baseline: baseline.name,
          baseline_value: theirs[key] / theirs.arrivals,
          better: "lower",
        });
      }
      emit({
        suite: SUITE,
        case: `${what}: event-loop delay p99 (median of rounds)`,
        metric: "loop_delay_p99_ms",
        value: median(ours.loopDelayP99),
        unit: "ms",
        baseline: baseline.name,
        baseline_value: median(theirs.loopDelayP99),
        better: "lower",
      });
    }
  } finally {
    for (const engine of engines) await engine.close().catch(() => undefined);
    restore();
    for (const database of Object.values(names)) {
      await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    }
    await admin.end();
  }
}
