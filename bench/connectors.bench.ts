/**
 * `npm run bench -- connectors`:
 * (1) http write throughput to a local node:http server through the http connector vs plain
 *     `fetch` with the same request, in the same run, interleaved so drift hits both alike;
 * (2) Standard Webhooks verifications/s through our scheme vs a minimal hand-written HMAC check.
 * `CONNECTORS_BENCH_QUICK=1` shrinks the counts for a smoke run.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { http, signStandardWebhook, standardWebhooks } from "@synapseops/connectors";
import { silentLogger } from "@synapseops/core";
import { emit, median } from "./_report";

const SUITE = "connectors";
const QUICK = process.env.CONNECTORS_BENCH_QUICK === "1";
const WRITES = QUICK ? 300 : 1_500;
const CONCURRENCY = 16;
const ROUNDS = QUICK ? 2 : 5;
const VERIFICATIONS = QUICK ? 10_000 : 50_000;

/** Runs `count` calls with `concurrency` in flight; returns calls per second. */
async function throughput(call: (index: number) => Promise<unknown>, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await call(index);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function httpWrites(): Promise<void> {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(201, { "content-type": "application/json" });
      response.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const record = { orderId: "SO-1", customer: "ACME", lines: [{ sku: "A-1", qty: 2, price: 9.5 }] };

  const connector = http();
  const config = connector.parseConfig({
    baseUrl: url,
    auth: { type: "bearer" },
    write: { path: "/orders", idempotencyHeader: "Idempotency-Key" },
  });
  const context = {
    logger: silentLogger(),
    signal: new AbortController().signal,
    secrets: { token: "t0k3n" },
    attempt: 1,
    environment: { name: "bench", variables: {} },
  };
  const viaConnector = (index: number) =>
    connector.write!(config, record, { ...context, idempotencyKey: `k-${index}` });
  // The same request by hand: same headers, body, timeout signal and JSON parse of the answer.
  const viaFetch = async (index: number) => {
    const response = await fetch(`${url}/orders`, {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        authorization: "Bearer t0k3n",
        "Idempotency-Key": `k-${index}`,
      },
      body: JSON.stringify(record),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  };

  await throughput(viaFetch, 300); // warm-up: connections, JIT
  await throughput(viaConnector, 300);
  const ours: number[] = [];
  const plain: number[] = [];
  // Alternate which goes first, so a drifting machine load does not favour either.
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round % 2 === 0) {
      plain.push(await throughput(viaFetch, WRITES));
      ours.push(await throughput(viaConnector, WRITES));
    } else {
      ours.push(await throughput(viaConnector, WRITES));
      plain.push(await throughput(viaFetch, WRITES));
    }
  }
  process.stderr.write(
    `connectors bench: ours ${ours.map(Math.round).join(" ")}; fetch ${plain.map(Math.round).join(" ")}\n`,
  );
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  emit({
    suite: SUITE,
    case: `http write, JSON + bearer + Idempotency-Key, ${CONCURRENCY} in flight, local server`,
    metric: "throughput",
    value: median(ours),
    unit: "writes/s",
    baseline: "plain fetch, same request",
    baseline_value: median(plain),
    better: "higher",
  });
}

function webhookVerifications(): void {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = JSON.stringify({ type: "order.created", data: { id: 7, pad: "x".repeat(900) } });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = signStandardWebhook({ secret, id: "msg_1", body, timestamp });
  const scheme = standardWebhooks({ secret });
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const rawBody = Buffer.from(body);
  // The minimum a careful hand-written check does: one HMAC and a constant-time compare.
  const byHand = (): boolean => {
    const expected = createHmac("sha256", key)
      .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`)
      .update(rawBody)
      .digest();
    const given = Buffer.from(headers["webhook-signature"].slice(3), "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const ours = (): boolean => scheme.verify({ rawBody, headers }).ok;
  const rate = (check: () => boolean): number => {
    const started = performance.now();
    for (let i = 0; i < VERIFICATIONS; i += 1) if (!check()) throw new Error("verification failed");
    return VERIFICATIONS / ((performance.now() - started) / 1000);
  };
  rate(byHand);
  rate(ours);
  const oursRuns: number[] = [];
  const handRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    handRuns.push(rate(byHand));
    oursRuns.push(rate(ours));
  }
  emit({
    suite: SUITE,
    case: "Standard Webhooks verify, 1 KB body",
    metric: "throughput",
    value: median(oursRuns),
    unit: "verifications/s",
    baseline: "hand-written HMAC-SHA256 + timingSafeEqual",
    baseline_value: median(handRuns),
    better: "higher",
  });
}

export async function run(): Promise<void> {
  await httpWrites();
  webhookVerifications();
}
