import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { buildGoldenSuite, createMockServer } from "../../src/index";
import { DOCUMENT_ERROR } from "../../src/readiness/suite/schema";
import { collectionAgainstMock, failedCases, suiteAgainstMock } from "./_corpus-classes";

// issue 19, the full sweep's classes where our own requests met a 5xx, a false 400 or no answer
// from our own mock, each in a small document of our own:
// - an operation documenting only `101` (edrv's WebSocket handshake, ReadMe's `/status/101`):
//   a `Response` cannot hold a 1xx, and the mock answered 500;
// - a TRACE operation (httpbin): fetch's `Request` refuses the method, and the mock answered 500;
// - path parameters after the template's `#` (masterpassqr's `/send/#env/v1/partners/{partnerId}/…`):
//   the fragment went to `Headers.get` (500), and no request can carry `partnerId`;
// - an operation answering only 429 (ReadMe's `/status/429`) taken for the rate-limit case;
// - required form and multipart bodies with no required field (seldon, exude), a required binary
//   body (whatsapp's `/media`, qakka): sent empty, refused as missing;
// - templates alike but for parameter names (thenounproject's `/collection/{id}` and
//   `/collection/{slug}`, storagetransfer, xero; VTEX's two `…/orders/{id}/cancel` told apart by
//   their bodies): the mock took the first and refused the other's;
// - a literal segment with spaces (apisetu): the mock compared it with the encoded URL (404);
// - a required query whose example is "" (VTEX): `keyword=` reads as missing;
// - a required parameter no value fits (visagecloud's array with a string `enum`);
// - `Content-Length` and `Transfer-Encoding` as header parameters (PeerTube, Azure Monitor and
//   Data Lake, VTEX): the sample broke the message, and the mock waited or fetch failed.

const json = (schema: unknown) => ({ "application/json": { schema } });
const ok = { description: "ok", content: json({ type: "object" }) };
const problem = { description: "bad request", content: json({ type: "object" }) };
const seldonList = {
  type: "object",
  properties: {
    messages: { type: "array", items: { type: "object", properties: { id: { type: "string" } } } },
  },
};

