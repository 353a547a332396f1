import { gzipSync } from "node:zlib";
import { connectorTestContext } from "@synapseops/core/testing";
import { Agent, fetch as undiciFetch, request as undiciRequest } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { json, startLocalServer, unreachableUrl } from "../../test/local-server";
import { startTestCollector } from "../../test/trace-collector";
import {
  createTraceRecorder,
  generateWebhookSecret,
  http,
  type RecordedTrace,
  RecordedTrace as RecordedTraceSchema,
} from "../index";

// Canaries: none may reach the collector. Needles are searched with separators removed.
const CANARY = {
  email: "canary.jane@example-mail.com",
  card: "4111 1111 1111 1111",
  iban: "DE89 3704 0044 0532 0130 00",
  phone: "+44 20 7946 0958",
  token: "canaryTok3nValue9f8e7d",
  apiKey: "canary-api-key-5b4c3d2e",
  dob: "1984-02-29",
};
const NEEDLES = [
  "canary.jane",
  "4111111111111111",
  "370400440532013000",
  "2079460958",
  "canaryTok3nValue9f8e7d",
  "canary-api-key-5b4c3d2e",
  "canaryapikey5b4c3d2e",
  "1984-02-29",
  "19840229",
];
const ALL = `${CANARY.email} ${CANARY.card} ${CANARY.iban} ${CANARY.phone}`;

/** Needles present in a text, also after percent-decoding and with separators squashed. */
function leaks(text: string): string[] {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    // Not encoded.
  }
  const haystack = `${text}\n${decoded}`;
  const squashed = haystack.replace(/[\s-]/g, "");
  return NEEDLES.filter(
    (needle) => haystack.includes(needle) || squashed.includes(needle.replace(/[\s-]/g, "")),
  );
}

const target = await startLocalServer(async (request, response) => {
  const url = new URL(request.url, "http://local");
  if (url.pathname === "/problem") {
    response.writeHead(422, { "content-type": "application/problem+json" });
    response.end(JSON.stringify({ title: "Invalid", detail: `rejected ${ALL}`, errors: [{ detail: ALL }] }));
    return;
  }
  if (url.pathname === "/text") {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(`Dear customer ${ALL}, use Bearer ${CANARY.token}`);
    return;
  }
  if (url.pathname === "/gzip") {
    response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    response.end(gzipSync(JSON.stringify({ contact: { email: CANARY.email }, ok: true })));
    return;
  }
  if (url.pathname === "/big") {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(`${"lorem ipsum ".repeat(200)}card ${CANARY.card} end`);
    return;
  }
  return json(
    response,
    201,
    {
      id: "ord_1",
      echo: request.body === "" ? null : JSON.parse(request.body),
      customer: { email: CANARY.email, phones: [CANARY.phone], payment: { iban: CANARY.iban } },
    },
    { "x-request-id": "req-1", "set-cookie": `session=${CANARY.token}; HttpOnly` },
  );
});
const secret = generateWebhookSecret();
const collector = await startTestCollector(secret);
afterAll(async () => {
  await target.close();
  await collector.close();
});

function newRecorder(onTrace?: (trace: RecordedTrace) => void) {
  return createTraceRecorder({
    projectId: "prj_traces",
    environment: "sandbox",
    redaction: { keys: ["dateOfBirth"], headers: ["x-customer-ref"], secrets: [CANARY.apiKey] },
    shipper: { url: collector.url, secret, flushIntervalMs: 50 },
    operationOf: ({ method, url }) => `${method} ${new URL(url).pathname.split("/").slice(0, 2).join("/")}`,
    maxBodyBytes: 1024,
    ...(onTrace === undefined ? {} : { onTrace }),
  });
}

const orderBody = {
  customer: { email: CANARY.email, dateOfBirth: CANARY.dob, phone: CANARY.phone },
  lines: [{ sku: "A-1", note: `pay with ${CANARY.card}` }, [CANARY.iban]],
};
const canaryHeaders = {
  authorization: `Bearer ${CANARY.token}`,
  "x-api-key": CANARY.apiKey,
  "x-customer-ref": CANARY.dob,
  "x-contact": CANARY.email,
  "content-type": "application/json",
};
const canaryQuery = `?email=${encodeURIComponent(CANARY.email)}&card=${encodeURIComponent(CANARY.card)}&api_key=${CANARY.apiKey}&page=2`;

