/**
 * `npm run bench -- traces`:
 * (1) the trace recorder's cost per request: POSTs of a JSON order (with an email and a card
 *     number to redact) to a local node:http server through `recorder.fetch` vs plain `fetch`,
 *     interleaved rounds, with the recorder shipping to a local collector as in production;
 * (2) redaction alone: exchanges/s through `createExchangeRedactor` vs a JSON deep copy of the
 *     same exchange (the least any redactor returning a copy must do).
 * `TRACES_BENCH_QUICK=1` shrinks the counts for a smoke run.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createTraceRecorder, generateWebhookSecret } from "@synapseops/connectors";
import { createExchangeRedactor } from "@synapseops/core";
import { emit, median } from "./_report";

const SUITE = "traces";
const QUICK = process.env.TRACES_BENCH_QUICK === "1";
const REQUESTS = QUICK ? 400 : 2_000;
const CONCURRENCY = 16;
const ROUNDS = QUICK ? 2 : 5;
const REDACTIONS = QUICK ? 5_000 : 30_000;

const order = {
  id: "ord_01HZX3K9Q7V8B2N4M6P0R5T1W3",
  customer: { email: "jane.doe@example.com", name: "Jane Doe" },
  payment: { card: "4111 1111 1111 1111", amount: "129.90", currency: "EUR" },
  lines: Array.from({ length: 5 }, (_, index) => ({ sku: `SKU-${index}`, qty: index + 1, price: 9.95 })),
  createdAt: "2024-05-01T10:15:30+02:00",
};

async function throughput(call: () => Promise<unknown>, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next += 1;
        await call();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function listen(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function recorderOverhead(): Promise<void> {
  const answer = JSON.stringify({ ...order, status: "confirmed" });
  const target = await listen((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(201, { "content-type": "application/json" });
      response.end(answer);
    });
  });
  const collector = await listen((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(202);
      response.end();
    });
  });
  const recorder = createTraceRecorder({
    projectId: "prj_bench",
    environment: "bench",
    shipper: { url: `${collector.url}/traces`, secret: generateWebhookSecret(), maxBufferedTraces: 10_000 },
  });
  const body = JSON.stringify(order);
  const init = {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer t0k3n-abcdef" },
    body,
  };
  const plain = async () => (await fetch(`${target.url}/orders`, init)).json();
  const recorded = async () => (await recorder.fetch(`${target.url}/orders`, init)).json();

  await throughput(plain, 300);
  await throughput(recorded, 300);
  const ours: number[] = [];
  const base: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round % 2 === 0) {
      base.push(await throughput(plain, REQUESTS));
      ours.push(await throughput(recorded, REQUESTS));
    } else {
      ours.push(await throughput(recorded, REQUESTS));
      base.push(await throughput(plain, REQUESTS));
    }
  }
  await recorder.close();
  const stats = recorder.stats();
  process.stderr.write(
    `traces bench: recorded ${ours.map(Math.round).join(" ")}; fetch ${base.map(Math.round).join(" ")}; ` +
      `stats ${JSON.stringify(stats)}\n`,
  );
  await target.close();
  await collector.close();
  emit({
    suite: SUITE,
    case: `POST JSON order through recorder.fetch (redacted, shipped to a local collector), ${CONCURRENCY} in flight`,
    metric: "throughput",
    value: median(ours),
    unit: "requests/s",
    baseline: "plain fetch, same request",
    baseline_value: median(base),
    better: "higher",
  });
}

function redactionRate(): void {
  const redactor = createExchangeRedactor({ keys: ["name"] });
  const exchange = {
    request: {
      method: "POST",
      url: "https://erp.example.com/v2/sales-orders?page=2&email=jane.doe%40example.com",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer t0k3n-abcdef",
        "x-request-id": "req_1",
      },
      body: order,
    },
    response: {
      status: 201,
      headers: { "content-type": "application/json" },
      body: { ...order, status: "confirmed" },
    },
  };
  const rate = (work: () => unknown): number => {
    const started = performance.now();
    for (let i = 0; i < REDACTIONS; i += 1) work();
    return REDACTIONS / ((performance.now() - started) / 1000);
  };
  const ours = () => redactor.redact(exchange);
  const copy = () => JSON.parse(JSON.stringify(exchange));
  rate(ours);
  rate(copy);
  const oursRuns: number[] = [];
  const copyRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    oursRuns.push(rate(ours));
    copyRuns.push(rate(copy));
  }
  emit({
    suite: SUITE,
    case: "redact an order exchange (URL, 3 headers, two 5-line JSON bodies), all detectors on",
    metric: "throughput",
    value: median(oursRuns),
    unit: "exchanges/s",
    baseline: "JSON deep copy of the same exchange",
    baseline_value: median(copyRuns),
    better: "higher",
  });
}

export async function run(): Promise<void> {
  await recorderOverhead();
  redactionRate();
}
