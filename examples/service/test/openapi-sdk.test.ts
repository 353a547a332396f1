import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { generateSdkTs } from "@synapseops/codegen";
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderSchema, salesOrderSchema, sampleOrders } from "../src/fixtures";
import { startService, type TestService } from "./helpers";

const OUT = fileURLToPath(new URL("../test-output/sdk-ts/", import.meta.url));
const TSC = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url));

let service: TestService;
let document: OpenApiDocument;
beforeAll(async () => {
  service = await startService();
  document = (await service.api.get<OpenApiDocument>("/openapi.json")).body;
  // The SDK generated from the served document, as a user of the service would generate it.
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const file of generateSdkTs({ document, operations: listOperations(document) })) {
    writeFileSync(join(OUT, file.path), file.contents);
  }
});
afterAll(async () => {
  await service?.close();
});

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (swagger-parser) listing every API route", async () => {
    expect(document.openapi).toBe("3.1.0");
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    const operations = listOperations(document).map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /projects",
        "GET /projects",
        "GET /projects/{id}",
        "POST /projects/{id}/blueprints",
        "PATCH /blueprints/{id}",
        "POST /blueprints/{id}/validate",
        "POST /blueprints/{id}/approve",
        "POST /blueprints/{id}/runs",
        "GET /runs/{id}",
        "GET /runs/{id}/logs",
        "GET /runs/{id}/metrics",
        "GET /blueprints/{id}/export",
        "GET /health",
        "GET /dead-letters",
        "POST /dead-letters/replay",
      ]),
    );
    expect(document.servers).toEqual([{ url: service.baseUrl }]);
  });

  it("drives the service through a TypeScript SDK generated from it by sdk-ts", async () => {
    // The generated SDK, typed only as far as this test calls it.
    type Call<A, R> = (client: object, args: A) => Promise<R>;
    const sdk = (await import(join(OUT, "index.ts"))) as {
      createClient(config: {
        baseUrl: string;
        auth?: Record<string, string>;
        retry?: { retries: number };
      }): object;
      createProject: Call<{ body: { name: string } }, { id: string; name: string }>;
      addConnector: Call<
        { path: { id: string }; body: { type: string; name: string; config: object } },
        { id: string }
      >;
      generateBlueprint: Call<
        { path: { id: string }; body: { source: object; target: object; intent?: string } },
        { id: string; status: string }
      >;
      approveBlueprint: Call<{ path: { id: string } }, { status: string }>;
      startRun: Call<{ path: { id: string }; body: { records: unknown[] } }, { id: string }>;
      getRun: Call<{ path: { id: string } }, { status: string; counts: { completed: number } }>;
      getProject: Call<{ path: { id: string } }, unknown>;
      ApiError: new (...args: never[]) => Error & { status: number; body?: unknown };
    };
    // issue 23: the document declares its bearer scheme, so the SDK sends the token.
    const client = sdk.createClient({
      baseUrl: service.baseUrl,
      auth: { bearerToken: service.adminToken },
      retry: { retries: 0 },
    });
    const project = await sdk.createProject(client, { body: { name: "via the generated SDK" } });
    const shop = await sdk.addConnector(client, {
      path: { id: project.id },
      body: { type: "memory", name: "Shop", config: { channel: "orders" } },
    });
    const erp = await sdk.addConnector(client, {
      path: { id: project.id },
      body: { type: "sandbox", name: "ERP", config: { channel: "erp-sdk" } },
    });
    const draft = await sdk.generateBlueprint(client, {
      path: { id: project.id },
      body: {
        intent: "orders to the ERP",
        source: { connector: shop.id, schema: orderSchema },
        target: { connector: erp.id, schema: salesOrderSchema },
      },
    });
    expect(draft.status).toBe("DRAFT");
    expect((await sdk.approveBlueprint(client, { path: { id: draft.id } })).status).toBe("APPROVED");
    const started = await sdk.startRun(client, {
      path: { id: draft.id },
      body: { records: sampleOrders.slice(0, 1) },
    });
    const run = await service.api.waitForRun<{ status: string }>(started.id);
    expect(run.status).toBe("SUCCEEDED");
    expect((await sdk.getRun(client, { path: { id: started.id } })).counts.completed).toBe(1);

    // A problem answer reaches the SDK user as its typed ApiError with the status and body.
    const failure = await sdk.getProject(client, { path: { id: "prj_missing" } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(sdk.ApiError);
    expect((failure as { status: number }).status).toBe(404);
    expect((failure as { body?: unknown }).body).toMatchObject({ code: "NOT_FOUND" });
  });

  it("types the service's answers: the generated SDK compiles with tsc --strict against a typed use", async () => {
    writeFileSync(
      join(OUT, "usage.ts"),
      [
        'import { createClient, getRun, getRunMetrics, startRun, ApiError, type GetRunErrors } from "./index.js";',
        "export async function usage(): Promise<string> {",
        '  const client = createClient({ baseUrl: "http://127.0.0.1:3000" });',
        '  const run = await startRun(client, { path: { id: "bp_1" }, body: { records: [{ id: "o-1" }] } });',
        '  const status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" = (await getRun(client, { path: { id: run.id } })).status;',
        "  const p95: number | undefined = (await getRunMetrics(client, { path: { id: run.id } })).metrics?.latencyMs.p95;",
        "  void p95;",
        "  return status;",
        "}",
        "export function code(error: ApiError<GetRunErrors>): number {",
        "  return error.status;",
        "}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(OUT, "tsconfig.check.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ["*.ts"],
      }),
    );
    const result = await promisify(execFile)(
      process.execPath,
      [TSC, "-p", join(OUT, "tsconfig.check.json")],
      {
        cwd: OUT,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: String(error.stdout ?? error) }));
    expect(result.stdout.split("\n").filter((line) => line.includes("error TS"))).toEqual([]);
  }, 120_000);
});
