import { randomUUID } from "node:crypto";
import { ConnectorError, DependencyMissingError } from "@synapseops/core";
import { checkTestService, connectorTestContext, testConnector } from "@synapseops/core/testing";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "../../test/_tcp-proxy";
import { loadAmqplib } from "./_load-amqplib";
import { rabbitmq } from "./index";

const service = await checkTestService("rabbitmq");
const prefix = `so.test.${randomUUID().slice(0, 8)}`;
const connector = rabbitmq();
const ctx = connectorTestContext();
const queues = ["contract", "flow", "fault", "dlq"].map((name) => `${prefix}.${name}`);
const [contractQueue, flowQueue, faultQueue, deadQueue] = queues as [string, string, string, string];
const dlx = `${prefix}.dlx`;
let proxy: TcpProxy | undefined;

afterAll(async () => {
  await connector.close();
  await proxy?.close();
  if (service.skip) return;
  const model = await amqp.connect(service.url);
  const channel = await model.createChannel();
  for (const queue of queues) await channel.deleteQueue(queue);
  await channel.deleteExchange(dlx);
  await model.close();
});

testConnector({
  connector,
  config: { url: service.url, queue: contractQueue },
  sampleRecord: { id: 1 },
  invalidConfig: { value: { url: service.url }, path: "/queue" },
  failingConfig: { url: "amqp://guest:guest@127.0.0.1:1", queue: contractQueue },
  skip: service.skip,
});

const waitFor = async (check: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.skipIf(Boolean(service.skip))("rabbitmq connector", () => {
  beforeAll(async () => {
    const url = new URL(service.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5672) });
  });

  it("acks delivered records, dead-letters fatal failures to the DLX, reports lag", async () => {
    const config = connector.parseConfig({
      url: service.url,
      queue: flowQueue,
      deadLetterExchange: dlx,
      deadLetterQueue: deadQueue,
      retryDelayMs: 10,
    });
    await connector.writeBatch!(
      config,
      Array.from({ length: 10 }, (_, i) => ({ n: i })),
      { ...ctx, idempotencyKeys: Array.from({ length: 10 }, (_, i) => `k${i}`) },
    );
    expect((await connector.health!(config, ctx)).detail?.lag).toBe(10);
    const acked: number[] = [];
    let retried = false;
    const subscription = await connector.subscribe!(config, ctx, async ({ records }) => {
      const { n } = records[0] as { n: number };
      if (n === 3) throw ConnectorError.nonRetryable("record 3 is rejected by the target");
      if (n === 5 && !retried) {
        retried = true;
        throw new ConnectorError("target busy", { retryable: true });
      }
      acked.push(n);
    });
    await waitFor(() => acked.length === 9);
    await subscription.close();
    expect(acked.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    const model = await amqp.connect(service.url);
    const channel = await model.createChannel();
    const dead = await channel.get(deadQueue, { noAck: true });
    await model.close();
    expect(dead && JSON.parse(dead.content.toString())).toEqual({ n: 3 });
    expect((await connector.health!(config, ctx)).detail?.lag).toBe(0);
  });

  it("fault: connections dropped mid-stream → publishes retried, consumer reconnects, nothing lost", async () => {
    const url = new URL(service.url);
    url.port = String(proxy!.port);
    const config = connector.parseConfig({
      url: url.toString(),
      queue: faultQueue,
      prefetch: 20,
      batchSize: 10,
    });
    const total = 400;
    let retries = 0;
    let drops = 0;
    const received = new Map<number, number>();
    const subscription = await connector.subscribe!(config, ctx, async ({ records }) => {
      for (const record of records as { n: number }[])
        received.set(record.n, (received.get(record.n) ?? 0) + 1);
    });
    for (let n = 0; n < total; n += 1) {
      if (n === 100 || n === 250) drops += proxy!.dropAll();
      for (let attempt = 1; ; attempt += 1) {
        try {
          await connector.write!(config, { n }, { ...ctx, idempotencyKey: `m${n}` });
          break;
        } catch (error) {
          if (!(error instanceof ConnectorError && error.retryable) || attempt > 8) throw error;
          retries += 1;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    }
    await waitFor(() => received.size === total, 20_000);
    await subscription.close();
    const duplicates = [...received.values()].reduce((sum, count) => sum + count - 1, 0);
    process.stdout.write(
      `[figure] rabbitmq faults: ${drops} connections dropped, ${retries} publish retries, published ${total}, received ${received.size} distinct, ${duplicates} duplicates (redelivered after a lost ack or a lost confirm; deduped by idempotency key downstream)\n`,
    );
    expect(received.size).toBe(total);
  });

  it("fails with DependencyMissingError naming amqplib when it is not installed", async () => {
    const missing = Object.assign(new Error("Cannot find package"), { code: "ERR_MODULE_NOT_FOUND" });
    const error = await loadAmqplib(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect((error as Error).message).toContain("npm install amqplib");
  });
});
