import { randomUUID } from "node:crypto";
import { ConnectorError, DependencyMissingError } from "@synapseops/core";
import { checkTestService, connectorTestContext, testConnector } from "@synapseops/core/testing";
import { connect } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "../../test/_tcp-proxy";
import { loadNats } from "./_load-nats";
import { nats } from "./index";

const service = await checkTestService("nats");
const id = randomUUID().slice(0, 8).toUpperCase();
const streams = ["CONTRACT", "FLOW", "FAULT"].map((name) => `SO_TEST_${id}_${name}`);
const [contractStream, flowStream, faultStream] = streams as [string, string, string];
const subject = (stream: string): string => `so.test.${stream.toLowerCase()}`;
const connector = nats();
const ctx = connectorTestContext();
let proxy: TcpProxy | undefined;

afterAll(async () => {
  await connector.close();
  await proxy?.close();
  if (service.skip) return;
  const admin = await connect({ servers: service.url });
  const jsm = await admin.jetstreamManager();
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
  await admin.close();
});

testConnector({
  connector,
  config: { servers: service.url, stream: contractStream, subject: subject(contractStream), batchSize: 2 },
  sampleRecord: { id: 1 },
  invalidConfig: { value: { servers: service.url, subject: "x" }, path: "/stream" },
  failingConfig: { servers: "nats://127.0.0.1:1", stream: contractStream, subject: "x" },
  skip: service.skip,
});

const waitFor = async (check: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.skipIf(Boolean(service.skip))("nats connector", () => {
  beforeAll(async () => {
    const url = new URL(service.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 4222) });
  });

  it("dedupes by Nats-Msg-Id; a durable consumer acks, naks with delay and terms; lag in health", async () => {
    const config = connector.parseConfig({
      servers: service.url,
      stream: flowStream,
      subject: subject(flowStream),
      durable: "d1",
      nakDelayMs: 50,
      fetchExpiresMs: 1000,
    });
    const first = (await connector.write!(config, { n: 0 }, { ...ctx, idempotencyKey: "k0" })) as {
      duplicate: boolean;
    };
    const again = (await connector.write!(config, { n: 0 }, { ...ctx, idempotencyKey: "k0" })) as {
      duplicate: boolean;
    };
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    for (let n = 1; n < 6; n += 1) await connector.write!(config, { n }, { ...ctx, idempotencyKey: `k${n}` });
    expect((await connector.health!(config, ctx)).detail?.lag).toBe(6);
    const acked: number[] = [];
    let naks = 0;
    const subscription = await connector.subscribe!(config, ctx, async ({ records }) => {
      const { n } = records[0] as { n: number };
      if (n === 2) throw ConnectorError.nonRetryable("rejected");
      if (n === 4 && naks === 0) {
        naks += 1;
        throw new ConnectorError("busy", { retryable: true });
      }
      acked.push(n);
    });
    await waitFor(() => acked.length === 5);
    await subscription.close();
    expect(acked.sort()).toEqual([0, 1, 3, 4, 5]);
    expect((await connector.health!(config, ctx)).detail).toMatchObject({ lag: 0, unacknowledged: 0 });
  });

  it("fault: client connections dropped mid-stream → publishes retried and deduped, consumer resumes, nothing lost", async () => {
    const url = new URL(service.url);
    url.port = String(proxy!.port);
    const config = connector.parseConfig({
      servers: url.toString(),
      stream: faultStream,
      subject: subject(faultStream),
      durable: "d1",
      batchSize: 20,
      ackWaitMs: 1000,
      publishTimeoutMs: 500,
      fetchExpiresMs: 1000,
    });
    await connector.test!(config, ctx);
    const received = new Map<number, number>();
    const subscription = await connector.subscribe!(config, ctx, async ({ records }) => {
      for (const record of records as { n: number }[])
        received.set(record.n, (received.get(record.n) ?? 0) + 1);
    });
    const total = 400;
    let retries = 0;
    let drops = 0;
    for (let n = 0; n < total; n += 1) {
      if (n === 100 || n === 250) drops += proxy!.dropAll();
      for (let attempt = 1; ; attempt += 1) {
        try {
          await connector.write!(config, { n }, { ...ctx, idempotencyKey: `m${n}` });
          break;
        } catch (error) {
          if (!(error instanceof ConnectorError && error.retryable) || attempt > 10) throw error;
          retries += 1;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    }
    await waitFor(() => received.size === total, 30_000);
    await subscription.close();
    const admin = await connect({ servers: service.url });
    const info = await (await admin.jetstreamManager()).streams.info(faultStream);
    await admin.close();
    const duplicates = [...received.values()].reduce((sum, count) => sum + count - 1, 0);
    process.stdout.write(
      `[figure] nats faults: ${drops} client connections dropped, ${retries} publish retries, stored ${info.state.messages}/${total} (deduped by Nats-Msg-Id), received ${received.size} distinct, ${duplicates} duplicates\n`,
    );
    expect(info.state.messages).toBe(total);
    expect(received.size).toBe(total);
  });

  it("fails with DependencyMissingError naming nats when it is not installed", async () => {
    const missing = Object.assign(new Error("Cannot find package"), { code: "ERR_MODULE_NOT_FOUND" });
    const error = await loadNats(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect((error as Error).message).toContain("npm install nats");
  });
});
