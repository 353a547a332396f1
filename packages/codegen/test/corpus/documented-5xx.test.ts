// Issue 19: appwrite's health checks document only `500`; the mock answers what the document
// says, and the sweep counts those answers as the document's, apart from the mock's own 5xx.
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { documentsOnly5xx } from "../../scripts/corpus/documented-5xx";
import { renderSweep } from "../../scripts/corpus/report";
import { createMockServer } from "../../src/index";

const document = {
  openapi: "3.0.3",
  info: { title: "Health", version: "1" },
  paths: {
    "/health": { get: { operationId: "health", responses: { "500": { description: "File" } } } },
    "/db": { get: { operationId: "db", responses: { "5XX": { description: "down" } } } },
    "/cache": {
      get: {
        operationId: "cache",
        responses: { "200": { description: "up" }, "503": { description: "down" } },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("5xx the document declares as an operation's only answer", () => {
  it("tells an operation documenting only 5xx from one documenting a success", () => {
    const byId = Object.fromEntries(listOperations(document).map((o) => [o.operationId, o]));
    expect(documentsOnly5xx(byId.health)).toBe(true);
    expect(documentsOnly5xx(byId.db)).toBe(true);
    expect(documentsOnly5xx(byId.cache)).toBe(false);
    expect(documentsOnly5xx(undefined)).toBe(false);
  });

  it("the mock answers the documented 500, logged under its operation", async () => {
    const mock = createMockServer(document);
    expect((await mock.fetch("http://x/health")).status).toBe(500);
    expect(mock.requests.at(-1)).toMatchObject({ operationId: "health", status: 500 });
  });

  it("the report names the documents and keeps the count apart from the mock's", () => {
    const text = renderSweep(
      {
        documents: [
          {
            id: "appwrite.json",
            version: "3.0",
            size: "small",
            operations: 3,
            valid: true,
            checks: { "mock-5xx": { status: "pass" } },
            mock5xx: 0,
            documented5xx: 5,
            crossOriginCredentials: 0,
            ms: 1,
          },
        ],
        wallMs: 1,
        mypy: undefined,
        options: { seed: 19, jobs: 1, checks: ["newman"] },
      },
      "npm run corpus",
    );
    expect(text).toContain("Mock 5xx answers to our own requests: 0");
    expect(text).toMatch(/document declares as the operation's only answer.*: 5, in `appwrite\.json`/);
  });
});
