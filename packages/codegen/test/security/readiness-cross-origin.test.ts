import { loadOpenApiSync, type TestRun } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGoldenSuite, runSuite } from "../../src/index";
import { type LocalOrigin, startOrigin, withSecrets } from "./two-origins";

// issue 19.1: the readiness suite sent `authorization: Bearer <secret>` to whatever host a
// `Link: rel="next"` named. Credentials go only to the environment's origin.
const TOKEN = "suite-secret-token-7f3a9c";
const API_KEY = "suite-secret-key-51d0e2";

const doc = loadOpenApiSync(
  JSON.stringify({
    openapi: "3.0.3",
    info: { title: "Two origins", version: "1.0.0" },
    security: [{ bearerAuth: [], apiKey: [] }],
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer" },
        apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
      },
      schemas: {
        Item: { type: "object", required: ["id"], properties: { id: { type: "integer" } } },
      },
    },
    paths: {
      "/items": {
        get: {
          operationId: "listItems",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1 } }],
          responses: {
            "200": {
              description: "a page",
              headers: { Link: { schema: { type: "string" } } },
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["items"],
                    properties: { items: { type: "array", items: { $ref: "#/components/schemas/Item" } } },
                  },
                },
              },
            },
            "401": { description: "no credentials" },
          },
        },
      },
      "/items/{id}": {
        get: {
          operationId: "getItem",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          responses: {
            "200": {
              description: "an item",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
            },
            "401": { description: "no credentials" },
            "404": { description: "not found" },
          },
        },
      },
    },
  }),
);

describe("the readiness suite keeps credentials on the environment's origin (two real servers)", () => {
  let partner: LocalOrigin;
  let other: LocalOrigin;
  let run: TestRun;

  beforeAll(async () => {
    other = await startOrigin((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ items: [{ id: 3 }] }));
    });
    partner = await startOrigin((request, response) => {
      const authorised =
        request.headers.authorization === `Bearer ${TOKEN}` && request.headers["x-api-key"] === API_KEY;
      if (!authorised) {
        response.writeHead(401).end();
        return;
      }
      const url = new URL(request.url ?? "/", "http://x");
      if (url.pathname === "/items") {
        // The next page lives on another origin.
        response.writeHead(200, {
          "content-type": "application/json",
          link: `<${other.url}/items?page=2>; rel="next"`,
        });
        response.end(JSON.stringify({ items: [{ id: 1 }, { id: 2 }] }));
        return;
      }
      // Every item has moved to the other origin.
      response.writeHead(307, { location: `${other.url}${url.pathname}` }).end();
    });
    const suite = buildGoldenSuite(doc);
    run = await runSuite(suite, {
      environment: {
        name: "sandbox",
        baseUrl: partner.url,
        secrets: { bearerAuth: "token", apiKey: "key" },
      },
      secrets: (key) => (key === "token" ? TOKEN : key === "key" ? API_KEY : undefined),
    });
  }, 60_000);

  afterAll(async () => {
    await partner?.close();
    await other?.close();
  });

  it("sends the other origin no credential at all (no request, no redirect followed)", () => {
    expect(partner.seen.length).toBeGreaterThan(0);
    expect(withSecrets(partner.seen, [TOKEN, API_KEY]).length).toBeGreaterThan(0);
    expect(withSecrets(other.seen, [TOKEN, API_KEY])).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it("reports the cross-origin next link as a finding of the pagination case", () => {
    const pagination = run.results.find((r) => r.id === "pagination:listItems");
    expect(pagination?.status).toBe("failed");
    expect(pagination?.failure?.message).toContain("another origin");
    expect(pagination?.failure?.message).toContain(other.url);
    expect(pagination?.failure?.pointer).toBe("/response/headers/link");
  });

  it("does not follow the cross-origin redirect: the case sees the 307", () => {
    const redirected = run.results.flatMap((r) => r.exchanges).filter((e) => e.response?.status === 307);
    expect(redirected.length).toBeGreaterThan(0);
    for (const exchange of redirected) expect(exchange.request.url.startsWith(partner.url)).toBe(true);
  });

  it("refuses a case request to another origin that would carry credentials", async () => {
    const suite = buildGoldenSuite(doc);
    const probe = {
      ...suite,
      cases: [
        {
          id: "schema:probe",
          category: "schema" as const,
          name: "probe",
          async run(ctx: {
            send: (r: { method: string; path: string; credentials?: boolean }) => Promise<unknown>;
          }) {
            await ctx.send({ method: "GET", path: `${other.url}/items` });
          },
        },
      ],
    };
    const before = other.seen.length;
    const result = await runSuite(probe, {
      environment: {
        name: "sandbox",
        baseUrl: partner.url,
        variables: { bearerAuth: TOKEN, apiKey: API_KEY },
      },
    });
    expect(result.results[0]?.status).toBe("failed");
    expect(result.results[0]?.failure?.message).toContain("another origin");
    expect(other.seen.length).toBe(before);
  });
});
