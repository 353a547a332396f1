/**
 * `npm run bench -- data-connectors`:
 * (1) PostgreSQL batched upsert rows/s through the postgres connector's `writeBatch` vs a plain
 *     `pg` multi-row INSERT of the same rows, same batch size, in the same run;
 * (2) RabbitMQ publish-with-confirms msgs/s through the rabbitmq connector's `writeBatch` vs plain
 *     amqplib on a confirm channel (`publish` × n then `waitForConfirms`).
 * Rounds alternate so drift hits both alike; medians are reported. Needs the local services.
 * `DATA_CONNECTORS_BENCH_QUICK=1` shrinks the counts for a smoke run.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { postgres } from "@synapseops/connectors/postgres";
import { rabbitmq } from "@synapseops/connectors/rabbitmq";
import { connectorTestContext } from "@synapseops/core/testing";
import amqp from "amqplib";
import pg from "pg";
import { emit, median } from "./_report";

const SUITE = "data-connectors";
const QUICK = process.env.DATA_CONNECTORS_BENCH_QUICK === "1";
const ROWS = QUICK ? 5_000 : 20_000;
const BATCH = 1_000;
const MESSAGES = QUICK ? 2_000 : 10_000;
const ROUNDS = QUICK ? 2 : 3;
const PG_URL = process.env.SYNAPSEOPS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const AMQP_URL = process.env.SYNAPSEOPS_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

async function postgresUpserts(): Promise<void> {
  const id = randomUUID().slice(0, 8);
  const ours = `so_bench_ours_${id}`;
  const plain = `so_bench_plain_${id}`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  const connector = postgres();
  for (const table of [ours, plain]) {
    await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, sku text, qty int, note text)`);
  }
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    id: i,
    sku: `sku-${i}`,
    qty: i % 97,
    note: "bench row",
  }));
  const config = connector.parseConfig({
    connectionString: PG_URL,
    table: ours,
    write: { mode: "upsert", conflictKey: ["id"], batchSize: BATCH },
  });
  const oursRates: number[] = [];
  const plainRates: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      await pool.query(`TRUNCATE ${ours}, ${plain}`);
      let started = performance.now();
      for (let start = 0; start < rows.length; start += BATCH) {
        await connector.writeBatch!(config, rows.slice(start, start + BATCH), connectorTestContext());
      }
      oursRates.push(rows.length / ((performance.now() - started) / 1000));
      started = performance.now();
      for (let start = 0; start < rows.length; start += BATCH) {
        const slice = rows.slice(start, start + BATCH);
        const params: unknown[] = [];
        const tuples = slice.map((row) => {
          params.push(row.id, row.sku, row.qty, row.note);
          const n = params.length;
          return `($${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
        });
        await pool.query(`INSERT INTO ${plain} (id, sku, qty, note) VALUES ${tuples.join(", ")}`, params);
      }
      plainRates.push(rows.length / ((performance.now() - started) / 1000));
    }
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${ours}, ${plain}`);
    await connector.close();
    await pool.end();
  }
  emit({
    suite: SUITE,
    case: `postgres writeBatch upsert (${BATCH}/statement, ON CONFLICT DO UPDATE)`,
    metric: "rows_per_s",
    value: median(oursRates),
    unit: "rows/s",
    baseline: "plain pg multi-row INSERT, same batches",
    baseline_value: median(plainRates),
    better: "higher",
  });
}

async function rabbitmqPublishes(): Promise<void> {
  const queue = `so.bench.${randomUUID().slice(0, 8)}`;
  const connector = rabbitmq();
  const model = await amqp.connect(AMQP_URL);
  const channel = await model.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  const config = connector.parseConfig({ url: AMQP_URL, queue });
  const bodies = Array.from({ length: MESSAGES }, (_, i) => ({ n: i, note: "bench message" }));
  const chunk = 500;
  const oursRates: number[] = [];
  const plainRates: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      await channel.purgeQueue(queue);
      let started = performance.now();
      for (let start = 0; start < bodies.length; start += chunk) {
        const slice = bodies.slice(start, start + chunk);
        await connector.writeBatch!(config, slice, {
          ...connectorTestContext(),
          idempotencyKeys: slice.map((body) => `m${body.n}`),
        });
      }
      oursRates.push(bodies.length / ((performance.now() - started) / 1000));
      await channel.purgeQueue(queue);
      started = performance.now();
      for (let start = 0; start < bodies.length; start += chunk) {
        for (const body of bodies.slice(start, start + chunk)) {
          channel.publish("", queue, Buffer.from(JSON.stringify(body)), {
            persistent: true,
            contentType: "application/json",
            messageId: `m${body.n}`,
          });
        }
        await channel.waitForConfirms();
      }
      plainRates.push(bodies.length / ((performance.now() - started) / 1000));
    }
  } finally {
    await channel.deleteQueue(queue);
    await model.close();
    await connector.close();
  }
  emit({
    suite: SUITE,
    case: `rabbitmq writeBatch with publisher confirms (${chunk}/batch, persistent)`,
    metric: "msgs_per_s",
    value: median(oursRates),
    unit: "msgs/s",
    baseline: "plain amqplib confirm channel, publish × n + waitForConfirms",
    baseline_value: median(plainRates),
    better: "higher",
  });
}

/** Entry point of `npm run bench -- data-connectors`. */
export async function run(): Promise<void> {
  await postgresUpserts();
  await rabbitmqPublishes();
}
