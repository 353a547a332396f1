// Scaffolding the corpus class tests share (issue 19): a small document's golden suite and its
// Postman collection, each run against the document's own mock.
import { listOperations, memoryStore, type OpenApiDocument, type TestRun } from "@synapseops/core";
import { buildGoldenSuite, createMockServer, generatePostman, runSuite } from "../../src/index";
import type { GoldenSuiteOptions } from "../../src/readiness/types";

/** The document's golden suite run against its mock (short attempts: the mock answers at once). */
export function suiteAgainstMock(
  document: OpenApiDocument,
  options: GoldenSuiteOptions = {},
): Promise<TestRun> {
  const suite = buildGoldenSuite(document, { retry: { attemptTimeoutMs: 500 }, ...options });
  return runSuite(suite, {
    environment: { name: "mock", kind: "mock" },
    store: memoryStore(),
    projectId: document.info.title,
  });
}

/** `id: message` of every failed case, for an assertion that shows why. */
export function failedCases(run: TestRun): string[] {
  return run.results.filter((r) => r.status === "failed").map((r) => `${r.id}: ${r.failure?.message}`);
}

/** What the tests read of a newman run. */
export interface NewmanSummary {
  run: {
    failures: { error: { message: string }; source?: { name?: string } }[];
    executions: {
      item: { name: string };
      request: { url: { toString(): string } };
      response?: { code: number };
    }[];
  };
}
/** newman has no type declarations: imported by a variable specifier, its shape declared above. */
const NEWMAN = "newman";

/** The document's Postman collection run by newman against its mock; the collection's text beside. */
export async function collectionAgainstMock(
  document: OpenApiDocument,
): Promise<{ summary: NewmanSummary; collectionText: string }> {
  const [file] = generatePostman({ document, operations: listOperations(document), inputHash: "classes" });
  const collectionText = String(file?.contents);
  const { url, close } = await createMockServer(document).listen();
  try {
    const { run } = (await import(NEWMAN)) as {
      run: (options: object, done: (error: Error | null, summary: NewmanSummary) => void) => void;
    };
    const summary = await new Promise<NewmanSummary>((resolve, reject) =>
      run(
        { collection: JSON.parse(collectionText), envVar: [{ key: "baseUrl", value: url }], reporters: [] },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
    return { summary, collectionText };
  } finally {
    await close();
  }
}
