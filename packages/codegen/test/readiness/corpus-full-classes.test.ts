import { listOperations, memoryStore, type OpenApiDocument, type TestRun } from "@synapseops/core";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGoldenSuite, createMockServer, generatePostman, runSuite } from "../../src/index";

// issue 19, the classes the 400-document and full-corpus sweeps found beyond the CI sample, each
// in a small document of our own:
// - two parameters in one path segment (`/es/{pageName}{mediaTypeExtension}`, healthcare.gov):
//   the mock's router split `about.json` greedily and refused the extension `n`;
// - a HEAD operation documenting a JSON body (Open Banking `headAtms`): the suite checked the
//   empty HEAD body against the schema.

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
} as unknown as OpenApiDocument;

describe("the mock's router on parameters sharing a path segment (issue 19, healthcare.gov)", () => {
  const mock = createMockServer(document);

  it("splits `about.json` at the extension's enum value, not greedily", async () => {
    const response = await mock.fetch("http://pages.example/es/about.json");
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { title?: unknown }).title).toEqual(expect.any(String));
  });

  it("matches no route when the enum value is missing", async () => {
    expect((await mock.fetch("http://pages.example/es/about.xml")).status).toBe(404);
  });
});

describe("the golden suite against its own mock on the full corpus's classes (issue 19)", () => {
  let run: TestRun;
  beforeAll(async () => {
    const suite = buildGoldenSuite(document, { retry: { attemptTimeoutMs: 500 } });
    run = await runSuite(suite, {
      environment: { name: "mock", kind: "mock" },
      store: memoryStore(),
      projectId: "full",
    });
  }, 60_000);

  it("fails no case", () => {
    const failed = run.results
      .filter((r) => r.status === "failed")
      .map((r) => `${r.id}: ${r.failure?.message}`);
    expect(failed).toEqual([]);
  });

  it("checks the HEAD answer's status but not its (absent) body against the schema", () => {
    expect(run.results.find((r) => r.id === "schema:headAtms")?.status).toBe("passed");
    expect(run.results.find((r) => r.id === "schema:getPage")?.status).toBe("passed");
    expect(run.results.some((r) => r.id === "errors:headAtms")).toBe(false);
  });
});

interface Summary {
  run: {
    failures: { error: { message: string }; source?: { name?: string } }[];
    executions: { request: { url: { toString(): string } }; response?: { code: number } }[];
  };
}
/** newman has no type declarations: imported by a variable specifier, its shape declared above. */
const NEWMAN = "newman";

describe("the Postman collection against the mock on the full corpus's classes (issue 19)", () => {
  it("passes every request's tests", async () => {
    const [file] = generatePostman({ document, operations: listOperations(document), inputHash: "full" });
    const collection = JSON.parse(String(file?.contents)) as unknown;
    const { url, close } = await createMockServer(document).listen();
    try {
      const { run } = (await import(NEWMAN)) as {
        run: (options: object, done: (error: Error | null, summary: Summary) => void) => void;
      };
      const summary = await new Promise<Summary>((resolve, reject) =>
        run({ collection, envVar: [{ key: "baseUrl", value: url }], reporters: [] }, (error, result) =>
          error ? reject(error) : resolve(result),
        ),
      );
      expect(summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
      expect(summary.run.executions.map((e) => e.response?.code)).toEqual([200, 200]);
    } finally {
      await close();
    }
  }, 60_000);
});
