/**
 * The fairness measure of issue 20: 3 workers (one process, PostgreSQL store + BullMQ queue,
 * record limits on Redis) with `tenant` limited to concurrency 2 and 20/s. One run floods key
 * `flood` with `FAIRNESS_FLOOD` records (10,000 by default); meanwhile a run of one record for a
 * quiet key starts every 250 ms (9 quiet keys in turn), `FAIRNESS_SAMPLES` times (120). Before
 * the flood, the same quiet runs alone give the baseline. Prints one line:
 * `limits-fairness: quiet record start latency p50/p99 alone X/Y ms, during the flood X/Y ms, …`
 * and exits 1 when the flood delays the quiet records' p99 by 1 s or more.
 *
 * Run: `npm run limits-fairness` (`FAIRNESS_CONCURRENCY` sets each worker's BullMQ concurrency:
 * 40 by default, see docs/time-and-limits.md; `FAIRNESS_FLOOD`, `FAIRNESS_SAMPLES`).
 */
import { createRuntime, defineConnector, type Runtime } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";

const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = new URL(process.env.SYNAPSEOPS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const FLOOD = Number(process.env.FAIRNESS_FLOOD ?? 10_000);
const SAMPLES = Number(process.env.FAIRNESS_SAMPLES ?? 120);
const CONCURRENCY = Number(process.env.FAIRNESS_CONCURRENCY ?? 40);
const tag = `limits20_fair_${Date.now().toString(36)}`;

/** Quiet records not written within 2 minutes. */
let late = 0;
/** When each record's write started (performance clock). */
const writeStarts = new Map<string, number>();
const target = defineConnector({
  type: "fair-target",
  version: "1.0.0",
  configSchema: z.object({}),
  capabilities: {
    async write(_config, record) {
      writeStarts.set((record as { id: string }).id, performance.now());
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { ok: true };
    },
  },
});

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

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
        const wrote = writeStarts.get(id);
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
  for (let i = 0; i < 3; i += 1) {
    workers.push(
      createRuntime({
        store: postgresStore({ connectionString: PG_URL }, { schema }),
        queue: bullmqQueue({
          connection: { host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) },
          prefix: tag,
          concurrency: CONCURRENCY,
        }),
        connectors: [target],
        recordLimits: {
          limits: [{ name: "tenant", key: "record.tenant", concurrency: 2, ratePerSecond: 20 }],
        },
      }),
    );
  }
  const [first] = workers as [Runtime];
  try {
    const project = await first.projects.create({ name: "fairness" });
    const sink = await first.connectorRefs.put(project.id, { type: "fair-target", name: "sink" });
    const blueprint = await first.blueprints.create(project.id, {
      name: "fairness",
      body: {
        source: { connector: sink.id },
        target: { connector: sink.id },
        mappings: [{ id: "m", expression: '{ "id": id, "tenant": tenant }' }],
        steps: [
          { id: "map", kind: "map", mapping: "m" },
          { id: "send", kind: "send", connector: sink.id },
        ],
      },
    });
    await first.blueprints.approve(blueprint.id);
    // Warm-up (connections, compiled plans), not measured.
    await quietLatencies(first, blueprint.id, "warm", 12);
    const alone = await quietLatencies(first, blueprint.id, "alone");
    const flood = await first.runs.start(blueprint.id, {
      records: Array.from({ length: FLOOD }, (_, n) => ({ id: `flood-${n}`, tenant: "flood" })),
    });
    // Let the flood's batches reach the workers before the quiet records come.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const during = await quietLatencies(first, blueprint.id, "during");
    const floodDone = [...writeStarts.keys()].filter((id) => id.startsWith("flood-")).length;
    await first.runs.cancel(flood.id);
    const delay = percentile(during, 99) - percentile(alone, 99);
    process.stdout.write(
      `limits-fairness: quiet record start latency p50/p99 alone ${percentile(alone, 50).toFixed(0)}/${percentile(alone, 99).toFixed(0)} ms, ` +
        `during the flood ${percentile(during, 50).toFixed(0)}/${percentile(during, 99).toFixed(0)} ms ` +
        `(p99 delay ${delay.toFixed(0)} ms; ${SAMPLES} samples, ${late} not written within 2 min; flood ${FLOOD} records, ${floodDone} written meanwhile; ` +
        `3 workers × BullMQ concurrency ${CONCURRENCY})\n`,
    );
    process.exitCode = delay < 1_000 ? 0 : 1;
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
