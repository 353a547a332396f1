import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { beforeAll, describe, expect, it } from "vitest";
import { writeOut } from "../../_test/specs";
import { typecheck } from "../../_test/tsc";
import type { GeneratedFile } from "../../types";
import { generateSdkTs } from "./index";

// issue 19, point 2: SDKs of real documents failed tsc --strict — a schema named like an
// operation's own type (`accountsGet` + `AccountsGetResponse`, TS2308 from index.ts), runtime
// names taken by schemas, `GET_ChargeMetrics` → `gETChargeMetrics`, `| null | null` on nullable
// enums, bodiless responses typed `undefined`, and GET operations with a body fetch refuses.

const json = (schema: object) => ({ content: { "application/json": { schema } } });

const doc = {
  openapi: "3.0.3",
  info: { title: "Names", version: "1" },
  servers: [{ url: "http://localhost/v1" }],
  paths: {
    "/accounts": {
      get: {
        operationId: "accountsGet",
        // Stripe documents bodies on GETs; fetch throws on one.
        requestBody: json({ type: "object", properties: { q: { type: "string" } } }),
        responses: {
          "200": { description: "ok", ...json({ $ref: "#/components/schemas/AccountsGetResponse" }) },
        },
      },
    },
    "/charges/metrics": {
      get: {
        operationId: "GET_ChargeMetrics",
        responses: { "200": { description: "ok", ...json({ $ref: "#/components/schemas/Client" }) } },
      },
    },
    "/ping": {
      post: {
        operationId: "ping",
        parameters: [
          { name: "Authorization", in: "header", required: true, schema: { type: "string" } },
          { name: "", in: "header", schema: { type: "string" } },
        ],
        responses: { "200": { description: "no documented body" } },
      },
      delete: { operationId: "unping", responses: { "204": { description: "gone" } } },
    },
  },
  components: {
    schemas: {
      AccountsGetResponse: { type: "object", properties: { id: { type: "string" } } },
      // Named like a runtime export of index.ts.
      Client: {
        type: "object",
        properties: { status: { type: "string", enum: ["a", "b", null], nullable: true } },
      },
      Status: { type: "string", enum: ["on", "off"], nullable: true },
    },
  },
} as unknown as OpenApiDocument;

let files: GeneratedFile[];
let errors: string[];
const text = (path: string): string => String(files.find((f) => f.path === path)?.contents);

beforeAll(async () => {
  files = generateSdkTs({ document: doc, operations: listOperations(doc) });
  const dir = writeOut("sdk-ts/issue19_names", files);
  writeFileSync(
    join(dir, "usage.ts"),
    [
      'import { createClient, accountsGet, getChargeMetrics, ping, unping } from "./index.js";',
      'import type { AccountsGetResponse, Status, Client2, PingResponse } from "./index.js";',
      "const client = createClient();",
      "export async function usage(): Promise<void> {",
      "  const schema: AccountsGetResponse = { id: 'x' };",
      "  const result = await accountsGet(client);",
      "  void schema;",
      "  void result;",
      "  // @ts-expect-error a GET takes no body",
      "  await accountsGet(client, { body: { q: 'x' } });",
      "  const metrics: Client2 = await getChargeMetrics(client);",
      "  const status: Status = null;",
      "  void metrics;",
      "  void status;",
      "  // A response documenting no body is whatever the server sent: unknown, not undefined.",
      "  const anything: PingResponse = 42;",
      "  void anything;",
      "  const done: undefined = await unping(client);",
      "  void done;",
      "  await ping(client);",
      "}",
      "",
    ].join("\n"),
  );
  errors = (await typecheck(["sdk-ts/issue19_names"])).get("sdk-ts/issue19_names") ?? [];
}, 120_000);

describe("sdk-ts names (issue 19)", () => {
  it("compiles with tsc --strict: every exported name is unique across models, operations and runtime", () => {
    expect(errors).toEqual([]);
  });

  it("keeps schema names and gives the operation's own types the next free name", () => {
    expect(text("models.ts")).toContain("export type AccountsGetResponse =");
    expect(text("models.ts")).toContain("export type Client2 =");
    expect(text("operations.ts")).toContain("export type AccountsGetResponse2 = M.AccountsGetResponse;");
  });

  it("camel-cases a leading acronym whole", () => {
    expect(text("operations.ts")).toContain("export function getChargeMetrics(");
    expect(text("operations.ts")).not.toContain("gETChargeMetrics");
  });

  it("writes null once in a nullable enum", () => {
    expect(text("models.ts")).toContain('export type Status = "on" | "off" | null;');
    expect(text("models.ts")).toContain('status?: "a" | "b" | null;');
    expect(text("models.ts")).not.toContain("null | null");
  });

  it("types bodiless responses as the runtime returns them, and drops ignored parameters", () => {
    expect(text("operations.ts")).toContain("export type PingResponse = unknown;");
    expect(text("operations.ts")).toContain("export type UnpingResponse = undefined;");
    expect(text("operations.ts")).not.toMatch(/Authorization|\["header", ""/);
    expect(text("operations.ts")).toContain("  body?: never;");
  });
});
