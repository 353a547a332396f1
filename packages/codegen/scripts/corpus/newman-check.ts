import type { OpenApiDocument } from "@synapseops/core";
import { createMockServer } from "../../src/mock/server";
import { mockCredential, securitySchemes } from "../../src/readiness/_credentials";
import { camelCase } from "../../src/schema/names";
import type { CrossOriginLedger } from "./cross-origin";

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
 * as the Postman generator names its variables (`camelCase`, `…Username`/`…Password` for basic).
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
    if (basic)
      variables.push(
        { key: `${camelCase(name)}Username`, value: "mock-user" },
        { key: `${camelCase(name)}Password`, value: `mock-${name}-password` },
      );
    else variables.push({ key: camelCase(name), value: credentials[name] });
  }
  return { credentials, variables };
}

/**
 * newman runs the collection against the document's mock (credentials enforced). Throws with the
 * first unanswered request or failed test; returns the mock's 5xx answers.
 */
export async function newmanAgainstMock(
  document: OpenApiDocument,
  collection: unknown,
  ledger: CrossOriginLedger,
): Promise<{ mock5xx: number }> {
  const { credentials, variables } = mockCredentials(document);
  ledger.secrets.push(...Object.values(credentials));
  const mock = createMockServer(document, { enforceSecurity: true, credentials });
  const listener = await mock.listen();
  ledger.origins.add(new URL(listener.url).origin);
  try {
    const summary = await runNewman(collection, [{ key: "baseUrl", value: listener.url }, ...variables]);
    let mock5xx = 0;
    for (const execution of summary.run.executions) {
      if ((execution.response?.code ?? 0) >= 500) mock5xx++;
      if (execution.request)
        ledger.record(execution.request.url.toString(), JSON.stringify(execution.request.headers.toObject()));
    }
    const unanswered = summary.run.executions.find((e) => e.response === undefined);
    const failure = summary.run.failures[0];
    const error = unanswered
      ? new Error(`${unanswered.item.name}: no response (${unanswered.requestError?.message ?? "?"})`)
      : failure
        ? new Error(
            `${summary.run.failures.length} failures; first ${failure.source?.name ?? "?"}: ${failure.error.message}`,
          )
        : undefined;
    if (error) throw Object.assign(error, { mock5xx });
    return { mock5xx };
  } finally {
    await listener.close();
  }
}
