import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createRuntime } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService, connectorTestContext } from "@synapseops/core/testing";
import amqp from "amqplib";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { postgres } from "../src/postgres/index";
import { rabbitmq } from "../src/rabbitmq/index";

// Issue 8: a run from a RabbitMQ queue into a PostgreSQL table with the PostgreSQL run store,
// the consumer killed mid-batch several times → every message's row written exactly once.
const pgService = await checkTestService("postgres");
const mqService = await checkTestService("rabbitmq");
const skip = pgService.skip || mqService.skip;
const id = randomUUID().slice(0, 8);
const cases = [
  {
    label: "idempotency column (UNIQUE synapse_key)",
    columns: ", synapse_key text UNIQUE",
    write: { mode: "insert" as const, idempotencyColumn: "synapse_key" },
  },
  {
    // No unique column: only the write and the key's completion committing together keep a
    // redelivered message from inserting a second row.
    label: "one transaction (no unique column)",
    columns: "",
    write: { mode: "insert" as const },
  },
].map((c, index) => ({
  ...c,
  schema: `so_eo_${id}_${index}`,
  table: `so_eo_rows_${id}_${index}`,
  queue: `so.test.eo.${id}.${index}`,
}));
const admin = new pg.Pool({ connectionString: pgService.url, max: 2 });
admin.on("error", () => {});
const workers: ChildProcess[] = [];

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  if (!skip) {
    const model = await amqp.connect(mqService.url);
    const channel = await model.createChannel();
    for (const { table, schema, queue } of cases) {
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await channel.deleteQueue(queue);
    }
    await model.close();
  }
  await admin.end();
});

const startWorker = (settings: Record<string, string>): Promise<ChildProcess> => {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@synapseops/source",
      "--import",
      "tsx",
      fileURLToPath(new URL("./_exactly-once-worker.ts", import.meta.url)),
    ],
    { env: { ...process.env, SO_EO_SETTINGS: JSON.stringify(settings) }, stdio: ["ignore", "pipe", "pipe"] },
  );
  workers.push(child);
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited ${code}: ${errors.slice(0, 2000)}`)));
  });
};

const rowCounts = async (table: string): Promise<{ rows: number; distinct: number }> => {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS rows, count(DISTINCT order_id)::int AS distinct FROM ${table}`,
  );
  return rows[0] as { rows: number; distinct: number };
};

it.skipIf(Boolean(skip)).each(cases)(
  "exactly-once: RabbitMQ → PostgreSQL with the PostgreSQL run store, consumer killed mid-batch 3 times — $label",
  async ({ label, columns, write, schema, table, queue }) => {
    const total = 400;
    await admin.query(
      `CREATE TABLE ${table} (id bigserial PRIMARY KEY, order_id text NOT NULL, amount int${columns})`,
    );
    const mq = rabbitmq();
    const sql = postgres();
    const store = postgresStore({ connectionString: pgService.url }, { schema });
    const runtime = createRuntime({ store, connectors: [mq, sql] });
    const project = await runtime.projects.create({ name: "exactly-once" });
    const source = await runtime.connectorRefs.put(project.id, {
      type: "rabbitmq",
      name: "orders-queue",
      config: { url: mqService.url, queue },
    });
    const target = await runtime.connectorRefs.put(project.id, {
      type: "postgres",
      name: "orders-table",
      config: {
        connectionString: pgService.url,
        table,
        write,
      },
    });
    const blueprint = await runtime.blueprints.create(project.id, {
      name: "orders",
      body: {
        source: { connector: source.id },
        target: { connector: target.id },
        idempotencyKey: "orderId",
        mappings: [{ id: "m", expression: '{ "order_id": orderId, "amount": amount }' }],
        steps: [
          { id: "map", kind: "map", mapping: "m" },
          {
            id: "send",
            kind: "send",
            connector: target.id,
            policy: { retry: { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 200 } },
          },
        ],
      },
    });
    await runtime.blueprints.approve(blueprint.id);
    const messages = Array.from({ length: total }, (_, i) => ({ orderId: `o-${i}`, amount: i }));
    const config = mq.parseConfig({ url: mqService.url, queue });
    await mq.writeBatch!(config, messages, {
      ...connectorTestContext(),
      idempotencyKeys: messages.map((m) => m.orderId),
    });
    await mq.close();
    await sql.close();
    await runtime.close();

    const settings = {
      pgUrl: pgService.url,
      schema,
      amqpUrl: mqService.url,
      queue,
      blueprintId: blueprint.id,
    };
    const started = Date.now();
    const killedAt: number[] = [];
    // The next consumer starts while the current one works (as a second replica would), so
    // startup time overlaps; each kill lands on a consumer with a batch in flight.
    let current = await startWorker(settings);
    for (const threshold of [60, 170, 280]) {
      const next = startWorker(settings);
      for (;;) {
        const { rows } = await rowCounts(table);
        if (rows >= threshold) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      current.kill("SIGKILL");
      killedAt.push((await rowCounts(table)).rows);
      current = await next;
    }
    const last = current;
    const deadline = Date.now() + 60_000;
    while ((await rowCounts(table)).distinct < total && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Let redelivered leftovers land, if any would duplicate.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    last.kill("SIGKILL");
    const { rows, distinct } = await rowCounts(table);
    const { rows: skipped } = await admin
      .query(`SELECT count(*)::int AS n FROM ${schema}.run_events WHERE doc->>'type' = 'record.duplicate'`)
      .catch(() => ({ rows: [{ n: -1 }] }));
    process.stdout.write(
      `[figure] exactly-once rabbitmq→postgres, ${label}: ${total} messages, consumer killed 3× at ${killedAt.join("/")} rows, rows ${rows}, distinct keys ${distinct}, duplicates by key ${rows - distinct}, redeliveries skipped as duplicates by the run store ${skipped[0]?.n}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    expect(distinct).toBe(total);
    expect(rows).toBe(total);
  },
  180_000,
);
