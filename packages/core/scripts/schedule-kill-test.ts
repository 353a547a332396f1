/**
 * The schedule test of issue 20: 3 worker processes (PostgreSQL store + BullMQ queue) fire a
 * 1-second schedule over `SCHEDULE_TICKS` ticks (300 by default) while a random worker is killed
 * with SIGKILL at least `SCHEDULE_KILLS` times (10 by default) and restarted. Each tick starts a
 * run of one record that POSTs to a local HTTP target with the tick's Idempotency-Key.
 * Expected: every tick of the window claimed once and FIRED, exactly one run per tick, each
 * tick's run SUCCEEDED and its record applied at the key-honouring target (0 duplicate, 0 missed).
 * Requests sent again after a kill (the executor's at-least-once sending) are counted apart. Ends with one line:
 * `schedule-kill-test: <N> ticks, <K> kills, fired <F>, missed <M>, duplicate runs <D>, …`
 * and exits 1 when a tick was missed or doubled.
 *
 * Run: `npm run schedule-kill-test` (sources; `SCHEDULE_TICKS=20 SCHEDULE_KILLS=10` for a short run).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  ConnectorError,
  createRuntime,
  defineConnector,
  type Runtime,
  type ScheduleFire,
} from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";

const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = new URL(process.env.SYNAPSEOPS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const TICKS = Number(process.env.SCHEDULE_TICKS ?? 300);
const MIN_KILLS = Number(process.env.SCHEDULE_KILLS ?? 10);
const LEASE_MS = 2000;
/** How long ticks and runs of the window may take to settle after it: a guard against a hang, not a deadline. */
const SETTLE_MS = 120_000;

/** The target: POSTs the record with the tick's Idempotency-Key. */
const tickHttp = defineConnector({
  type: "tick-http",
  version: "1.0.0",
  configSchema: z.object({ url: z.string() }),
  capabilities: {
    async write(config, record, context) {
      const response = await fetch(config.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": context.idempotencyKey ?? "" },
        body: JSON.stringify(record),
        signal: context.signal,
      }).catch((error: unknown) => {
        throw new ConnectorError(`target unreachable: ${String(error)}`, { retryable: true, cause: error });
      });
      if (!response.ok) throw new ConnectorError(`target answered ${response.status}`, { retryable: true });
      return response.json();
    },
  },
});

const store = (schema: string) => postgresStore({ connectionString: PG_URL }, { schema });
const queue = (prefix: string, worker: boolean) =>
  bullmqQueue({
    connection: {
      host: REDIS_URL.hostname,
      port: Number(REDIS_URL.port || 6379),
      maxRetriesPerRequest: null,
    },
    prefix,
    concurrency: 4,
    lockDurationMs: LEASE_MS,
    worker,
  });

