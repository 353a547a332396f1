/**
 * The schedule case of `npm run bench -- durable` (issue 20): fire latency of a 1-second schedule
 * — from the tick's due instant to its run QUEUED (the run's `createdAt`) — with one worker
 * runtime firing it on the PostgreSQL store and bullmqQueue, against BullMQ's own job scheduler
 * (`queue.upsertJobScheduler({ every: 1000 })`) on the same Redis: from a job's due instant
 * (`timestamp + opts.delay`) to its processor starting. p50 and p99 over `ticks` ticks each; the two
 * run one after the other, not at once.
 */
import { randomUUID } from "node:crypto";
import { createRuntime, defineConnector, silentLogger } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";

/** What one side measured: latencies in ms, one per tick. */
export interface FireLatencies {
  ours: number[];
  bullmq: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ours: a worker runtime fires the schedule; latencies read back from the ticks and their runs. */
async function oursLatencies(
  pgUrl: string,
  redis: { host: string; port: number },
  ticks: number,
): Promise<number[]> {
  const { postgresStore } = await import("@synapseops/core/postgres");
  const tag = randomUUID().slice(0, 8);
  const schema = `bench_sched_${tag}`;
  const prefix = `bench_sched_${tag}`;
  const sink = defineConnector({
    type: "bench-sink",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: { write: async () => undefined },
  });
  const make = (worker: boolean) =>
    createRuntime({
      store: postgresStore({ connectionString: pgUrl }, { schema }),
      queue: bullmqQueue({ connection: redis, prefix, worker }),
      connectors: [sink],
      logger: silentLogger(),
      ...(worker ? { schedules: { fire: true } } : { resumeOnStart: false }),
    });
  const producer = make(false);
  const worker = make(true);
  try {
    const project = await producer.projects.create({ name: "bench schedules" });
    const ref = await producer.connectorRefs.put(project.id, { type: "bench-sink", name: "sink" });
    const blueprint = await producer.blueprints.create(project.id, {
      name: "every second",
      body: {
        source: { connector: ref.id },
        target: { connector: ref.id },
        steps: [{ id: "send", kind: "send", connector: ref.id }],
      },
    });
    await producer.blueprints.approve(blueprint.id);
    const schedule = await producer.schedules.create({
      blueprintId: blueprint.id,
      timing: { everyMs: 1000 },
      action: { kind: "start" },
      overlap: "allow",
    });
    await sleep(ticks * 1000 + 1500);
    await producer.schedules.pause(schedule.id);
    const fires = (await producer.schedules.fires(schedule.id, { limit: ticks + 10 })).filter((f) => f.runId);
    const latencies: number[] = [];
    for (const fire of fires.slice(0, ticks)) {
      const run = await producer.runs.get(fire.runId!);
      latencies.push(Date.parse(run.createdAt) - Date.parse(fire.tick));
    }
    return latencies;
  } finally {
    await worker.close({ timeoutMs: 1000 });
    await producer.close({ timeoutMs: 1000 });
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    await dropKeys(redis, prefix);
  }
}

/** BullMQ's job scheduler: `every: 1000`, latency from a job's due instant to its processor. */
async function bullmqLatencies(redis: { host: string; port: number }, ticks: number): Promise<number[]> {
  const prefix = `bench_sched_mq_${randomUUID().slice(0, 8)}`;
  const name = "ticks";
  const queue = new Queue(name, { connection: redis, prefix });
  const latencies: number[] = [];
  const worker = new Worker(
    name,
    async (job) => {
      // `job.delay` reads 0 once the job is promoted; the delay it was created with is in `opts`.
      latencies.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
    },
    { connection: { ...redis, maxRetriesPerRequest: null }, prefix },
  );
  try {
    await worker.waitUntilReady();
    await queue.upsertJobScheduler("every-second", { every: 1000 }, { name: "tick" });
    while (latencies.length < ticks + 1) await sleep(200);
    await queue.removeJobScheduler("every-second");
    // The first job is created at once (no wait for a tick): left out.
    return latencies.slice(1, ticks + 1);
  } finally {
    await worker.close();
    await queue.close();
    await dropKeys(redis, prefix);
  }
}

async function dropKeys(redis: { host: string; port: number }, prefix: string): Promise<void> {
  const client = new Redis(redis);
  try {
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** Both sides, one after the other. */
export async function scheduleFireLatencies(
  pgUrl: string,
  redis: { host: string; port: number },
  ticks: number,
): Promise<FireLatencies> {
  const ours = await oursLatencies(pgUrl, redis, ticks);
  const bullmq = await bullmqLatencies(redis, ticks);
  return { ours, bullmq };
}
