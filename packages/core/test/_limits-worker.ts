// A worker process of the record-limits proof (issue 20): its own runtime on the shared
// PostgreSQL store and BullMQ queue, with the limit under test. Prints "ready", then, when told
// "stop" on stdin, one JSON line with every write it made (tenant, start and end, epoch ms).
// With `hold`, it uses the inline queue and the store's limit backend, starts a run of `hold`
// records of tenant t0 whose writes never end, and prints "holding" once they hold their slots:
// the test then kills it with SIGKILL.
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { tenantRuntime, WriteProbe } from "./_limits-fixtures";

interface Settings {
  pgUrl: string;
  schema: string;
  redis: { host: string; port: number };
  prefix: string;
  blueprintId: string;
  limit: { name: string; key: string; concurrency: number; ratePerSecond?: number };
  hold?: number;
  leaseMs?: number;
}

const settings = JSON.parse(process.env.SO_LIMITS_SETTINGS ?? "{}") as Settings;
const probe = new WriteProbe();
const { runtime } = await tenantRuntime(probe, {
  store: postgresStore({ connectionString: settings.pgUrl }, { schema: settings.schema }),
  ...(settings.hold === undefined
    ? {
        queue: bullmqQueue({
          connection: settings.redis,
          prefix: settings.prefix,
          concurrency: 4,
          lockDurationMs: 5000,
        }),
      }
    : { workMs: 3_600_000, resumeOnStart: false }),
  batchSize: 50,
  recordConcurrency: 8,
  recordLimits: {
    limits: [settings.limit],
    ...(settings.leaseMs === undefined ? {} : { leaseMs: settings.leaseMs }),
  },
  blueprintId: settings.blueprintId,
});
if (settings.hold !== undefined) {
  await runtime.runs.start(settings.blueprintId, {
    records: Array.from({ length: settings.hold }, (_, n) => ({ id: `held-${n}`, tenant: "t0" })),
  });
  while ((probe.maxInFlight.get("t0") ?? 0) < settings.hold) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write("holding\n");
}
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
