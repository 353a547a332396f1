/**
 * The crash test of issues 7 and 16: 3 worker processes on BullMQ + the PostgreSQL store process
 * 10,000 records to a local HTTP target while a random worker is killed with SIGKILL 25 times
 * (and restarted), PostgreSQL connections are terminated three times, Redis clients are killed,
 * and the target answers 500 for 6 s and 429 (Retry-After) for 6 s — each fault paced by the
 * run's progress, so every one lands mid-run however fast the machine is.
 * Retries that wait 1 s or more park the record (issue 20): during the outages records are parked
 * in the store and resumed by the workers' parked sweep and BullMQ delayed jobs while workers are
 * killed; the run must still end exact with nothing parked (`CRASH_PARK_AFTER_MS` changes the
 * threshold; `off` sleeps every retry in the worker as before).
 * Run twice: against a target that honours Idempotency-Key (expect 0 lost, 0 duplicated) and one
 * that ignores it (expect 0 lost; duplicates counted). Both expect the run SUCCEEDED with exact
 * counts (every record completed once in the counts, none failed or dead-lettered). Ends with
 * one line per target:
 * `crash-test: <N> records, <K> kills, lost <L>, duplicated <D>, run <STATUS>`.
 *
 * Run: `npm run crash-test` tests the built packages (what hosts install: `@synapseops/core`
 * resolves to dist/); `npm run crash-test:source` the sources.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRuntime, type Runtime } from "@synapseops/core";
import pg from "pg";
import * as harness from "./_worker-harness";

// Names this test's PostgreSQL and Redis connections, so its faults cut only its own (two crash
// tests on one database must not cut each other's); the workers inherit it.
const APP = process.env.CRASH_APP ?? `synapseops_crash_${process.pid}`;
const RECORDS = Number(process.env.CRASH_RECORDS ?? 10_000);
const MIN_KILLS = 20;
const LEASE_MS = 2000;
const ENGINES: harness.EngineOptions = { leaseMs: LEASE_MS, connectionName: APP };
/** Retries waiting this long or more park the record; `off`: none does. */
const PARK_AFTER_MS =
  process.env.CRASH_PARK_AFTER_MS === "off" ? undefined : Number(process.env.CRASH_PARK_AFTER_MS ?? 1000);

/** The target: POSTs a record with its Idempotency-Key header. */
const crashHttp = harness.postingConnector("crash-http");

/** A worker process: works on batches until it is killed. */
async function worker({ schema, prefix }: { schema: string; prefix: string }): Promise<void> {
  createRuntime({
    store: harness.scenarioStore(schema, ENGINES),
    queue: harness.scenarioQueue(prefix, true, ENGINES),
    connectors: [crashHttp],
    batchSize: 50,
    batchLeaseMs: LEASE_MS,
    recordConcurrency: 8,
    // A killed worker's claimed parked records are free again after a lease.
    parking: { sweepEveryMs: 250, leaseMs: LEASE_MS * 5 },
  });
  await new Promise(() => {});
}

/** An outage of the target: until `until`, every request is answered `status`, with no effect. */
interface TargetFault {
  status: 500 | 429;
  until: number;
}

/** The HTTP target: counts effects per record; `honour` applies each key once. */
function startTarget(honour: boolean): Promise<{
  server: Server;
  url: string;
  effects: Map<string, number>;
  fault: (status: 500 | 429, ms: number) => void;
}> {
  const effects = new Map<string, number>();
  const seenKeys = new Map<string, string>();
  let fault: TargetFault | undefined;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (fault !== undefined && Date.now() < fault.until) {
        res.writeHead(fault.status, fault.status === 429 ? { "retry-after": "1" } : {});
        res.end(JSON.stringify({ error: fault.status === 429 ? "slow down" : "internal" }));
        return;
      }
      const key = req.headers["idempotency-key"];
      if (honour && typeof key === "string" && seenKeys.has(key)) {
        res.end(seenKeys.get(key));
        return;
      }
      const record = JSON.parse(body) as { id: string };
      effects.set(record.id, (effects.get(record.id) ?? 0) + 1);
      const answer = JSON.stringify({ ok: true, id: record.id });
      if (typeof key === "string") seenKeys.set(key, answer);
      res.end(answer);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        effects,
        fault: (status, ms) => {
          fault = { status, until: Date.now() + ms };
        },
      }),
    ),
  );
}

