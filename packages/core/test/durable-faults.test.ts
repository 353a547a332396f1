import { StoreError } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { approvedPayments } from "./_executor-fixtures";

// Issue 7: network faults mid-run — PostgreSQL connections terminated, Redis clients killed —
// must not crash a worker; the run completes with 0 lost and 0 duplicated at a key-honouring
// target. Each test prints the longest stall (no record applied) after the faults.
const pgService = await checkTestService("postgres");
const redisService = await checkTestService("redis");
const tag = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
const schemas: string[] = [];
const prefixes: string[] = [];
const admin = new pg.Pool({ connectionString: pgService.url, max: 2 });
admin.on("error", () => {});

const redis = (): { host: string; port: number } => {
  const url = new URL(redisService.url);
  return { host: url.hostname, port: Number(url.port || 6379) };
};

afterAll(async () => {
  if (!pgService.skip) {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
  await admin.end();
  if (redisService.skip) return;
  const { Redis } = await import("ioredis");
  const r = new Redis(redis());
  for (const prefix of prefixes) {
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length > 0) await r.del(...keys);
  }
  r.disconnect();
});

const records = (n: number): { id: string; amount: number }[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${i}`, amount: 1 + (i % 7) }));

/** A store whose connections carry `application` as their name, so the test can cut exactly them. */
const namedStore = (label: string, application: string) => {
  const schema = `synapseops_flt_${tag}_${label}`;
  schemas.push(schema);
  const url = new URL(pgService.url);
  url.searchParams.set("application_name", application);
  return postgresStore({ connectionString: url.toString() }, { schema });
};

/** `wait` reads the store: a read on a connection cut a moment ago fails once; ask again. */
async function waitThroughOutages<T>(wait: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await wait();
    } catch (error) {
      if (!(error instanceof StoreError) || attempt >= 5) throw error;
    }
  }
}

/** Times of applied effects → the longest gap after `from` (ms). */
const longestStall = (times: readonly number[], from: number): number => {
  let longest = 0;
  let previous = from;
  for (const at of times.filter((t) => t >= from)) {
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  return longest;
};

describe.skipIf(Boolean(pgService.skip))("durable runs under PostgreSQL faults", () => {
  it("survives pg_terminate_backend on the store's connections mid-run: 0 lost, 0 duplicated", async () => {
    const application = `so_flt_${tag}`;
    const total = 600;
    const { runtime, blueprintId, target } = await approvedPayments(namedStore("pgkill", application), {
      honourKeys: true,
      runtime: { batchSize: 50, batchLeaseMs: 2000, idempotency: { leaseMs: 2000, waitMs: 5000 } },
    });
    const appliedAt: number[] = [];
    target.behave(async (record) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      appliedAt.push(Date.now());
      return { ok: true, echo: record };
    });
    const run = await runtime.runs.start(blueprintId, { records: records(total) });
    let kills = 0;
    let terminated = 0;
    let firstKill = 0;
    for (let i = 0; i < 5; i += 1) {
      while (appliedAt.length < (i + 1) * 80) await new Promise((resolve) => setTimeout(resolve, 10));
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [application],
      );
      firstKill ||= Date.now();
      kills += 1;
      terminated += rows.length;
    }
    const done = await waitThroughOutages(() => runtime.runs.wait(run.id, { timeoutMs: 90_000 }));
    const keys = new Set(target.effects.map((e) => (e as { ref: string }).ref));
    const stall = longestStall(appliedAt, firstKill);
    process.stdout.write(
      `[figure] pg_terminate_backend mid-run: ${total} records, ${kills} kills (${terminated} connections), applied ${target.effects.length}, distinct ${keys.size}, lost ${total - keys.size}, duplicated ${target.effects.length - keys.size}, longest stall ${stall} ms, run ${done.status}\n`,
    );
    if (done.status !== "SUCCEEDED") {
      // What failed the run, for the log of a CI run that cannot be repeated.
      const errors = await waitThroughOutages(() =>
        runtime.runs.events(run.id, { level: "error", limit: 5 }),
      );
      process.stdout.write(`[figure] pg_terminate_backend run errors: ${JSON.stringify(errors)}\n`);
    }
    expect(done.status).toBe("SUCCEEDED");
    expect(keys.size).toBe(total);
    expect(target.effects).toHaveLength(total);
    await runtime.close();
  }, 120_000);
});

describe.skipIf(Boolean(pgService.skip || redisService.skip))("durable runs under Redis faults", () => {
  it("survives every Redis client killed mid-run with bullmqQueue: 0 lost, 0 duplicated", async () => {
    const total = 600;
    const prefix = `syn_flt_${tag}`;
    prefixes.push(prefix);
    const { runtime, blueprintId, target } = await approvedPayments(
      namedStore("rediskill", `so_fltr_${tag}`),
      {
        honourKeys: true,
        runtime: {
          // Named, so the test cuts this runtime's connections only, not other suites' on the server.
          queue: bullmqQueue({
            connection: { ...redis(), connectionName: prefix },
            prefix,
            concurrency: 4,
            lockDurationMs: 2000,
          }),
          batchSize: 25,
          batchLeaseMs: 2000,
          idempotency: { leaseMs: 2000, waitMs: 5000 },
        },
      },
    );
    const appliedAt: number[] = [];
    target.behave(async (record) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      appliedAt.push(Date.now());
      return { ok: true, echo: record };
    });
    const { Redis } = await import("ioredis");
    const control = new Redis({ ...redis(), lazyConnect: true });
    await control.connect();
    const run = await runtime.runs.start(blueprintId, { records: records(total) });
    let kills = 0;
    let killedClients = 0;
    let firstKill = 0;
    for (let i = 0; i < 3; i += 1) {
      while (appliedAt.length < (i + 1) * 120) await new Promise((resolve) => setTimeout(resolve, 10));
      // BullMQ's connections (the blocking worker connection too) are plain clients carrying the
      // ioredis connectionName: kill each of them, as a Redis restart would drop them.
      const list = String(await control.call("CLIENT", "LIST", "TYPE", "normal"));
      for (const line of list.split("\n")) {
        const id = /\bid=(\d+)/.exec(line)?.[1];
        if (id === undefined || !line.includes(` name=${prefix} `)) continue;
        killedClients += Number(await control.call("CLIENT", "KILL", "ID", id).catch(() => 0));
      }
      firstKill ||= Date.now();
      kills += 1;
    }
    control.disconnect();
    const done = await runtime.runs.wait(run.id, { timeoutMs: 90_000 });
    const keys = new Set(target.effects.map((e) => (e as { ref: string }).ref));
    const stall = longestStall(appliedAt, firstKill);
    process.stdout.write(
      `[figure] Redis clients killed mid-run (bullmqQueue): ${total} records, ${kills} rounds (${killedClients} clients), applied ${target.effects.length}, distinct ${keys.size}, lost ${total - keys.size}, duplicated ${target.effects.length - keys.size}, longest stall ${stall} ms, run ${done.status}\n`,
    );
    expect(killedClients).toBeGreaterThan(0);
    if (done.status !== "SUCCEEDED") {
      // What failed the run, for the log of a CI run that cannot be repeated.
      const errors = await waitThroughOutages(() =>
        runtime.runs.events(run.id, { level: "error", limit: 5 }),
      );
      process.stdout.write(`[figure] pg_terminate_backend run errors: ${JSON.stringify(errors)}\n`);
    }
    expect(done.status).toBe("SUCCEEDED");
    expect(keys.size).toBe(total);
    expect(target.effects).toHaveLength(total);
    await runtime.close();
  }, 120_000);
});
