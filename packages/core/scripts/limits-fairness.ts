/**
 * The fairness measure of issue 20: 3 workers (one process, PostgreSQL store + BullMQ queue at
 * its default concurrency of 4 batches, record limits on Redis) with `tenant` limited to
 * concurrency 2 and 20/s. One run floods key `flood` with `FAIRNESS_FLOOD` records (10,000 by
 * default); meanwhile a run of one record for a quiet key starts every 250 ms (9 quiet keys in
 * turn), `FAIRNESS_SAMPLES` times (120). Before the flood, the same quiet runs alone give the
 * baseline. Prints the quiet records' delay (start → write) p50/p99 alone and during the flood,
 * the most records of one key in flight, and the flood's rate; exits 1 when the quiet p99 during
 * the flood is 1 s or more, a key had more than 2 records in flight, or the flood's rate is not
 * within 5 % of 20/s.
 *
 * Run: `npm run limits-fairness` (`FAIRNESS_CONCURRENCY` sets each worker's BullMQ concurrency,
 * default BullMQ's 4; `FAIRNESS_FLOOD`, `FAIRNESS_SAMPLES`).
 */
import type { Runtime } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { tenantRuntime, WriteProbe } from "../test/_limits-fixtures";
import { keyFigures } from "../test/_limits-measure";

const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = new URL(process.env.SYNAPSEOPS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const FLOOD = Number(process.env.FAIRNESS_FLOOD ?? 10_000);
const SAMPLES = Number(process.env.FAIRNESS_SAMPLES ?? 120);
const CONCURRENCY = process.env.FAIRNESS_CONCURRENCY ? Number(process.env.FAIRNESS_CONCURRENCY) : undefined;
const RATE = 20;
const tag = `fair20_limits_${Date.now().toString(36)}`;

/** Quiet records not written within 2 minutes. */
let late = 0;
const probe = new WriteProbe();

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** When the target began writing record `id` (performance clock). */
const writeStart = (id: string): number | undefined => probe.writes.find((w) => w.id === id)?.startedAt;

async function quietLatencies(
  runtime: Runtime,
  blueprintId: string,
  phase: string,
  samples = SAMPLES,
): Promise<number[]> {
  const latencies: Promise<number>[] = [];
  for (let n = 0; n < samples; n += 1) {
    const id = `${phase}-q${n}`;
    const startedAt = performance.now();
    latencies.push(
      runtime.runs.start(blueprintId, { records: [{ id, tenant: `quiet${n % 9}` }] }).then(async (run) => {
        // A record not written within 2 minutes counts as 2 minutes late (and is reported).
        await runtime.runs.wait(run.id, { timeoutMs: 120_000 }).catch(() => undefined);
        const wrote = writeStart(id);
        if (wrote === undefined) late += 1;
        return (wrote ?? startedAt + 120_000) - startedAt;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return Promise.all(latencies);
}

async function main(): Promise<void> {
  const schema = tag;
  const workers: Runtime[] = [];
  let blueprintId: string | undefined;
  for (let i = 0; i < 3; i += 1) {
    const worker = await tenantRuntime(probe, {
      store: postgresStore({ connectionString: PG_URL }, { schema }),
      queue: bullmqQueue({
        connection: { host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) },
        prefix: tag,
        ...(CONCURRENCY === undefined ? {} : { concurrency: CONCURRENCY }),
      }),
      recordLimits: {
        limits: [{ name: "tenant", key: "record.tenant", concurrency: 2, ratePerSecond: RATE }],
      },
      ...(blueprintId === undefined ? {} : { blueprintId }),
    });
    workers.push(worker.runtime);
    blueprintId = worker.blueprintId;
  }
  const [first] = workers as [Runtime];
  const blueprint = { id: blueprintId as string };
  try {
    // Warm-up (connections, compiled plans), not measured.
    await quietLatencies(first, blueprint.id, "warm", 12);
    const alone = await quietLatencies(first, blueprint.id, "alone");
    const flood = await first.runs.start(blueprint.id, {
      records: Array.from({ length: FLOOD }, (_, n) => ({ id: `flood-${n}`, tenant: "flood" })),
    });
    // Let the flood's batches reach the workers before the quiet records come.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const during = await quietLatencies(first, blueprint.id, "during");
    const floodDone = probe.startsOf("flood").length;
    await first.runs.cancel(flood.id);
    const figures = keyFigures(probe, RATE);
    const maxInFlight = Math.max(...[...figures.values()].map((f) => f.maxInFlight));
    const floodRate = figures.get("flood")?.rate ?? Number.NaN;
    const delay = percentile(during, 99) - percentile(alone, 99);
    const [load1] = (await import("node:os")).loadavg();
    process.stdout.write(
      `limits-fairness: quiet record delay (start → write) p50/p99 alone ${percentile(alone, 50).toFixed(0)}/${percentile(alone, 99).toFixed(0)} ms, ` +
        `during the flood ${percentile(during, 50).toFixed(0)}/${percentile(during, 99).toFixed(0)} ms ` +
        `(the flood added ${delay.toFixed(0)} ms to p99; ${SAMPLES} samples, ${late} not written within 2 min); ` +
        `most records of one key in flight ${maxInFlight}; flood rate ${floodRate.toFixed(2)}/s (${floodDone} of ${FLOOD} written meanwhile); ` +
        `3 workers × BullMQ concurrency ${CONCURRENCY ?? "4 (default)"}; load average ${load1?.toFixed(1)}\n`,
    );
    const fair = percentile(during, 99) < 1_000 && late === 0;
    const limited = maxInFlight <= 2 && Math.abs(floodRate - RATE) <= RATE * 0.05;
    process.exitCode = fair && limited ? 0 : 1;
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    const redis = new Redis({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
    const keys = await redis.keys(`${tag}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

await main();
