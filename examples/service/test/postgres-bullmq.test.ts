import type { DeadLetter, Page, Run } from "@synapseops/core";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import { dropNamespace, generatedDraft, startService, type TestService } from "./helpers";

// The service on PostgreSQL (store) and BullMQ (queue), as DATABASE_URL / REDIS_URL select them.
const postgres = await checkTestService("postgres");
const redis = await checkTestService("redis");
const skip = postgres.skip || redis.skip;
const namespace = `svc_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
let service: TestService | undefined;

afterAll(async () => {
  await service?.close();
  if (!skip) await dropNamespace(postgres.url, redis.url, namespace);
});

it.skipIf(skip)(
  "runs on PostgreSQL and BullMQ: durable run, dead letter in the database, replay",
  async () => {
    service = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, namespace });
    const { api } = service;
    const health = await api.get<{ ok: boolean; engines: string }>("/health");
    expect(health.body).toMatchObject({ ok: true, engines: "postgres+bullmq" });

    const { blueprint } = await generatedDraft(api, "erp-pg");
    expect((await api.post(`/blueprints/${blueprint.id}/approve`)).status).toBe(200);
    await api.put("/sandbox/erp-pg", { rejectWhen: 'sku = "BROKEN"' });
    const started = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: sampleOrders });
    expect(started.status).toBe(202);
    const run = await api.waitForRun<Run>(started.body.id, 30_000);
    expect(run.counts).toMatchObject({ total: 3, completed: 2, deadLettered: 1 });

    // issue 23: the record's waterfall from the PostgreSQL store; the queue view from BullMQ's API.
    const steps = await api.get<{ steps: { end: string; error?: { code: string } }[] }>(
      `/runs/${run.id}/records/o-1003/steps`,
    );
    expect(steps.body.steps.at(-1)).toMatchObject({ end: "failed", error: { code: "CONNECTOR_FAILED" } });
    const queue = await api.get<{
      engine: string;
      queues: { name: string; counts: Record<string, number> }[];
      workers: unknown[];
      stalled: number;
    }>("/queue");
    expect(queue.body.engine).toBe("bullmq");
    expect(queue.body.queues.map((q) => q.name)).toEqual(["synapseops-runs", "synapseops-runs-parked"]);
    // The run's batch job is done: BullMQ counts it (kept or removed on completion, never waiting).
    expect(queue.body.queues[0]?.counts).toMatchObject({ waiting: 0, active: 0 });
    expect(queue.body.workers.length).toBeGreaterThanOrEqual(1);
    expect(queue.body.stalled).toBe(0);

    // What the API answered is what PostgreSQL holds.
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const stored = await client.query(
        `SELECT count(*)::int AS n FROM "${namespace}".dead_letters WHERE run_id = $1`,
        [run.id],
      );
      expect(stored.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
    const dead = await api.get<Page<DeadLetter>>(`/dead-letters?runId=${run.id}`);
    await api.put("/sandbox/erp-pg", { rejectWhen: null });
    const replay = await api.post<Run>("/dead-letters/replay", {
      deadLetterIds: dead.body.items.map((d) => d.id),
    });
    expect((await api.waitForRun<Run>(replay.body.id, 30_000)).status).toBe("SUCCEEDED");
    const logs = await api.get<{ items: { type: string }[] }>(`/runs/${run.id}/logs`);
    expect(logs.body.items.map((e) => e.type)).toContain("record.dead_lettered");
  },
  60_000,
);
