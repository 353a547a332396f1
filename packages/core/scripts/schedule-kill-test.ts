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
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRuntime, type Runtime } from "@synapseops/core";
import * as harness from "./_worker-harness";

const TICKS = Number(process.env.SCHEDULE_TICKS ?? 300);
const MIN_KILLS = Number(process.env.SCHEDULE_KILLS ?? 10);
const LEASE_MS = 2000;
const ENGINES: harness.EngineOptions = { leaseMs: LEASE_MS };

/** The target: POSTs the record with the tick's Idempotency-Key. */
const tickHttp = harness.postingConnector("tick-http");

/** A worker process: fires schedules and works on runs until it is killed. */
async function worker({ schema, prefix }: { schema: string; prefix: string }): Promise<void> {
  const runtime = createRuntime({
    store: harness.scenarioStore(schema, ENGINES),
    queue: harness.scenarioQueue(prefix, true, ENGINES),
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
  const names = harness.scenarioNames("sched");
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
    store: harness.scenarioStore(names.schema, ENGINES),
    queue: harness.scenarioQueue(names.prefix, false, ENGINES),
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

  let ready = 0;
  const workers = harness.workerPool(import.meta.url, names, 3, {
    spawn: { stdio: ["ignore", "pipe", "inherit"] },
    onSpawn: (child) =>
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("worker ready")) ready += 1;
      }),
  });
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
    workers.killOne();
    kills += 1;
  }
  while (kills < MIN_KILLS) {
    workers.killOne();
    kills += 1;
  }
  await new Promise((r) => setTimeout(r, Math.max(0, lastTick + 1000 - Date.now())));

  // Ticks held by a killed worker are taken over after the lease, and restarted workers catch up
  // on ticks nobody claimed (policy `all`): wait until every tick of the window is claimed and
  // none is PENDING — on a loaded box the last ticks may be claimed seconds late — and only then
  // pause (a paused schedule skips the ticks it has not fired yet). Then wait until every run of
  // the window has ended.
  const inWindow = (tick: string) => Date.parse(tick) >= firstTick && Date.parse(tick) <= lastTick;
  const settleDeadline = Date.now() + 60_000;
  let fires = await producer.schedules.fires(schedule.id, { limit: 10_000 });
  const unsettled = () =>
    fires.filter((f) => inWindow(f.tick)).length < TICKS ||
    fires.some((f) => inWindow(f.tick) && f.state === "PENDING");
  while (unsettled() && Date.now() < settleDeadline) {
    await new Promise((r) => setTimeout(r, 250));
    fires = await producer.schedules.fires(schedule.id, { limit: 10_000 });
  }
  await producer.schedules.pause(schedule.id);
  const windowFires = fires.filter((f) => inWindow(f.tick));
  const runIds = windowFires.flatMap((f) => (f.runId ? [f.runId] : []));
  for (const runId of runIds) {
    await producer.runs
      .wait(runId, { timeoutMs: Math.max(1000, settleDeadline + 30_000 - Date.now()) })
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
      // Why, for whoever reads a failing run: never claimed, still PENDING, SKIPPED or FAILED.
      process.stderr.write(
        `missed tick ${new Date(tick).toISOString()}: ${fire === undefined ? "never claimed" : `${fire.state} (attempts ${fire.attempts}${fire.reason ? `, ${fire.reason}` : ""})`}, runs ${runs.length}\n`,
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

  workers.stopAll();
  await producer.close({ timeoutMs: 1000 });
  target.close();
  await harness.dropScenario(names);
  return missed === 0 && duplicateRuns === 0 && undelivered === 0 && notSucceeded === 0 && kills >= MIN_KILLS;
}

await harness.runScenario(worker, scenario);
