import { listOperations, type OpenApiDocument, type TestRun } from "@synapseops/core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { writeOut } from "../../src/_test/specs";
import { typecheck } from "../../src/_test/tsc";
import {
  buildGoldenSuite,
  createMockServer,
  generateSdkPython,
  generateSdkTs,
  startMockEnvironment,
} from "../../src/index";
import { CASE_HEADER } from "../../src/readiness/_exchange";
import { paginationShape } from "../../src/readiness/_features";
import { DOCUMENT_ERROR } from "../../src/readiness/suite/schema";
import { failedCases, suiteAgainstMock } from "./_corpus-classes";

// issue 19, readiness holds on real documents: the classes the full sweep still failed at 99.0 %,
// each in a small document of our own.
// - lazy quantifiers in patterns (`[0-9]{12}?`, `.+?`: AWS Inspector2, HealthLake) broke the
//   sampler, so mock bodies broke their own ARN patterns;
// - `maxProperties` was not honoured (Amadeus' error `source`), so the mock fell back to a
//   documented example that breaks the schema (`/data must be object`);
// - schemas no body can satisfy, nested in what a body must carry (App Runner's 36-character
//   UUID pattern with `maxLength: 32`, ShipEngine's `link` forbidding its required `href`), are
//   the document's own error, and the mock still pages them consistently;
// - pagination: an offset in steps of `multipleOf` (NYT Books), a `date-time` filter named
//   `after` taken for the cursor (intellifi), a `format: uri` next link beside a cursor
//   parameter (InfluxData, pointed at https://example.com), a cursor parameter no response fills
//   (Google Books: a "gap"), a next marker nested as `paging.next.after` (HubSpot CMS);
// - a required query parameter documented with `default: ""` (VTEX) was sent empty, so every
//   request of its operation was refused by our own mock (400 after the injected faults);
// - a webhook property two `allOf` parts define (GitHub's `assignees`) was sampled from the
//   looser part, so the signed delivery broke the receiver's schema (400);
// - a large schema's first answer (App Store Connect: 5 s to compile its validator) blocked the
//   attempt after the injected slow one, so `timeouts-retries` measured the mock's cold start;
// - a `page` parameter that is no integer (domainsdb's string, pandascore's `integer | object`)
//   got a page-number iterator that does not compile (tsc, mypy --strict).

const json = (schema: unknown) => ({ "application/json": { schema } });
const ok = (schema: unknown) => ({ "200": { description: "ok", content: json(schema) } });
const get = (operationId: string, schema: unknown, parameters: unknown[] = []) => ({
  get: { operationId, parameters, responses: ok(schema) },
});
const query = (name: string, schema: unknown, required = false) => ({ name, in: "query", required, schema });
const listOf = (field: string, extra: Record<string, unknown> = {}) => ({
  type: "object",
  required: [field],
  properties: { [field]: { type: "array", items: { $ref: "#/components/schemas/Item" } }, ...extra },
});

const inspectorArn =
  "^arn:aws(-(us-gov|cn))?:kms:([a-z0-9][-.a-z0-9]{0,62})?:[0-9]{12}?:key/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}|mrk-[0-9a-zA-Z]{32})$";
const healthlakeArn = "^arn:aws((-us-gov)|(-iso)|(-cn))?:healthlake:[a-zA-Z0-9-]+:[0-9]{12}:datastore/.+?";
const uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}";

