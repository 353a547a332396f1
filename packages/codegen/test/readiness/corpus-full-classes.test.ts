import { listOperations, type OpenApiDocument, type TestRun } from "@synapseops/core";
import { beforeAll, describe, expect, it } from "vitest";
import { createMockServer } from "../../src/index";
import { paginationShape } from "../../src/readiness/_features";
import { collectionAgainstMock, failedCases, suiteAgainstMock } from "./_corpus-classes";

// issue 19, the classes the 400-document and full-corpus sweeps found beyond the CI sample, each
// in a small document of our own:
// - two parameters in one path segment (`/es/{pageName}{mediaTypeExtension}`, healthcare.gov):
//   the mock's router split `about.json` greedily and refused the extension `n`;
// - a HEAD operation documenting a JSON body (Open Banking `headAtms`): the suite checked the
//   empty HEAD body against the schema;
// - templates that differ only in their parameters' names (Google's `{+name}` flattened:
//   `/v1/admin/{name}/subscriptions` beside `/v1/admin/{parent}/subscriptions`): the mock
//   answered one operation's body to the other's case;
// - mock bodies that broke their own schema: a schema example of another type (Vimeo's
//   `active: {type: boolean, example: "true"}`), an enum no value of the type fits (Visual
//   Studio's `{type: integer, enum: ["0 (User)"]}`), also as array items;
// - an optional `Accept-Language` header parameter with an enum (pims.io): fetch sends `*` when
//   the request sets none, and the mock refused it with 400;
// - a `start` query parameter that is a `date-time` filter beside `page` (Spinitron): taken for
//   the offset, page 2 was `start=2` (400);
// - a required form field `{type: array, items: {}}` (Twilio Events' `Types`): its sample `[{}]`
//   encodes to nothing, so every output's request read as missing it (400);
// - `required` beside `type: array` (VTEX's SKU complement): Postman's shape test asked the
//   array for the object's members;
// - paths that differ in an empty segment (TomTom's `/wms/` and `/wms//`): Postman dropped it,
//   and GetCapabilities reached GetMap (400);
// - a query written into the path template (icons8's `/categories?platform={platform}`, its
//   parameters `in: path`): the mock matched no route (404);
// - a form body whose schema is an `allOf` (mineskin): the mock checked none of its fields;
// - a page-numbered bare array with `minItems: 1` and no size parameter (discourse): no empty
//   page can end it, so the walk asked past the end and met the first item again;
// - objects in a form-style query array (AWS ElastiCache's `Tags`): sent as JSON text, which the
//   mock did not read back (400 "must be object");
// - a "wrong type" string for a form list of strings (SalesLoft's `data`): `data=x` is a valid
//   one-item list, so the validation case expected a refusal no server owes; and its required
//   `recording: {type: object}` without properties encoded to nothing (400);
// - a next link in a marker object that requires another member (apideck's `links` requires
//   `current`): the last page's `{next: null}` broke the schema, the mock fell back to its plain
//   sample, and page 3 repeated page 1's item;
// - a required `offset` beside a `links.next` URL (metadapi): the walk started at the sampled
//   `offset=1`, an empty page, and then followed the plain sample's `next: "string"` (400);
// - `format: ""` on a required query parameter (hhs.gov's `q`): sampled as an empty string (400);
// - a query the path template writes for a parameter `in: query` (medium's
//   `/search/articles?query={query}`): sent as `query={query}&query=startup` (400), and the
//   validation case "left it out" while the template still carried it (200);
// - a required query parameter of an operation told apart by its fragment (box's `PUT
//   /files/{file_id}#remove_shared_link` beside `PUT /files/{file_id}`): left out, the request is
//   the sibling's, and its 200 is no missed refusal;
// - literal query pairs in the template beside a query parameter (freetv's
//   `/services?funcs=GetLatestNews&mobile=1` and `language`): Postman appended `?language=US`
//   after the template's own `?`, so `language` was never read (400);
// - a list whose documented example leaves the item array out (truora's `{check: …}` for
//   `continuous_checks`): the mock answered the example, and the walk found no item array;
// - a required query object, `form` and exploded (seldon's `body: {seldonMessages: […]}`, SQS's
//   `Tags` map): its sample `{}` encoded to nothing, and the mock read no pair back (400);
// - a body declared `*/*` with a string schema (apicurio's search by content): Postman sent the
//   string raw under `Content-Type: application/json` (400 "not valid JSON").

