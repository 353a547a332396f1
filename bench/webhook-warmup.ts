/**
 * The webhook case of ours alone, round by round (issue 21): how Node CPU per arrival, latency and
 * event-loop delay move as the process warms up, with no peer engine in the process. Same runtime
 * as `durable-webhook.ts` (PostgreSQL store, inline queue of 8, idempotency on, map + send),
 * `ROUNDS` rounds of `N` arrivals after 40 warm-up ones, one JSON line per round.
 *
 * Usage: `N=500 ROUNDS=6 nice -n 15 node --conditions=@synapseops/source --import tsx bench/webhook-warmup.ts`
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRuntime, inlineQueue, silentLogger } from "@synapseops/core";
import pg from "pg";
import { arrivalsInFlight, countingTarget, keyedBlueprint } from "./_durable-fixtures";
import { countPgTraffic, pgTraffic, postgresCpuMicros } from "./_pg-traffic";
import { percentile } from "./_report";

const N = Number(process.env.N ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const IN_FLIGHT = 8;
const ADMIN_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const rounded = (value: number): number => Math.round(value * 100) / 100;

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
const database = `bench_whw_${randomUUID().slice(0, 8)}`;
await admin.query(`create database ${database}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${database}`;
const restore = countPgTraffic();
const { postgresStore } = await import("@synapseops/core/postgres");
const target = countingTarget();
const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
// Dropping the database at the end ends the pool's idle connections.
pool.on("error", () => {});
const runtime = createRuntime({
  store: postgresStore({ pool }),
  queue: inlineQueue({ concurrency: IN_FLIGHT }),
  connectors: [target.connector],
  logger: silentLogger(),
});
const blueprintId = await keyedBlueprint(runtime);

/** `count` arrivals, `IN_FLIGHT` at a time; the figures per arrival. */
async function round(label: string, count: number) {
  const before = { ...pgTraffic };
  const cpu = process.cpuUsage();
  const serverCpu = postgresCpuMicros() ?? Number.NaN;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const latencies = await arrivalsInFlight(count, IN_FLIGHT, label, async (id) => {
    const run = await runtime.runs.ingest(blueprintId, { record: { id, amount: 1 } });
    const done = await runtime.runs.wait(run.id, { timeoutMs: 60_000 });
    if (done.status !== "SUCCEEDED") throw new Error(`run ended ${done.status}`);
  });
  loopDelay.disable();
  const used = process.cpuUsage(cpu);
  const serverUsed = (postgresCpuMicros() ?? Number.NaN) - serverCpu;
  return {
    load: rounded(loadavg()[0]!),
    cpu_user_us: rounded(used.user / count),
    cpu_system_us: rounded(used.system / count),
    postgres_cpu_us: rounded(serverUsed / count),
    loop_delay_p99_ms: rounded(loopDelay.percentile(99) / 1e6),
    latency_p50_ms: rounded(percentile(latencies, 50)),
    latency_p99_ms: rounded(percentile(latencies, 99)),
    statements: rounded((pgTraffic.statements - before.statements) / count),
    write_commits: rounded((pgTraffic.writeCommits - before.writeCommits) / count),
  };
}

try {
  await round("warm", 40);
  for (let r = 1; r <= ROUNDS; r += 1) {
    process.stdout.write(`${JSON.stringify({ round: r, arrivals: N, ...(await round(`r${r}`, N)) })}\n`);
  }
} finally {
  await runtime.close();
  await runtime.store.close();
  await pool.end();
  restore();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
}