/** What the collector received for the batches after `from`, as one text, and the traces. */
function received(from: number): { raw: string; traces: RecordedTrace[] } {
  const batches = collector.batches.slice(from);
  return {
    raw: batches.map((batch) => batch.raw).join("\n"),
    traces: batches.flatMap((batch) => batch.batch.traces),
  };
}

describe("trace recorder: fetch wrapper", () => {
  it("ships signed, redacted traces of every exchange; no canary reaches the collector", async () => {
    const from = collector.batches.length;
    const recorder = newRecorder();
    const posted = await recorder.fetch(
      `${target.url}/orders/${encodeURIComponent(CANARY.email)}${canaryQuery}`,
      {
        method: "POST",
        headers: canaryHeaders,
        body: JSON.stringify(orderBody),
      },
    );
    // The host sees the real answer, untouched.
    expect(posted.status).toBe(201);
    expect(((await posted.json()) as { customer: { email: string } }).customer.email).toBe(CANARY.email);
    const problem = await recorder.fetch(`${target.url}/problem`);
    expect(problem.status).toBe(422);
    expect(await problem.text()).toContain(CANARY.email);
    await (await recorder.fetch(`${target.url}/text`)).text();
    await recorder.fetch(`${target.url}/gzip`); // body never read by the host: still recorded
    await recorder.close();

    expect(collector.refused).toEqual([]);
    const { raw, traces } = received(from);
    expect(traces).toHaveLength(4);
    expect(leaks(raw)).toEqual([]);
    // The leak check is live: the same check finds every canary in what the target answered.
    expect(leaks(JSON.stringify(target.requests.at(-4)))).not.toEqual([]);

    const [order, problemTrace, textTrace, gzipTrace] = traces as [
      RecordedTrace,
      RecordedTrace,
      RecordedTrace,
      RecordedTrace,
    ];
    expect(RecordedTraceSchema.safeParse(order).success).toBe(true);
    expect(order).toMatchObject({
      projectId: "prj_traces",
      environment: "sandbox",
      operation: "POST /orders",
      request: {
        method: "POST",
        headers: {
          authorization: "Bearer [REDACTED:secret]",
          "x-api-key": "[REDACTED:secret]",
          "x-customer-ref": "[REDACTED:field]",
          "x-contact": "[REDACTED:email]",
        },
        body: {
          customer: { email: "[REDACTED:email]", dateOfBirth: "[REDACTED:field]", phone: "[REDACTED:phone]" },
          lines: [{ sku: "A-1", note: "pay with [REDACTED:card]" }, ["[REDACTED:iban]"]],
        },
      },
      response: {
        status: 201,
        headers: { "x-request-id": "req-1", "set-cookie": "[REDACTED:secret]" },
        body: { id: "ord_1", customer: { email: "[REDACTED:email]" } },
      },
    });
    expect(order.request.url).toBe(
      `${target.url}/orders/[REDACTED:email]?email=[REDACTED:email]&card=[REDACTED:card]&api_key=[REDACTED:secret]&page=2`,
    );
    expect(order.timing.durationMs).toBeGreaterThan(0);
    expect(Date.parse(order.timing.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(problemTrace.response?.status).toBe(422);
    expect(problemTrace.response?.body).toEqual({
      title: "Invalid",
      detail: "rejected [REDACTED:email] [REDACTED:card] [REDACTED:iban] [REDACTED:phone]",
      errors: [{ detail: "[REDACTED:email] [REDACTED:card] [REDACTED:iban] [REDACTED:phone]" }],
    });
    expect(textTrace.response?.body).toBe(
      "Dear customer [REDACTED:email] [REDACTED:card] [REDACTED:iban] [REDACTED:phone], use Bearer [REDACTED:token]",
    );
    expect(gzipTrace.response?.body).toEqual({ contact: { email: "[REDACTED:email]" }, ok: true });
    expect(recorder.stats()).toMatchObject({
      recorded: 4,
      shipped: 4,
      dropped: 0,
      buffered: 0,
      failedCaptures: 0,
    });
  });

  it("records a network failure with its code and rethrows the caller's error unchanged", async () => {
    const traces: RecordedTrace[] = [];
    const recorder = createTraceRecorder({
      projectId: "prj_t",
      environment: "mock",
      onTrace: (t) => traces.push(t),
    });
    const down = await unreachableUrl();
    const error = await recorder.fetch(`${down}/x?email=${CANARY.email}`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    await recorder.flush();
    expect(traces).toHaveLength(1);
    expect(traces[0]?.response).toBeUndefined();
    expect(traces[0]?.error).toMatch(/fetch failed.*ECONNREFUSED/);
    expect(traces[0]?.request.url).toBe(`${down}/x?email=[REDACTED:email]`);
  });

  it("cuts a body at maxBodyBytes, back to a separator, and marks the cut", async () => {
    const traces: RecordedTrace[] = [];
    const recorder = createTraceRecorder({
      projectId: "prj_t",
      environment: "mock",
      maxBodyBytes: 2404,
      onTrace: (t) => traces.push(t),
    });
    const response = await recorder.fetch(`${target.url}/big`);
    expect((await response.text()).endsWith(`${CANARY.card} end`)).toBe(true);
    await recorder.flush();
    const body = traces[0]?.response?.body as string;
    // The bound falls inside the card number: the partial number must not survive.
    expect(body.endsWith("… [truncated at 2404 bytes]")).toBe(true);
    expect(body.replace(/\s/g, "")).not.toMatch(/411111/);
    expect(body.length).toBeLessThan(2404 + 40);
  });

  it("records request bodies given as a Request, a stream, bytes or URLSearchParams", async () => {
    const traces: RecordedTrace[] = [];
    const recorder = createTraceRecorder({
      projectId: "prj_t",
      environment: "mock",
      onTrace: (t) => traces.push(t),
    });
    const payload = JSON.stringify({ email: CANARY.email, qty: 1 });
    const asRequest = new Request(`${target.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: payload,
    });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(payload.slice(0, 10)));
        controller.enqueue(new TextEncoder().encode(payload.slice(10)));
        controller.close();
      },
    });
    const answers = [
      await recorder.fetch(asRequest),
      await recorder.fetch(`${target.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
      await recorder.fetch(`${target.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode(payload),
      }),
      await recorder.fetch(`${target.url}/orders`, {
        method: "POST",
        body: new URLSearchParams({ email: CANARY.email, password: "hunter2hunter2" }),
      }),
    ];
    // The target got every body whole: recording took nothing from what was sent.
    for (const answer of answers.slice(0, 3)) {
      expect(((await answer.json()) as { echo: unknown }).echo).toEqual({ email: CANARY.email, qty: 1 });
    }
    expect(target.requests.at(-1)?.body).toBe(
      new URLSearchParams({ email: CANARY.email, password: "hunter2hunter2" }).toString(),
    );
    await recorder.flush();
    expect(traces.map((trace) => trace.request.body)).toEqual([
      { email: "[REDACTED:email]", qty: 1 },
      { email: "[REDACTED:email]", qty: 1 },
      { email: "[REDACTED:email]", qty: 1 },
      "email=[REDACTED:email]&password=[REDACTED:secret]",
    ]);
  });

  it("does not record requests carrying the no-trace header", async () => {
    const traces: RecordedTrace[] = [];
    const recorder = createTraceRecorder({
      projectId: "prj_t",
      environment: "mock",
      onTrace: (t) => traces.push(t),
    });
    await (await recorder.fetch(`${target.url}/text`, { headers: { "x-synapseops-no-trace": "1" } })).text();
    await (await recorder.fetch(`${target.url}/text`)).text();
    await recorder.flush();
    expect(traces).toHaveLength(1);
  });
});

describe("trace recorder: undici interceptor", () => {
  it("records undici.request and fetch through a composed dispatcher, redacted", async () => {
    const from = collector.batches.length;
    const recorder = newRecorder();
    const dispatcher = new Agent().compose(recorder.interceptor());
    const answer = await undiciRequest(`${target.url}/orders${canaryQuery}`, {
      method: "POST",
      dispatcher,
      headers: canaryHeaders,
      body: JSON.stringify(orderBody),
    });
    expect(answer.statusCode).toBe(201);
    expect(((await answer.body.json()) as { echo: unknown }).echo).toEqual(orderBody);
    // undici's fetch streams the request body as an async iterable: captured as it passes.
    const fetched = await undiciFetch(`${target.url}/orders`, {
      method: "POST",
      dispatcher,
      headers: canaryHeaders,
      body: JSON.stringify(orderBody),
    });
    expect(fetched.status).toBe(201);
    await fetched.text();
    const problem = await undiciRequest(`${target.url}/problem`, { dispatcher });
    expect(problem.statusCode).toBe(422);
    await problem.body.text();
    // undici.request does not inflate: the recorder does, for the trace only.
    const zipped = await undiciRequest(`${target.url}/gzip`, { dispatcher });
    expect([...new Uint8Array(await zipped.body.arrayBuffer()).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const down = await unreachableUrl();
    await expect(undiciRequest(`${down}/x`, { dispatcher })).rejects.toThrow();
    await recorder.close();

    const { raw, traces } = received(from);
    expect(traces).toHaveLength(5);
    expect(leaks(raw)).toEqual([]);
    const [viaRequest, viaFetch, problemTrace, zippedTrace, failed] = traces as [
      RecordedTrace,
      RecordedTrace,
      RecordedTrace,
      RecordedTrace,
      RecordedTrace,
    ];
    for (const trace of [viaRequest, viaFetch]) {
      expect(trace.request.method).toBe("POST");
      expect(trace.request.headers.authorization).toBe("Bearer [REDACTED:secret]");
      expect(trace.request.body).toEqual({
        customer: { email: "[REDACTED:email]", dateOfBirth: "[REDACTED:field]", phone: "[REDACTED:phone]" },
        lines: [{ sku: "A-1", note: "pay with [REDACTED:card]" }, ["[REDACTED:iban]"]],
      });
      expect(trace.response?.status).toBe(201);
      expect((trace.response?.body as { customer?: unknown } | undefined)?.customer).toEqual({
        email: "[REDACTED:email]",
        phones: ["[REDACTED:phone]"],
        payment: { iban: "[REDACTED:iban]" },
      });
    }
    expect(viaRequest.request.url).toBe(
      `${target.url}/orders?email=[REDACTED:email]&card=[REDACTED:card]&api_key=[REDACTED:secret]&page=2`,
    );
    expect(problemTrace.response?.status).toBe(422);
    expect(zippedTrace.response?.body).toEqual({ contact: { email: "[REDACTED:email]" }, ok: true });
    expect(failed.response).toBeUndefined();
    expect(failed.error).toMatch(/ECONNREFUSED/);
  });
});

describe("http connector with traces", () => {
  it("records each exchange of the connector, with its secrets hidden", async () => {
    const traces: RecordedTrace[] = [];
    const recorder = createTraceRecorder({
      projectId: "prj_t",
      environment: "sandbox",
      redaction: { keys: ["dateOfBirth"] },
      onTrace: (t) => traces.push(t),
    });
    const connector = http({ traces: recorder });
    const config = connector.parseConfig({
      baseUrl: target.url,
      auth: { type: "bearer", secret: "token" },
      write: { path: "/orders", idempotencyHeader: "Idempotency-Key" },
    });
    const context = connectorTestContext({ secrets: { token: CANARY.token } });
    await connector.write?.(config, orderBody, { ...context, idempotencyKey: "key-1" });
    await recorder.flush();
    expect(traces).toHaveLength(1);
    const [trace] = traces as [RecordedTrace];
    expect(leaks(JSON.stringify(trace))).toEqual([]);
    expect(trace.request).toMatchObject({
      method: "POST",
      url: `${target.url}/orders`,
      headers: { authorization: "Bearer [REDACTED:secret]", "idempotency-key": "key-1" },
    });
    expect(trace.response?.status).toBe(201);
    // The connector itself still worked: the target got the real token.
    expect(target.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY.token}`);
  });
});
