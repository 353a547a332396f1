import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { buildGoldenSuite, runSuite, startMockEnvironment } from "../../src/index";
import { DOCUMENT_ERROR } from "../../src/readiness/suite/schema";
import type { CrossOriginLedger } from "./cross-origin";
import { documentsOnly5xx, type FiveXx } from "./documented-5xx";

/**
 * The detected readiness suite against the document's own mock. Throws with the first failed
 * case; returns the mock's 5xx answers to the suite (injected retry faults excluded), apart from
 * those of operations that document only 5xx (the document's).
 */
export async function readinessAgainstMock(
  document: OpenApiDocument,
  ledger: CrossOriginLedger,
): Promise<FiveXx & { documentErrors: string[] }> {
  const suite = buildGoldenSuite(document);
  const mock = await startMockEnvironment(suite);
  ledger.origins.add(new URL(mock.baseUrl).origin);
  ledger.secrets.push(...Object.values(mock.credentials));
  const recordingFetch: typeof fetch = async (input, init) => {
    ledger.record(String(input), JSON.stringify(init?.headers ?? {}));
    return fetch(input, init);
  };
  try {
    const run = await runSuite(suite, {
      environment: {
        name: "mock",
        kind: "mock",
        baseUrl: mock.baseUrl,
        variables: { ...mock.credentials, webhookUrl: mock.webhookUrl },
        secrets: { webhookSecret: "webhook" },
      },
      secrets: () => mock.webhookSecret,
      fetch: recordingFetch,
      concurrency: 4,
    });
    const fiveXx = { mock5xx: 0, documented5xx: 0 };
    const operations = listOperations(document);
    for (const r of run.results) {
      const operation = operations.find((o) => o.operationId === r.operation);
      const key = documentsOnly5xx(operation) ? "documented5xx" : "mock5xx";
      for (const exchange of r.exchanges)
        if ((exchange.response?.status ?? 0) >= 500 && !r.id.startsWith("timeouts-retries:")) fiveXx[key]++;
    }
    // Cases the suite marks n/a because the document contradicts itself: the document's, listed.
    const documentErrors = run.results
      .filter((r) => r.status === "n/a" && r.reason?.startsWith(DOCUMENT_ERROR))
      .map((r) => `${r.id}: ${r.reason}`);
    const failed = run.results.find((r) => r.status === "failed");
    if (failed) {
      const status = failed.exchanges.at(-1)?.response?.status;
      const error = new Error(
        `${run.summary.failed} failed; first ${failed.id}: ${failed.failure?.message ?? ""}${status ? ` [${status}]` : ""}`,
      );
      throw Object.assign(error, fiveXx, { documentErrors });
    }
    return { ...fiveXx, documentErrors };
  } finally {
    await mock.close();
  }
}