const document = {
  openapi: "3.0.3",
  info: { title: "Mock classes", version: "1" },
  servers: [{ url: "http://mock.example" }],
  paths: {
    "/realtime": {
      get: {
        operationId: "realtime",
        parameters: [
          { name: "sec-websocket-protocol", in: "header", required: true, schema: { type: "string" } },
        ],
        responses: { "101": { description: "Upgrade connection" } },
      },
    },
    "/status/429": {
      get: { operationId: "status429", responses: { "429": { description: "Too Many Requests" } } },
    },
    "/anything": {
      trace: { operationId: "traceAnything", responses: { "200": ok } },
      get: { operationId: "getAnything", responses: { "200": ok } },
    },
    "/send/#env/v1/partners/{partnerId}/transfers": {
      get: {
        operationId: "listTransfers",
        parameters: [{ name: "partnerId", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": ok, "400": problem },
      },
    },
    "/aggregate": {
      post: {
        operationId: "aggregate",
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: { type: "object", properties: { json: seldonList } },
              encoding: { json: { contentType: "application/json" } },
            },
          },
        },
        responses: { "200": ok, "400": problem },
      },
    },
    "/exude": {
      post: {
        operationId: "exude",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                properties: { data: { type: "string" }, links: { type: "array", items: { type: "string" } } },
              },
            },
          },
        },
        responses: { "200": ok, "400": problem },
      },
    },
    "/media": {
      post: {
        operationId: "uploadMedia",
        requestBody: {
          required: true,
          content: {
            "application/pdf": { schema: { type: "string", format: "binary" } },
            "image/png": { schema: { type: "string", format: "binary" } },
          },
        },
        responses: { "200": ok, "400": problem },
      },
    },
    "/collection/{id}": {
      get: {
        operationId: "getCollection",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "integer", format: "int32" } },
        ],
        responses: { "200": ok, "400": problem },
      },
    },
    "/collection/{slug}": {
      get: {
        operationId: "getCollectionBySlug",
        parameters: [
          { name: "slug", in: "path", required: true, schema: { type: "string", pattern: "^[a-z]+$" } },
        ],
        responses: { "200": ok, "400": problem },
      },
    },
    "/orders/{orderId}/cancel": {
      post: {
        operationId: "cancelFulfillmentOrder",
        requestBody: {
          required: true,
          content: json({ type: "object", required: ["code"], properties: { code: { type: "integer" } } }),
        },
        responses: { "200": ok, "400": problem },
      },
    },
    "/orders/{marketplaceOrderId}/cancel": {
      post: {
        operationId: "cancelMarketplaceOrder",
        requestBody: {
          required: true,
          content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string" } } }),
        },
        responses: { "200": ok, "400": problem },
      },
    },
    "/Your Pull DOC Request API Path": {
      post: { operationId: "pullDoc", responses: { "200": ok, "400": problem } },
    },
    "/pickuppoints/_search": {
      get: {
        operationId: "searchPickupPoints",
        parameters: [
          { name: "keyword", in: "query", required: true, schema: { type: "string", example: "" } },
          { name: "isConnected", in: "query", required: true, schema: { type: "string", default: "" } },
        ],
        responses: { "200": ok, "400": problem },
      },
    },
    "/collection/purpose": {
      put: {
        operationId: "repurposeCollection",
        parameters: [
          {
            name: "purposes",
            in: "query",
            required: true,
            explode: true,
            schema: {
              type: "array",
              items: { type: "string", enum: ["FEATURES", "LANDMARKS"] },
              enum: ["FEATURES", "LANDMARKS"],
            },
          },
        ],
        responses: { "200": ok, "400": problem },
      },
    },
    "/videos/upload-resumable": {
      put: {
        operationId: "uploadChunk",
        parameters: [
          {
            name: "Content-Range",
            in: "header",
            required: true,
            schema: { type: "string", example: "bytes 0-9/10" },
          },
          {
            name: "Content-Length",
            in: "header",
            required: true,
            schema: { type: "number", example: 262144 },
          },
        ],
        requestBody: {
          content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
        },
        responses: { "200": ok, "400": problem },
      },
    },
    "/WebHdfsExt/{path}": {
      post: {
        operationId: "concurrentAppend",
        parameters: [
          { name: "path", in: "path", required: true, schema: { type: "string" } },
          {
            name: "Transfer-Encoding",
            in: "header",
            required: true,
            schema: { type: "string", enum: ["chunked"] },
          },
        ],
        requestBody: {
          required: true,
          content: { "application/octet-stream": { schema: { type: "object", format: "file" } } },
        },
        responses: { "200": ok, "400": problem },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("our own requests against our own mock (issue 19: mock 5xx, false 400s, no answer)", () => {
  it("the suite passes, and counts the fragment's path parameters as the document's own error", async () => {
    const run = await suiteAgainstMock(document);
    expect(failedCases(run)).toEqual([]);
    const fragmentPath = "/send/#env/v1/partners/{partnerId}/transfers";
    const alone = {
      ...document,
      paths: { [fragmentPath]: document.paths?.[fragmentPath] },
    } as OpenApiDocument;
    const fragmentCases = buildGoldenSuite(alone).cases.filter((c) => c.operation === "listTransfers");
    expect(fragmentCases.length).toBeGreaterThan(0);
    for (const goldenCase of fragmentCases)
      expect(goldenCase.notApplicable).toBe(
        `${DOCUMENT_ERROR}: /send/#env/v1/partners/{partnerId}/transfers puts path parameter partnerId after its "#", in a fragment no client sends`,
      );
    // The rate limit is sent to an operation that can answer something else than 429.
    const rate = run.results.find((r) => r.id.startsWith("rate-limit:"));
    expect(rate?.status).toBe("passed");
    expect(rate?.id).not.toBe("rate-limit:status429");
  }, 60_000);

  it("the collection passes, every request answered and none with a 5xx", async () => {
    const { summary, collectionText } = await collectionAgainstMock(document);
    expect(summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
    const codes = Object.fromEntries(summary.run.executions.map((e) => [e.item.name, e.response?.code]));
    expect(Object.keys(codes)).toHaveLength(listOperations(document).length);
    expect(Object.values(codes).every((code) => code !== undefined && code < 500)).toBe(true);
    // The document's own errors are named in the tests, which expect a refusal.
    expect(codes.listTransfers).toBe(400);
    expect(codes.repurposeCollection).toBe(400);
    expect(collectionText).toContain("no value fits purposes: refused");
    expect(collectionText).toContain("the document puts partnerId after the path's");
    // Framing headers are the HTTP client's: no sample of them is sent.
    expect(collectionText).not.toMatch(/"key": "(Content-Length|Transfer-Encoding)"/);
  }, 120_000);

  it("answers a 1xx-only operation, a TRACE and a fragment path without a 5xx", async () => {
    const { url, close } = await createMockServer(document).listen();
    try {
      const realtime = await fetch(`${url}/realtime`, { headers: { "sec-websocket-protocol": "jwt" } });
      expect(realtime.status).toBe(200);
      const sent = await fetch(`${url}/send/`);
      expect(sent.status).toBe(400);
      const { request } = await import("node:http");
      const trace = await new Promise<number>((resolve, reject) =>
        request(`${url}/anything`, { method: "TRACE" }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end(),
      );
      expect(trace).toBe(200);
      // Alike templates: the one whose parameters the request fits.
      expect((await fetch(`${url}/collection/12`)).status).toBe(200);
      expect((await fetch(`${url}/collection/icons`)).status).toBe(200);
      expect((await fetch(`${url}/collection/Icons`)).status).toBe(400);
      const cancel = (body: unknown) =>
        fetch(`${url}/orders/1-01/cancel`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      expect((await cancel({ reason: "unavailable" })).status).toBe(200);
      expect((await cancel({ code: 3 })).status).toBe(200);
      expect((await cancel({})).status).toBe(400);
      expect(
        (await fetch(`${url}/Your%20Pull%20DOC%20Request%20API%20Path`, { method: "POST" })).status,
      ).toBe(200);
      // A 101 asked for with `Prefer` is no answer either.
      expect(
        (await fetch(`${url}/realtime`, { headers: { prefer: "code=101", "sec-websocket-protocol": "jwt" } }))
          .status,
      ).toBe(200);
    } finally {
      await close();
    }
  });
});