/** A worker process: fires schedules and works on runs until it is killed. */
async function worker(schema: string, prefix: string): Promise<void> {
  const runtime = createRuntime({
    store: store(schema),
    queue: queue(prefix, true),
    connectors: [tickHttp],
    batchLeaseMs: LEASE_MS,
    schedules: { fire: true, tickLeaseMs: LEASE_MS, refreshMs: 1000 },
  });
  await runtime.store.ping();
  process.stdout.write("worker ready\n");
  await new Promise(() => {});
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function scenario(): Promise<boolean> {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const schema = `synapseops_sched_${tag}`;
  const prefix = `syn_sched_${tag}`;
  // The target honours Idempotency-Key, as the runtime's exactly-once effect needs (a record
  // in flight when its worker is killed is sent again: at-least-once requests, counted apart).
  const effects = new Map<string, number>();
  let requests = 0;
  const target = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests += 1;
      // The send step's key is the run's key with the step id appended.
      const key = String(req.headers["idempotency-key"] ?? "").replace(/:send$/, "");
      if (!effects.has(key)) effects.set(key, 1);
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;

  const producer: Runtime = createRuntime({
    store: store(schema),
    queue: queue(prefix, false),
    connectors: [tickHttp],
    resumeOnStart: false,
  });
  const project = await producer.projects.create({ name: "schedule kill test" });
  const ref = await producer.connectorRefs.put(project.id, {
    type: "tick-http",
    name: "target",
    config: { url },
  });
  const blueprint = await producer.blueprints.create(project.id, {
    name: "every second",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      idempotencyKey: "id",
      steps: [
        {
          id: "send",
          kind: "send",
          connector: ref.id,
          policy: { retry: { maxAttempts: 20, initialDelayMs: 100, maxDelayMs: 1000 } },
        },
      ],
    },
  });
  await producer.blueprints.approve(blueprint.id);

  const self = fileURLToPath(import.meta.url);
  let ready = 0;
  const spawnWorker = (): ChildProcess => {
    const child = spawn(process.execPath, [...process.execArgv, self, "worker", schema, prefix], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("worker ready")) ready += 1;
    });
    return child;
  };
  const workers = [spawnWorker(), spawnWorker(), spawnWorker()];
  const bootDeadline = Date.now() + 60_000;
  while (ready < 3 && Date.now() < bootDeadline) await new Promise((r) => setTimeout(r, 100));

  // The producer creates the schedule but does not fire it: only the workers do.
  const schedule = await producer.schedules.create({
    blueprintId: blueprint.id,
    timing: { everyMs: 1000 },
    action: { kind: "start", records: [{ id: "tick" }] },
    overlap: "allow",
    missedTicks: { policy: "all", max: 120 },
  });
  // An interval counts its ticks from the schedule's creation.
  const firstTick = Date.parse(schedule.createdAt) + 1000;
  const lastTick = firstTick + (TICKS - 1) * 1000;

  // Kills spread over the window, one worker at a time, restarted at once.
  let kills = 0;
  const killEveryMs = Math.max(500, Math.floor((TICKS * 1000) / (MIN_KILLS + 2)));
  while (Date.now() < lastTick + 500) {
    // Each kill lands 10–150 ms after a tick was due: while a worker is likely claiming or firing
    // it, so some ticks are taken over from a dead worker (counted as takeovers).
    const wait = killEveryMs * (0.75 + Math.random() * 0.5);
    const sinceTick = (Date.now() + wait - firstTick) % 1000;
    await new Promise((r) => setTimeout(r, wait - sinceTick + 10 + Math.random() * 140));
    if (Date.now() >= lastTick) break;
    const index = Math.floor(Math.random() * workers.length);
    workers[index]!.kill("SIGKILL");
    workers[index] = spawnWorker();
    kills += 1;
  }
  while (kills < MIN_KILLS) {
    const index = Math.floor(Math.random() * workers.length);
    workers[index]!.kill("SIGKILL");
    workers[index] = spawnWorker();
    kills += 1;
  }
  // Pause only once every tick of the window was claimed and none is PENDING (a killed holder's
  // tick is taken over after the lease): on a loaded box a tick fires seconds late, and a
  // schedule paused before its due tick was claimed never fires it ("ticks due while paused
  // never fire"), which would count as missed here although no worker lost it. The deadline
  // only guards against a hang.
  const inWindow = (tick: string) => Date.parse(tick) >= firstTick && Date.parse(tick) <= lastTick;
  const settled = (all: ScheduleFire[]) =>
    all.filter((f) => inWindow(f.tick) && f.state !== "PENDING").length === TICKS;
  const settleDeadline = Date.now() + SETTLE_MS;
  let fires = await producer.schedules.fires(schedule.id, { limit: 10_000 });
  while (!settled(fires) && Date.now() < settleDeadline) {
    await new Promise((r) => setTimeout(r, 250));
    fires = await producer.schedules.fires(schedule.id, { limit: 10_000 });
  }
  const paused = await producer.schedules.pause(schedule.id);
  const windowFires = fires.filter((f) => inWindow(f.tick));
  const runIds = windowFires.flatMap((f) => (f.runId ? [f.runId] : []));
  for (const runId of runIds) {
    await producer.runs
      .wait(runId, { timeoutMs: Math.max(1000, settleDeadline + SETTLE_MS - Date.now()) })
      .catch(() => {});
  }

  // Every run the blueprint has, by its tick's key: exactly one per tick.
  const runsByKey = new Map<string, string[]>();
  let cursor: string | undefined;
  do {
    const page = await producer.runs.list({
      blueprintId: blueprint.id,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const run of page.items) {
      const key = run.idempotencyKey ?? "(none)";
      runsByKey.set(key, [...(runsByKey.get(key) ?? []), run.id]);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  let missed = 0;
  let duplicateRuns = 0;
  let undelivered = 0;
  let notSucceeded = 0;
  const byTick = new Map(windowFires.map((f) => [Date.parse(f.tick), f]));
  for (let tick = firstTick; tick <= lastTick; tick += 1000) {
    const fire = byTick.get(tick);
    const key = `schedule:${schedule.id}:${new Date(tick).toISOString()}`;
    const runs = runsByKey.get(key) ?? [];
    if (fire?.state !== "FIRED" || runs.length === 0) {
      missed += 1;
      // Which tick and how: enough to tell the test's window from a lost tick.
      const pausedAt = Date.parse(paused.updatedAt) - tick;
      process.stdout.write(
        `missed tick ${(tick - firstTick) / 1000 + 1}/${TICKS}: ${fire === undefined ? "never claimed" : `${fire.state} after ${fire.attempts} holder(s)${fire.reason ? ` (${fire.reason})` : ""}`}, ${runs.length} run(s), paused ${pausedAt} ms after it was due\n`,
      );
    }
    duplicateRuns += Math.max(0, runs.length - 1);
    if (!effects.has(key)) undelivered += 1;
    if (runs[0] !== undefined && (await producer.runs.get(runs[0])).status !== "SUCCEEDED") notSucceeded += 1;
  }
  const latencies = windowFires
    .flatMap((f) => (f.firedAt ? [Date.parse(f.firedAt) - Date.parse(f.tick)] : []))
    .sort((a, b) => a - b);
  const takeovers = windowFires.filter((f) => f.attempts > 1).length;
  process.stdout.write(
    `schedule-kill-test: ${TICKS} ticks, ${kills} kills, fired ${windowFires.filter((f) => f.state === "FIRED").length}, missed ${missed}, duplicate runs ${duplicateRuns}, undelivered ${undelivered}, requests ${requests} (resent after kills ${requests - effects.size}), runs not SUCCEEDED ${notSucceeded}, takeovers ${takeovers}, fire latency p50 ${percentile(latencies, 50)} ms p99 ${percentile(latencies, 99)} ms max ${latencies.at(-1)} ms\n`,
  );

  for (const child of workers) child.kill("SIGKILL");
  await producer.close({ timeoutMs: 1000 });
  target.close();
  await cleanup(schema, prefix);
  return missed === 0 && duplicateRuns === 0 && undelivered === 0 && notSucceeded === 0 && kills >= MIN_KILLS;
}

async function cleanup(schema: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  const redis = new Redis({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
}

if (process.argv[2] === "worker") {
  await worker(process.argv[3]!, process.argv[4]!);
} else {
  process.exit((await scenario()) ? 0 : 1);
}
