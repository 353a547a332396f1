/**
 * Backpressure figure of issue 7: peak RSS of a producer enqueueing 1,000,000 records into a
 * durable run (PostgreSQL store, BullMQ with no worker in this process), given as an async
 * iterable — read a slice at a time, written to the store before reading on — and, for contrast,
 * the same records first built as an array. Each mode runs in its own child process so the
 * peaks do not mix. Ends with one line per mode:
 * `enqueue-rss: <mode>, <N> records, <ms> ms, peak RSS <MiB> MiB (baseline before start <MiB> MiB)`.
 *
 * Run: `node --conditions=@synapseops/source --import tsx packages/core/scripts/enqueue-rss.ts`
 * (`ENQUEUE_RECORDS` sets the count).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { z } from "zod";
import { bullmqQueue } from "../src/bullmq/index";
import { createRuntime, defineConnector, silentLogger } from "../src/index";
import { postgresStore } from "../src/postgres/index";

const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = new URL(process.env.SYNAPSEOPS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const RECORDS = Number(process.env.ENQUEUE_RECORDS ?? 1_000_000);
const mode = process.env.ENQUEUE_MODE as "iterable" | "array" | undefined;

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const record = (i: number) => ({ id: `r-${i}`, amount: i % 1000, note: "enqueue backpressure figure" });

async function produce(kind: "iterable" | "array"): Promise<void> {
  const tag = `${Date.now().toString(36)}_${kind}`;
  const schema = `so_rss_${tag}`;
  const prefix = `so_rss_${tag}`;
  const sink = defineConnector({
    type: "sink",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: { write: async () => undefined },
  });
  const runtime = createRuntime({
    store: postgresStore({ connectionString: PG_URL }, { schema }),
    queue: bullmqQueue({
      connection: { host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) },
      prefix,
      worker: false,
    }),
    connectors: [sink],
    logger: silentLogger(),
    resumeOnStart: false,
  });
  const project = await runtime.projects.create({ name: "rss" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "sink", name: "sink" });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "rss",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      idempotencyKey: "id",
      mappings: [{ id: "m", expression: "$" }],
      steps: [
        { id: "map", kind: "map", mapping: "m" },
        { id: "send", kind: "send", connector: ref.id },
      ],
    },
  });
  await runtime.blueprints.approve(blueprint.id);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  async function* stream(): AsyncGenerator<unknown> {
    for (let i = 0; i < RECORDS; i += 1) yield record(i);
  }
  const records = kind === "iterable" ? stream() : Array.from({ length: RECORDS }, (_, i) => record(i));
  const run = await runtime.runs.start(blueprint.id, { records });
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  if (run.counts.total !== RECORDS) throw new Error(`run has ${run.counts.total} records, not ${RECORDS}`);
  process.stdout.write(
    `enqueue-rss: ${kind}, ${RECORDS} records, ${elapsed.toFixed(0)} ms, peak RSS ${mib(peak)} MiB (baseline before start ${mib(before)} MiB)\n`,
  );
  await runtime.close();
  await runtime.store.close();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  const { Redis } = await import("ioredis");
  const redis = new Redis({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  redis.disconnect();
}

if (mode !== undefined) {
  await produce(mode);
} else {
  for (const kind of ["iterable", "array"] as const) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, ENQUEUE_MODE: kind },
      stdio: "inherit",
    });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