async function scenario(honour: boolean): Promise<boolean> {
  const names = harness.scenarioNames("crash");
  const target = await startTarget(honour);
  const producer: Runtime = createRuntime({
    store: harness.scenarioStore(names.schema, ENGINES),
    queue: harness.scenarioQueue(names.prefix, false, ENGINES),
    connectors: [crashHttp],
    batchSize: 50,
    batchLeaseMs: LEASE_MS,
    resumeOnStart: false,
  });
  const project = await producer.projects.create({ name: "crash" });
  const ref = await producer.connectorRefs.put(project.id, {
    type: "crash-http",
    name: "target",
    config: { url: target.url },
  });
  const blueprint = await producer.blueprints.create(project.id, {
    name: "crash",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      idempotencyKey: "id",
      steps: [
        {
          id: "send",
          kind: "send",
          connector: ref.id,
          // Rides out the target's 6 s outages (2 s apart at most) with attempts to spare.
          // Waits of PARK_AFTER_MS or more (the last ones before the 2 s cap) park the record.
          policy: {
            retry: {
              maxAttempts: 20,
              initialDelayMs: 100,
              maxDelayMs: 2000,
              ...(PARK_AFTER_MS === undefined ? {} : { parkAfterMs: PARK_AFTER_MS }),
            },
          },
        },
      ],
    },
  });
  await producer.blueprints.approve(blueprint.id);

  const workers = harness.workerPool(import.meta.url, names, 3, {
    spawn: { stdio: "inherit", env: { ...process.env, CRASH_APP: APP } },
  });
  const records = Array.from({ length: RECORDS }, (_, i) => ({ id: `r${i}`, n: i }));
  const started = Date.now();
  const run = await producer.runs.start(blueprint.id, { records });

  let kills = 0;
  const faults: string[] = [];
  const pending = [
    {
      at: 0.1,
      apply: async () => {
        target.fault(500, 6000);
        return "target 500s for 6 s";
      },
    },
    ...[0.25, 0.45, 0.65].map((at) => ({
      at,
      apply: async () => `pg_terminate_backend: ${await terminatePostgres()} connections`,
    })),
    { at: 0.55, apply: async () => `redis CLIENT KILL: ${await killRedisClients()} clients` },
    {
      at: 0.75,
      apply: async () => {
        target.fault(429, 6000);
        return "target 429s (Retry-After: 1) for 6 s";
      },
    },
  ];
  const deadline = started + 240_000;
  let status = "RUNNING";
  let lastProgress = Date.now();
  let lastTotal = 0;
  let longestStall = 0;
  const progress = (): number => [...target.effects.values()].reduce((a, b) => a + b, 0);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
    const total = progress();
    if (total !== lastTotal) {
      longestStall = Math.max(longestStall, Date.now() - lastProgress);
      lastProgress = Date.now();
      lastTotal = total;
    }
    // The producer's own connections are cut too: a failed look is tried again on the next tick.
    const current = await producer.runs.get(run.id).catch(() => undefined);
    if (current === undefined) continue;
    status = current.status;
    if (status !== "RUNNING" && status !== "QUEUED") break;
    // Faults are paced by progress, not by the clock: on a slow machine workers take seconds to
    // start, and kills on a timer would only ever hit workers that had not begun. One kill per
    // 1/(kills+1) of the records applied; the other faults at fixed fractions of the run.
    const done = total / RECORDS;
    if (kills < MIN_KILLS + 5 && done >= kills / (MIN_KILLS + 6)) {
      workers.killOne();
      kills += 1;
    }
    for (const fault of pending.filter((f) => done >= f.at)) {
      pending.splice(pending.indexOf(fault), 1);
      faults.push(await fault.apply());
    }
  }
  const elapsed = Date.now() - started;
  workers.stopAll();
  let lost = 0;
  let duplicated = 0;
  for (const record of records) {
    const n = target.effects.get(record.id) ?? 0;
    if (n === 0) lost += 1;
    duplicated += Math.max(0, n - 1);
  }
  const final = await producer.runs.get(run.id);
  const deadLetters = await producer.deadLetters.list({ runId: run.id });
  const counts = final.counts;
  const parkings = await countParkings(names.schema, run.id);
  // Exact counts: every record completed once in the run's counts, none failed, lost or parked.
  const exact =
    counts.total === RECORDS &&
    counts.completed === RECORDS &&
    counts.parked === 0 &&
    counts.failed === 0 &&
    counts.deadLettered === 0 &&
    deadLetters.items.length === 0;
  process.stdout.write(
    `crash-test (${honour ? "key-honouring" : "key-ignoring"} target): ${elapsed} ms, longest stall ${longestStall} ms, ${faults.join("; ")}, counts ${JSON.stringify(final.counts)}\n`,
  );
  process.stdout.write(
    `crash-test: ${RECORDS} records, ${kills} kills, lost ${lost}, duplicated ${duplicated}, run ${final.status}, counts ${exact ? "exact" : "WRONG"}, dead letters ${deadLetters.items.length}, parkings ${parkings}\n`,
  );
  if (!exact || final.status !== "SUCCEEDED") {
    // What went wrong, for the log: the run's error events (run.crashed carries the error).
    const answer: unknown = await producer.runs.events(run.id, { level: "error" });
    const events = (Array.isArray(answer) ? answer : (answer as { items: unknown[] }).items) as {
      type: string;
      data?: unknown;
    }[];
    for (const event of events.slice(0, 20)) {
      process.stdout.write(`  error event ${event.type}: ${JSON.stringify(event.data)}\n`);
    }
  }
  await producer.close({ timeoutMs: 1000 });
  target.server.close();
  await harness.dropScenario(names);
  // With parking on, the outages must have parked records, or the run proved nothing about them.
  const parked = PARK_AFTER_MS === undefined || parkings > 0;
  return honour
    ? lost === 0 && duplicated === 0 && final.status === "SUCCEEDED" && exact && parked && kills >= MIN_KILLS
    : lost === 0 && final.status === "SUCCEEDED" && exact && parked;
}