const json = (schema: unknown) => ({ "application/json": { schema } });

const document = {
  openapi: "3.0.3",
  info: { title: "Full-corpus classes", version: "1" },
  servers: [{ url: "http://pages.example" }],
  paths: {
    "/es/{pageName}{mediaTypeExtension}": {
      get: {
        operationId: "getPage",
        parameters: [
          {
            name: "mediaTypeExtension",
            in: "path",
            required: true,
            schema: { type: "string", enum: [".json"] },
          },
          { name: "pageName", in: "path", required: true, schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "a page",
            content: json({ type: "object", required: ["title"], properties: { title: { type: "string" } } }),
          },
          "404": { description: "no such page" },
        },
      },
    },
    "/v1/{name}/subscriptions": {
      get: {
        operationId: "listTopicSubscriptions",
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "subscription names",
            content: json({
              type: "object",
              properties: { subscriptions: { type: "array", items: { type: "string" } } },
            }),
          },
        },
      },
    },
    "/v1/{parent}/subscriptions": {
      get: {
        operationId: "listSubscriptions",
        parameters: [{ name: "parent", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "subscriptions",
            content: json({
              type: "object",
              properties: {
                subscriptions: { type: "array", items: { $ref: "#/components/schemas/Subscription" } },
              },
            }),
          },
        },
      },
    },
    "/pictures/{pictureId}": {
      get: {
        operationId: "getPicture",
        parameters: [{ name: "pictureId", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "a picture", content: json({ $ref: "#/components/schemas/Picture" }) },
        },
      },
    },
    "/price-ranges/{priceRangeId}": {
      get: {
        operationId: "fetchOnePriceRange",
        parameters: [
          { name: "priceRangeId", in: "path", required: true, schema: { type: "integer" } },
          { name: "Accept-Language", in: "header", schema: { type: "string", enum: ["de", "en", "fr"] } },
        ],
        responses: {
          "200": {
            description: "one",
            content: json({ type: "object", properties: { id: { type: "integer" } } }),
          },
          "400": { description: "bad request", content: json({ type: "object", required: ["code"] }) },
        },
      },
    },
    "/spins": {
      get: {
        operationId: "getSpins",
        parameters: [
          { name: "start", in: "query", schema: { type: "string", format: "date-time" } },
          { name: "count", in: "query", schema: { type: "integer", minimum: 1 } },
          { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: {
          "200": {
            description: "a page of spins",
            content: json({
              type: "object",
              required: ["items"],
              properties: {
                items: {
                  type: "array",
                  items: { type: "object", required: ["id"], properties: { id: { type: "integer" } } },
                },
              },
            }),
          },
        },
      },
    },
    "/subscriptions": {
      post: {
        operationId: "createSubscription",
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["Description", "Types"],
                properties: { Description: { type: "string" }, Types: { type: "array", items: {} } },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "created",
            content: json({ type: "object", properties: { sid: { type: "string" } } }),
          },
          "400": { description: "bad request", content: json({ type: "object", required: ["code"] }) },
        },
      },
    },
    "/complements/{complementId}": {
      get: {
        operationId: "getComplement",
        parameters: [{ name: "complementId", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          "200": {
            description: "the complements",
            content: json({
              type: "array",
              required: ["Id"],
              items: { type: "object", properties: { Id: { type: "integer" } } },
            }),
          },
        },
      },
    },
    "/wms/": {
      get: {
        operationId: "getMap",
        parameters: [
          { name: "request", in: "query", required: true, schema: { type: "string", enum: ["GetMap"] } },
        ],
        responses: { "200": { description: "a map", content: json({ type: "object" }) } },
      },
    },
    "/wms//": {
      get: {
        operationId: "getCapabilities",
        parameters: [
          {
            name: "request",
            in: "query",
            required: true,
            schema: { type: "string", enum: ["GetCapabilities"] },
          },
        ],
        responses: { "200": { description: "what the service can do", content: json({ type: "object" }) } },
      },
    },
    "/icons/categories?platform={platform}": {
      get: {
        operationId: "listCategories",
        parameters: [
          {
            name: "platform",
            in: "path",
            required: true,
            schema: { type: "string", enum: ["ios7", "win10"] },
          },
        ],
        responses: { "200": { description: "categories", content: json({ type: "object" }) } },
      },
    },
    "/skins": {
      post: {
        operationId: "generateSkin",
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                allOf: [
                  {
                    type: "object",
                    required: ["model"],
                    properties: { model: { type: "string", enum: ["slim", "classic"] } },
                  },
                ],
              },
            },
          },
        },
        responses: {
          "200": { description: "a skin", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/users": {
      get: {
        operationId: "listUsers",
        parameters: [{ name: "page", in: "query", schema: { type: "integer" } }],
        responses: {
          "200": {
            description: "a page of users",
            content: json({
              type: "array",
              minItems: 1,
              uniqueItems: true,
              items: { type: "object", required: ["id"], properties: { id: { type: "integer" } } },
            }),
          },
        },
      },
    },
    "/tags": {
      get: {
        operationId: "addTags",
        parameters: [
          {
            name: "Tags",
            in: "query",
            required: true,
            schema: {
              type: "array",
              items: { allOf: [{ type: "object", properties: { Key: { type: "string" } } }] },
            },
          },
        ],
        responses: { "200": { description: "tagged", content: json({ type: "object" }) } },
      },
    },
    "/bulk": {
      post: {
        operationId: "addJobData",
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["data", "recording"],
                properties: {
                  data: { type: "array", items: { type: "string" } },
                  recording: { type: "object" },
                },
              },
            },
          },
        },
        responses: {
          "200": { description: "added", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/listings": {
      get: {
        operationId: "listListings",
        parameters: [
          { name: "cursor", in: "query", schema: { type: "string" } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: {
          "200": {
            description: "a page of listings",
            content: json({
              type: "object",
              required: ["data"],
              properties: {
                data: {
                  type: "array",
                  items: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
                },
                links: {
                  type: "object",
                  required: ["current"],
                  properties: { current: { type: "string" }, next: { type: "string" } },
                },
              },
            }),
          },
        },
      },
    },
    "/msa-groups": {
      get: {
        operationId: "listMsaGroups",
        parameters: [
          {
            name: "limit",
            in: "query",
            required: true,
            schema: { type: "integer", minimum: 1, maximum: 50 },
          },
          { name: "offset", in: "query", required: true, schema: { type: "integer", minimum: 0 } },
          { name: "q", in: "query", required: true, schema: { type: "string", format: "" } },
        ],
        responses: {
          "200": {
            description: "a page of groups",
            content: json({
              type: "object",
              properties: {
                data: {
                  type: "array",
                  minItems: 1,
                  items: {
                    type: "object",
                    required: ["msaCode"],
                    properties: { msaCode: { type: "string" } },
                  },
                },
                links: { type: "object", properties: { next: { type: "string" } } },
              },
            }),
          },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/search/articles?query={query}": {
      get: {
        operationId: "searchArticles",
        parameters: [{ name: "query", in: "query", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "articles", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/files/{fileId}": {
      put: {
        operationId: "updateFile",
        parameters: [{ name: "fileId", in: "path", required: true, schema: { type: "string" } }],
        requestBody: { content: json({ type: "object", properties: { name: { type: "string" } } }) },
        responses: { "200": { description: "updated", content: json({ type: "object" }) } },
      },
    },
    "/files/{fileId}#remove_shared_link": {
      put: {
        operationId: "removeSharedLink",
        parameters: [
          { name: "fileId", in: "path", required: true, schema: { type: "string" } },
          { name: "fields", in: "query", required: true, schema: { type: "string" } },
        ],
        requestBody: { content: json({ type: "object", properties: { shared_link: { nullable: true } } }) },
        responses: {
          "200": { description: "updated", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/services?funcs=GetLatestNews&mobile=1": {
      get: {
        operationId: "getLatestNews",
        parameters: [
          { name: "language", in: "query", required: true, schema: { type: "string", example: "US" } },
        ],
        responses: {
          "200": { description: "news", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/continuous-checks": {
      get: {
        operationId: "listContinuousChecks",
        responses: {
          "200": {
            description: "a page of checks",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    continuous_checks: {
                      type: "array",
                      items: { type: "object", properties: { id: { type: "string" } } },
                    },
                    next: { type: "string" },
                  },
                },
                examples: { one: { value: { check: { id: "CHK1" } } } },
              },
            },
          },
        },
      },
    },
    "/aggregate": {
      get: {
        operationId: "aggregate",
        parameters: [
          {
            name: "body",
            in: "query",
            required: true,
            schema: {
              type: "object",
              properties: {
                messages: {
                  type: "array",
                  items: { type: "object", properties: { text: { type: "string" } } },
                },
              },
            },
          },
        ],
        responses: {
          "200": { description: "aggregated", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/queues/tag": {
      get: {
        operationId: "tagQueue",
        parameters: [
          { name: "QueueUrl", in: "query", required: true, schema: { type: "string" } },
          {
            name: "Tags",
            in: "query",
            required: true,
            schema: { type: "object", additionalProperties: { type: "string" } },
          },
        ],
        responses: {
          "200": { description: "tagged", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/search/artifacts": {
      post: {
        operationId: "searchByContent",
        requestBody: { required: true, content: { "*/*": { schema: { type: "string" } } } },
        responses: {
          "200": { description: "found", content: json({ type: "object" }) },
          "400": { description: "bad request", content: json({ type: "object" }) },
        },
      },
    },
    "/atms": {
      head: {
        operationId: "headAtms",
        responses: {
          "200": {
            description: "the ATMs (a HEAD answer carries none of it)",
            content: json({ type: "object", required: ["data"], properties: { data: { type: "array" } } }),
          },
          "400": { description: "bad request", content: json({ type: "object", required: ["code"] }) },
        },
      },
    },
  },
  components: {
    schemas: {
      Subscription: {
        type: "object",
        required: ["name", "topic"],
        properties: { name: { type: "string" }, topic: { type: "string" } },
      },
      Picture: {
        type: "object",
        required: ["active", "link"],
        properties: {
          active: { type: "boolean", example: "true" },
          link: { type: "string" },
          ownerType: { type: "integer", format: "int32", enum: ["0 (User)", "1 (Organization)"] },
          ports: { type: "array", items: { type: "integer", enum: ["0 (Public)"] } },
        },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("the mock's router on parameters sharing a path segment (issue 19, healthcare.gov)", () => {
  const mock = createMockServer(document);

  it("splits `about.json` at the extension's enum value, not greedily", async () => {
    const response = await mock.fetch("http://pages.example/es/about.json");
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { title?: unknown }).title).toEqual(expect.any(String));
  });

  it("reads a parameter of a query written into the template from the request's query", async () => {
    expect((await mock.fetch("http://pages.example/icons/categories?platform=win10")).status).toBe(200);
    expect((await mock.fetch("http://pages.example/icons/categories?platform=dos")).status).toBe(400);
  });

  it("checks the fields of a form body whose schema is an allOf (mineskin)", async () => {
    const post = (body: string) =>
      mock.fetch("http://pages.example/skins", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    expect((await post("model=slim")).status).toBe(200);
    expect((await post("model=square")).status).toBe(400);
  });

  it("reads objects in a form query array from the JSON text our outputs send", async () => {
    const tags = (value: string) => mock.fetch(`http://pages.example/tags?Tags=${encodeURIComponent(value)}`);
    expect((await tags('{"Key":"env"}')).status).toBe(200);
    expect((await tags('{"Key":1}')).status).toBe(400);
  });

  it("matches no route when the enum value is missing", async () => {
    expect((await mock.fetch("http://pages.example/es/about.xml")).status).toBe(404);
  });
});

describe("the mock on templates that differ only in parameter names (issue 19, Google Pub/Sub Lite)", () => {
  it("answers the hinted operation, else the first in document order", async () => {
    const hinted = createMockServer(document, { operationHint: (r) => r.headers.get("x-op") ?? undefined });
    const url = "http://pages.example/v1/p1/subscriptions";
    const bodyOf = async (headers: Record<string, string>) =>
      ((await (await hinted.fetch(url, { headers })).json()) as { subscriptions: unknown[] })
        .subscriptions[0];
    expect(await bodyOf({ "x-op": "listSubscriptions" })).toEqual({ name: "string", topic: "string" });
    expect(await bodyOf({ "x-op": "listTopicSubscriptions" })).toEqual("string");
    expect(await bodyOf({})).toEqual("string");
  });
});

describe("the mock's bodies keep to their own schema (issue 19, Vimeo, Visual Studio)", () => {
  it("samples no example of another type and leaves out what no value fits", async () => {
    const picture = (await (
      await createMockServer(document).fetch("http://pages.example/pictures/p1")
    ).json()) as Record<string, unknown>;
    expect(picture.active).toBe(true);
    expect(picture).not.toHaveProperty("ownerType");
    expect(picture.ports ?? []).toEqual([]);
  });
});

describe("the golden suite against its own mock on the full corpus's classes (issue 19)", () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await suiteAgainstMock(document, { maxCasesPerCategory: 40 });
  }, 60_000);

  it("fails no case", () => {
    expect(failedCases(run)).toEqual([]);
  });

  it("pages by `page`, not by a `start` that is a date-time filter", () => {
    expect(
      paginationShape(document, listOperations(document).find((op) => op.operationId === "getSpins")!),
    ).toMatchObject({
      kind: "page",
      param: "page",
    });
    expect(run.results.find((r) => r.id === "pagination:getSpins")?.status).toBe("passed");
    expect(run.results.find((r) => r.id === "pagination:listUsers")?.status).toBe("passed");
  });

  it("walks a cursor list whose marker object requires another member, and a required offset from 0", () => {
    for (const id of [
      "pagination:listListings",
      "pagination:listMsaGroups",
      "pagination:listContinuousChecks",
    ])
      expect(run.results.find((r) => r.id === id)?.status, id).toBe("passed");
    const first = run.results.find((r) => r.id === "pagination:listMsaGroups")?.exchanges[0]?.request.url;
    expect(new URL(String(first), "http://x").searchParams.get("offset")).toBe("0");
    expect(new URL(String(first), "http://x").searchParams.get("q")).toBe("string");
  });

  it("sends an optional Accept-Language with a valid value, not fetch's `*`", () => {
    const exchange = run.results.find((r) => r.id === "schema:fetchOnePriceRange")?.exchanges[0];
    expect(exchange?.request.headers["accept-language"]).toMatch(/^(de|en|fr)$/);
    expect(exchange?.response?.status).toBe(200);
  });

  it("sends a required form array of untyped items (Twilio's `Types`)", () => {
    const exchange = run.results.find((r) => r.id === "schema:createSubscription")?.exchanges[0];
    expect(new URLSearchParams(String(exchange?.request.body)).getAll("Types[]")).toEqual(["{}"]);
    expect(exchange?.response?.status).toBe(201);
  });

  it("sends a required exploded query object as its properties, which the mock reads back", () => {
    for (const id of ["schema:aggregate", "schema:tagQueue", "validation:aggregate", "validation:tagQueue"])
      expect(run.results.find((r) => r.id === id)?.status, id).toBe("passed");
    // The schema case takes any documented status: a documented 400 ("required") passed it too.
    for (const id of ["schema:aggregate", "schema:tagQueue"])
      expect(run.results.find((r) => r.id === id)?.exchanges[0]?.response?.status, id).toBe(200);
  });

  it("expects no refusal of a request that is a fragment sibling's (box)", () => {
    expect(
      run.results
        .filter((r) => r.id.startsWith("validation:removeSharedLink"))
        .map((r) => r.failure?.message),
    ).not.toContainEqual(expect.stringContaining('no required query parameter "fields"'));
  });

  it("does not call a string a wrong type for a form list of strings", () => {
    const validation = run.results.filter((r) => r.id.startsWith("validation:addJobData"));
    expect(validation.map((r) => r.failure?.message ?? r.status)).not.toContainEqual(
      expect.stringContaining("wrong type"),
    );
  });

  it("checks the HEAD answer's status but not its (absent) body against the schema", () => {
    expect(run.results.find((r) => r.id === "schema:headAtms")?.status).toBe("passed");
    expect(run.results.find((r) => r.id === "schema:getPage")?.status).toBe("passed");
    expect(run.results.some((r) => r.id === "errors:headAtms")).toBe(false);
  });
});

describe("the Postman collection against the mock on the full corpus's classes (issue 19)", () => {
  it("passes every request's tests", async () => {
    const { summary } = await collectionAgainstMock(document);
    expect(summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
    expect(summary.run.executions.map((e) => e.response?.code)).toEqual(
      listOperations(document).map((op) => (op.operationId === "createSubscription" ? 201 : 200)),
    );
  }, 60_000);
});

describe("API keys ANDed in one place (issue 19, FEC)", () => {
  it("share one mock credential, and an invalid one leaves no valid key in that place", async () => {
    const keyed = {
      openapi: "3.0.3",
      info: { title: "Keys", version: "1" },
      servers: [{ url: "http://keys.example" }],
      security: [{ headerKey: [], queryKey: [], legacyKey: [] }],
      paths: {
        "/cases": {
          get: {
            operationId: "listCases",
            responses: {
              "200": { description: "cases", content: json({ type: "object" }) },
              "403": { description: "refused" },
            },
          },
        },
      },
      components: {
        securitySchemes: {
          headerKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
          queryKey: { type: "apiKey", in: "query", name: "api_key" },
          legacyKey: { type: "apiKey", in: "query", name: "api_key" },
        },
      },
    } as unknown as OpenApiDocument;
    const run = await suiteAgainstMock(keyed);
    const auth = run.results.filter((r) => r.category === "auth");
    expect(auth.map((r) => r.id)).toEqual(
      expect.arrayContaining(["auth:legacyKey:valid", "auth:legacyKey:invalid"]),
    );
    expect(auth.filter((r) => r.status === "failed").map((r) => `${r.id}: ${r.failure?.message}`)).toEqual(
      [],
    );
  }, 60_000);
});

describe("header names no request can send (issue 19, rapidapi's dynamicdocs)", () => {
  // `ADVICEment API Key` is no HTTP token (RFC 9110 §5.1): fetch, Postman and `Headers.get`
  // refuse it, and the mock answered 500. Neither the mock nor any output may require it.
  const spaced = {
    openapi: "3.0.3",
    info: { title: "Spaced", version: "1" },
    servers: [{ url: "http://spaced.example" }],
    security: [{ spacedKey: [] }],
    paths: {
      "/documents": {
        post: {
          operationId: "compileDocument",
          parameters: [{ name: "Odd Header", in: "header", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: json({ type: "object" }) },
          responses: {
            "200": { description: "compiled", content: json({ type: "object" }) },
            "401": { description: "refused" },
          },
        },
      },
    },
    components: {
      securitySchemes: { spacedKey: { type: "apiKey", in: "header", name: "ADVICEment API Key" } },
    },
  } as unknown as OpenApiDocument;

  it("the mock requires neither and answers 200, not 500", async () => {
    const mock = createMockServer(spaced, { enforceSecurity: true, credentials: { spacedKey: "k" } });
    const response = await mock.fetch("http://spaced.example/documents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("the golden suite sends neither and fails no case", async () => {
    const run = await suiteAgainstMock(spaced);
    expect(
      run.results.filter((r) => r.status === "failed").map((r) => `${r.id}: ${r.failure?.message}`),
    ).toEqual([]);
    expect(run.results.some((r) => r.status === "passed")).toBe(true);
  }, 60_000);
});