const document = {
  openapi: "3.0.3",
  info: { title: "Ready classes", version: "1" },
  servers: [{ url: "http://ready.example" }],
  paths: {
    "/keys/{id}": get(
      "getKey",
      {
        type: "object",
        required: ["kmsKeyId", "datastoreArn"],
        properties: {
          kmsKeyId: { type: "string", pattern: inspectorArn },
          datastoreArn: { type: "string", pattern: healthlakeArn },
        },
      },
      [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
    ),
    "/locations/{id}": {
      get: {
        operationId: "getLocation",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "ok",
            content: {
              "application/json": {
                // The documented example breaks its own schema: `data` is an object.
                example: { data: [{ id: "Q1" }] },
                schema: {
                  type: "object",
                  required: ["data"],
                  properties: {
                    data: { type: "object", properties: { id: { type: "string" } } },
                    warnings: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          source: {
                            type: "object",
                            maxProperties: 1,
                            properties: {
                              parameter: { type: "string" },
                              pointer: { type: "string" },
                              example: { type: "string" },
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
        },
      },
    },
    "/services/{id}": get(
      "getService",
      {
        type: "object",
        required: ["service"],
        properties: {
          service: {
            allOf: [{ $ref: "#/components/schemas/Service" }, { description: "the service" }],
          },
        },
      },
      [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
    ),
    "/shipments": get(
      "listShipments",
      {
        ...listOf("shipments", {
          total: { type: "integer", example: 1990 },
          links: { $ref: "#/components/schemas/PaginationLinks" },
        }),
        required: ["shipments", "links"],
      },
      [query("page", { type: "integer", minimum: 1 })],
    ),
    "/layers": get("listLayers", listOf("items", { totalItems: { type: "integer" } }), [
      query("pageToken", { type: "string" }),
      query("maxResults", { type: "integer" }),
    ]),
    "/domains": get(
      "listDomains",
      listOf("results", {
        total: { type: "integer" },
        paging: {
          type: "object",
          properties: {
            next: {
              type: "object",
              required: ["after"],
              properties: { after: { type: "string" }, link: { type: "string" } },
            },
          },
        },
      }),
      [query("after", { type: "string" }), query("limit", { type: "integer" })],
    ),
    "/lists": get("listBestSellers", listOf("results", { num_results: { type: "integer" } }), [
      query("offset", { type: "integer", multipleOf: 20 }),
    ]),
    "/blobs": get("listBlobs", listOf("results", { next_url: { type: "string" } }), [
      query("after", { type: "string", format: "date-time" }),
      query("limit", { type: "integer" }),
    ]),
    "/buckets": get(
      "listBuckets",
      listOf("buckets", {
        links: {
          type: "object",
          required: ["self"],
          properties: {
            next: { type: "string", format: "uri" },
            self: { type: "string", format: "uri" },
          },
        },
      }),
      [
        query("offset", { type: "integer", minimum: 0 }),
        query("limit", { type: "integer", minimum: 1 }),
        query("after", { type: "string" }),
      ],
    ),
    "/leads": get("listLeads", { type: "object", properties: { name: { type: "string" } } }, [
      query("isConnected", { type: "string", default: "" }, true),
    ]),
  },
  "x-webhooks": {
    issuesMilestoned: {
      post: {
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["issue"],
                properties: {
                  issue: {
                    allOf: [
                      {
                        type: "object",
                        required: ["assignees", "closed_at"],
                        properties: {
                          assignees: { type: "array", items: {} },
                          closed_at: { type: "string" },
                        },
                      },
                      {
                        type: "object",
                        required: ["assignees"],
                        properties: {
                          closed_at: { type: "string", format: "date-time" },
                          assignees: {
                            type: "array",
                            items: {
                              type: "object",
                              required: ["login"],
                              properties: { login: { type: "string" } },
                            },
                          },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        },
        responses: { "200": { description: "received" } },
      },
    },
  },
  components: {
    schemas: {
      Item: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
      Service: {
        type: "object",
        required: ["serviceId"],
        properties: { serviceId: { type: "string", pattern: uuid, minLength: 32, maxLength: 32 } },
      },
      OptionalLink: {
        type: "object",
        additionalProperties: false,
        properties: { href: { type: "string" } },
      },
      Link: {
        type: "object",
        additionalProperties: false,
        allOf: [{ $ref: "#/components/schemas/OptionalLink" }],
        required: ["href"],
      },
      PaginationLinks: {
        type: "object",
        required: ["first"],
        properties: { first: { allOf: [{ $ref: "#/components/schemas/Link" }] } },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("the golden suite against its own mock on the sweep's last readiness classes (issue 19)", () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await suiteAgainstMock(document, { maxCasesPerCategory: 20 });
  }, 60_000);
  const status = (id: string) => run.results.find((r) => r.id === id)?.status;

  it("fails no case: bodies fit their patterns, pages walk to their totals, webhooks validate", () => {
    expect(failedCases(run)).toEqual([]);
    for (const id of ["schema:getKey", "schema:getLocation", "webhooks:issuesMilestoned", "schema:listLeads"])
      expect(status(id), id).toBe("passed");
    for (const list of ["listShipments", "listDomains", "listBestSellers", "listBlobs", "listBuckets"])
      expect(status(`pagination:${list}`), list).toBe("passed");
  });

  it("counts a success schema no body can satisfy as the document's own error, saying where", () => {
    const service = run.results.find((r) => r.id === "schema:getService");
    expect(service?.status).toBe("n/a");
    expect(service?.reason).toContain(DOCUMENT_ERROR);
    expect(service?.reason).toContain("/service/serviceId");
    const shipments = run.results.find((r) => r.id === "schema:listShipments");
    expect(shipments?.reason).toContain(
      '/links/first: additionalProperties: false forbids the required "href"',
    );
  });

  it("builds no walk for a cursor parameter no response fills", () => {
    const layers = listOperations(document).find((op) => op.operationId === "listLayers")!;
    expect(paginationShape(document, layers)).toBeUndefined();
    expect(status("pagination:listLayers")).toBeUndefined();
  });
});

describe("the mock's pages on the sweep's last readiness classes (issue 19)", () => {
  const mock = createMockServer(document);

  it("serves an offset in steps of multipleOf as pages of that size", async () => {
    const list = listOperations(document).find((op) => op.operationId === "listBestSellers")!;
    expect(paginationShape(document, list)?.pageSize).toBe(20);
    expect((await mock.fetch("http://ready.example/lists")).status).toBe(200);
  });

  it("points a format: uri next link beside a cursor parameter at its own origin", async () => {
    const { url, close } = await mock.listen();
    try {
      const first = (await (await fetch(`${url}/buckets?limit=1`)).json()) as { links: { next?: string } };
      expect(new URL(String(first.links.next)).origin).toBe(new URL(url).origin);
    } finally {
      await close();
    }
  });
});

describe("page-number iterators in the SDKs (issue 19, domainsdb tsc, pandascore mypy)", () => {
  const paged = (operationId: string, page: unknown) => ({
    get: {
      operationId,
      parameters: [{ name: "page", in: "query", schema: page }],
      responses: ok({ type: "array", items: { type: "string" } }),
    },
  });
  const sdkDocument = {
    openapi: "3.0.3",
    info: { title: "Pages", version: "1" },
    paths: {
      "/stats": paged("listStats", { type: "string" }),
      "/matches": paged("listMatches", {
        oneOf: [{ type: "integer" }, { type: "object", properties: { number: { type: "integer" } } }],
      }),
      "/leagues": paged("listLeagues", { type: "integer", minimum: 1 }),
    },
  } as unknown as OpenApiDocument;
  const input = { document: sdkDocument, operations: listOperations(sdkDocument) };

  it("are generated only for an integer page, and the TS SDK compiles under --strict", async () => {
    const files = generateSdkTs(input);
    const operations = String(files.find((f) => f.path.endsWith("operations.ts"))?.contents);
    expect(operations).toContain("function listLeaguesPages(");
    expect(operations).not.toContain("function listStatsPages(");
    expect(operations).not.toContain("function listMatchesPages(");
    writeOut("corpus-ready-classes/sdk-ts", files);
    const errors = await typecheck(["corpus-ready-classes/sdk-ts"]);
    expect(errors.get("corpus-ready-classes/sdk-ts")).toEqual([]);
  }, 120_000);

  it("are generated only for an integer page in the Python SDK", () => {
    const client = generateSdkPython(input)
      .map((f) => String(f.contents))
      .join("\n");
    expect(client).toContain("def iter_list_leagues(");
    expect(client).not.toContain("def iter_list_stats(");
    expect(client).not.toContain("def iter_list_matches(");
  });
});

describe("the mock environment's retry faults (issue 19, App Store Connect)", () => {
  it("builds the operation's answer after the injected 503, so the attempt after the slow one meets no cold start", async () => {
    const suite = buildGoldenSuite(document);
    const arrived: (string | null)[] = [];
    const environment = await startMockEnvironment(suite, {
      operationHint: (request) => {
        arrived.push(request.headers.get(CASE_HEADER));
        return "listLeads";
      },
    });
    try {
      const first = await fetch(`${environment.baseUrl}/leads?isConnected=yes`, {
        headers: { [CASE_HEADER]: "timeouts-retries:listLeads" },
      });
      expect(first.status).toBe(503);
      await vi.waitFor(() => expect(arrived).toEqual(["timeouts-retries:listLeads", null]));
    } finally {
      await environment.close();
    }
  });
});
