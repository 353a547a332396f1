import type { OpenApiDocument } from "@synapseops/core";
import { credentialVariable } from "../../src/generators/postman/_security";
import { createMockServer } from "../../src/mock/server";
import { mockCredential, securitySchemes } from "../../src/readiness/_credentials";
import type { CrossOriginLedger } from "./cross-origin";
import { documentsOnly5xx, type FiveXx } from "./documented-5xx";

interface NewmanSummary {
  run: {
    failures: { error: { message: string }; source?: { name?: string } }[];
    executions: {
      item: { name: string };
      request?: { url: { toString(): string }; headers: { toObject(): Record<string, string> } };
      response?: { code: number };
      requestError?: { message: string };
    }[];
  };
}
/** newman has no type declarations: imported by a variable specifier, its shape declared above. */
const NEWMAN_MODULE = "newman";

async function runNewman(
  collection: unknown,
  variables: { key: string; value: string }[],
): Promise<NewmanSummary> {
  const { run } = (await import(NEWMAN_MODULE)) as {
    run: (options: object, done: (error: Error | null, summary: NewmanSummary) => void) => void;
  };
  return new Promise((resolve, reject) =>
    run({ collection, envVar: [...variables], reporters: [], timeoutRequest: 20_000 }, (error, summary) =>
      error ? reject(error) : resolve(summary),
    ),
  );
}

/**
 * A credential per security scheme, for the mock to require and the collection to send — named
 * as the Postman generator names its variables (`credentialVariable`, `…Username`/`…Password` for basic).
 */
function mockCredentials(document: OpenApiDocument): {
  credentials: Record<string, string>;
  variables: { key: string; value: string }[];
} {
  const credentials: Record<string, string> = {};
  const variables: { key: string; value: string }[] = [];
  for (const [name, scheme] of Object.entries(securitySchemes(document))) {
    const basic = scheme.type === "http" && scheme.scheme?.toLowerCase() === "basic";
    // The readiness environment's values: same-place API keys share one.
    credentials[name] = mockCredential(name, scheme);
    const variable = credentialVariable(document, name);
    if (basic)
      variables.push(
        { key: `${variable}Username`, value: "mock-user" },
        { key: `${variable}Password`, value: `mock-${name}-password` },
      );
    else variables.push({ key: variable, value: credentials[name] });
  }
  return { credentials, variables };
}

/**
 * newman runs the collection against the document's mock (credentials enforced). Throws with the
 * first unanswered request or failed test; returns the mock's 5xx answers, apart from those of
 * operations that document only 5xx (the document's).
 */
export async function newmanAgainstMock(
  document: OpenApiDocument,
  collection: unknown,
  ledger: CrossOriginLedger,
): Promise<FiveXx> {
  const { credentials, variables } = mockCredentials(document);
  ledger.secrets.push(...Object.values(credentials));
  const mock = createMockServer(document, { enforceSecurity: true, credentials });
  const listener = await mock.listen();
  ledger.origins.add(new URL(listener.url).origin);
  try {
    const summary = await runNewman(collection, [{ key: "baseUrl", value: listener.url }, ...variables]);
    let answered5xx = 0;
    for (const execution of summary.run.executions) {
      if ((execution.response?.code ?? 0) >= 500) answered5xx++;
      if (execution.request)
        ledger.record(execution.request.url.toString(), JSON.stringify(execution.request.headers.toObject()));
    }
    // The mock logs the operation it served; a crash (500 from the listener) is logged by none.
    const documented5xx = mock.requests.filter(
      (r) =>
        r.status >= 500 && documentsOnly5xx(mock.operations.find((o) => o.operationId === r.operationId)),
    ).length;
    const fiveXx = { mock5xx: answered5xx - documented5xx, documented5xx };
    const unanswered = summary.run.executions.find((e) => e.response === undefined);
    const failure = summary.run.failures[0];
    const error = unanswered
      ? new Error(`${unanswered.item.name}: no response (${unanswered.requestError?.message ?? "?"})`)
      : failure
        ? new Error(
            `${summary.run.failures.length} failures; first ${failure.source?.name ?? "?"}: ${failure.error.message}`,
          )
        : undefined;
    if (error) throw Object.assign(error, fiveXx);
    return fiveXx;
  } finally {
    await listener.close();
  }
}
