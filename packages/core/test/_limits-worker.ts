// A worker process of the record-limits proof (issue 20): its own runtime on the shared
// PostgreSQL store and BullMQ queue, with the limit under test. Prints "ready", then, when told
// "stop" on stdin, one JSON line with every write it made (tenant, start and end, epoch ms).
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { tenantRuntime, WriteProbe } from "./_limits-fixtures";

interface Settings {
  pgUrl: string;
  schema: string;
  redis: { host: string; port: number };
  prefix: string;
  blueprintId: string;
  limit: { name: string; key: string; concurrency: number; ratePerSecond: number };
}

const settings = JSON.parse(process.env.SO_LIMITS_SETTINGS ?? "{}") as Settings;
const probe = new WriteProbe();
const { runtime } = await tenantRuntime(probe, {
  store: postgresStore({ connectionString: settings.pgUrl }, { schema: settings.schema }),
  queue: bullmqQueue({
    connection: settings.redis,
    prefix: settings.prefix,
    concurrency: 4,
    lockDurationMs: 5000,
  }),
  batchSize: 50,
  recordConcurrency: 8,
  recordLimits: { limits: [settings.limit] },
  blueprintId: settings.blueprintId,
});
process.stdout.write("ready\n");
process.stdin.on("data", async (chunk: Buffer) => {
  if (!chunk.toString().includes("stop")) return;
  await runtime.close();
  // performance.now() is per process: writes are reported on the shared epoch clock.
  const writes = probe.writes.map((w) => ({
    tenant: w.tenant,
    startedAt: performance.timeOrigin + w.startedAt,
    endedAt: performance.timeOrigin + w.endedAt,
  }));
  process.stdout.write(`${JSON.stringify({ writes })}\n`);
  process.exit(0);
});