/** How many times the run's records were parked (its `record.parked` events). */
async function countParkings(schema: string, runId: string): Promise<number> {
  const client = new pg.Client({ connectionString: harness.PG_URL });
  await client.connect();
  const result = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".run_events WHERE run_id = $1 AND doc->>'type' = 'record.parked'`,
    [runId],
  );
  await client.end();
  return Number(result.rows[0]?.n ?? 0);
}

/** Terminates this test's PostgreSQL connections only (by application_name). */
async function terminatePostgres(): Promise<number> {
  const client = new pg.Client({ connectionString: harness.PG_URL });
  await client.connect();
  const result = await client.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
    [APP],
  );
  await client.end();
  return result.rowCount ?? 0;
}

/** Kills the Redis connections of this test's workers and producer (named `APP` by ioredis). */
async function killRedisClients(): Promise<number> {
  const redis = harness.redisClient();
  const list = String(await redis.client("LIST"));
  let killed = 0;
  for (const line of list.split("\n")) {
    const id = /\bid=(\d+)/.exec(line)?.[1];
    const name = /\bname=(\S*)/.exec(line)?.[1] ?? "";
    if (id && name === APP) {
      killed += Number(await redis.client("KILL", "ID", id).catch(() => 0));
    }
  }
  redis.disconnect();
  return killed;
}

await harness.runScenario(worker, async () => {
  const honoured = await scenario(true);
  const ignored = await scenario(false);
  return honoured && ignored;
});
