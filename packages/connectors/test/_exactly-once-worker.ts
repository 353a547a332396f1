/**
 * One consumer process of the exactly-once test: a runtime on the PostgreSQL store consuming a
 * RabbitMQ queue into a PostgreSQL table. The test kills it with SIGKILL mid-batch.
 */
import { ConnectorError, createRuntime } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { connectorTestContext } from "@synapseops/core/testing";
import { postgres } from "../src/postgres/index";
import { rabbitmq } from "../src/rabbitmq/index";

const settings = JSON.parse(process.env.SO_EO_SETTINGS ?? "{}") as {
  pgUrl: string;
  schema: string;
  amqpUrl: string;
  queue: string;
  blueprintId: string;
};
const mq = rabbitmq();
const runtime = createRuntime({
  store: postgresStore({ connectionString: settings.pgUrl }, { schema: settings.schema }),
  connectors: [mq, postgres({ applicationName: "so-eo-worker" })],
  // A killed worker's keys are free again after a second.
  idempotency: { leaseMs: 1000, waitMs: 2500 },
});
const config = mq.parseConfig({
  url: settings.amqpUrl,
  queue: settings.queue,
  batchSize: 20,
  prefetch: 40,
  retryDelayMs: 200,
});
await mq.subscribe!(config, connectorTestContext(), async ({ records }) => {
  const run = await runtime.ingest(settings.blueprintId, { records });
  const done = await runtime.runs.wait(run.id, { timeoutMs: 20_000 });
  // A record still held by a killed worker's lease ends as a conflict: put the batch back.
  if (done.counts.failed + done.counts.deadLettered > 0) {
    throw new ConnectorError(`run ${run.id}: ${done.counts.failed} failed`, { retryable: true });
  }
});
process.stdout.write("ready\n");
