import {
  createExchangeRedactor,
  IdPrefix,
  listOperations,
  newId,
  type OperationDescriptor,
  type TestCaseResult,
  type TestExchange,
  TestRun,
} from "@synapseops/core";
import { applyCredentials } from "./_credentials";
import { CASE_HEADER, recordExchange } from "./_exchange";
import { carriesSecret, isSameOrigin, originOf } from "./_origin";
import { compileAnnotations } from "./annotation-matcher";
import { CaseFailure, CaseNotApplicable, CaseSkip, ReadinessConfigError } from "./errors";
import { startMockEnvironment } from "./mock-environment";
import { withFreshIdempotencyKey } from "./suite/_requests";
import type {
  CaseContext,
  CaseRequest,
  CaseResponse,
  GoldenCase,
  GoldenSuite,
  RunSuiteOptions,
} from "./types";

/**
 * Runs a golden suite against an environment and returns the `TestRun`: one result per case
 * (`passed`, `failed` with the assertion and a JSON pointer, `skipped` or `n/a` with the reason),
 * each with its exchanges (redacted) and the annotations whose conditions held. A `mock`
 * environment without a `baseUrl` starts the document's mock server for the run. With a `store`
 * the run is stored too.
 *
 * @example
 * ```ts
 * const suite = buildGoldenSuite(doc);
 * const run = await runSuite(suite, { environment: { name: "mock", kind: "mock" } });
 * run.summary; // { passed: 41, failed: 0, skipped: 0, notApplicable: 4 }
 * ```
 * @throws {ReadinessConfigError} when the environment has a bad name or no base URL.
 * @throws {CodegenConfigError} when an annotation's condition is not valid JSONata.
 */
export async function runSuite(suite: GoldenSuite, options: RunSuiteOptions): Promise<TestRun> {
  const { environment } = options;
  if (!/^[a-z][a-z0-9_-]{0,62}$/.test(environment.name))
    throw new ReadinessConfigError(
      `runSuite: environment name "${environment.name}" must be lower-case letters, digits, '-' and '_', starting with a letter`,
      { path: "/environment/name" },
    );
  const startedAt = new Date();
  const operations = new Map<string, OperationDescriptor>(
    listOperations(suite.document).map((op) => [op.operationId, op]),
  );
  const startMock = environment.kind === "mock" && !environment.baseUrl;
  if (!startMock && !environment.baseUrl)
    throw new ReadinessConfigError(
      `runSuite: environment "${environment.name}" has no baseUrl (only a mock environment starts one)`,
      { path: "/environment/baseUrl" },
    );
  const mock = startMock ? await startMockEnvironment(suite, options.mock) : undefined;
  try {
    const resolved = await resolveEnvironment(options);
    const credentials = mock ? { ...mock.credentials, ...resolved.credentials } : resolved.credentials;
    const webhookSecret = resolved.webhookSecret ?? mock?.webhookSecret;
    const webhookUrlTemplate = environment.variables?.webhookUrl ?? mock?.webhookUrl;
    const baseUrl = (mock?.baseUrl ?? environment.baseUrl ?? "").replace(/\/+$/, "");
    const redact = makeRedactor(options, [
      ...Object.values(credentials),
      ...(webhookSecret ? [webhookSecret] : []),
    ]);
    const secretValues = [...Object.values(credentials), ...(webhookSecret ? [webhookSecret] : [])];
    const matcher = compileAnnotations(suite.annotations);
    const doFetch = options.fetch ?? globalThis.fetch;
    const signal = options.signal ?? new AbortController().signal;

    const runCase = async (goldenCase: GoldenCase): Promise<TestCaseResult> => {
      const base = {
        id: goldenCase.id,
        category: goldenCase.category,
        name: goldenCase.name,
        ...(goldenCase.operation ? { operation: goldenCase.operation } : {}),
      };
      if (goldenCase.notApplicable !== undefined || !goldenCase.run)
        return {
          ...base,
          status: "n/a",
          reason: goldenCase.notApplicable ?? "no checks",
          durationMs: 0,
          exchanges: [],
          annotations: [],
        };
      const exchanges: TestExchange[] = [];
      const annotations = new Map<string, TestCaseResult["annotations"][number]>();
      const started = performance.now();
      const context: CaseContext = {
        baseUrl,
        environment: environment.name,
        signal,
        credentials,
        webhookSecret,
        webhookUrl: (name) => webhookUrlTemplate?.replaceAll("{name}", encodeURIComponent(name)),
        fail(message, details) {
          throw new CaseFailure(message, details);
        },
        skip(reason) {
          throw new CaseSkip(reason);
        },
        notApplicable(reason) {
          throw new CaseNotApplicable(reason);
        },
        sleep: (ms) => sleep(ms, signal),
        async send(given) {
          // Only an idempotency case is about replaying a key; any other case reusing the
          // sample's key would meet its own earlier request (another body → a conflict).
          const request = goldenCase.category === "idempotency" ? given : withFreshIdempotencyKey(given);
          const { response, exchange } = await sendRequest(request, goldenCase.id);
          const redacted = redact(exchange);
          exchanges.push(redacted);
          const operationId = request.operationId ?? goldenCase.operation;
          if (matcher.targets(operationId)) {
            const input = {
              request: exchange.request,
              response: exchange.response,
              record: exchange.request.body,
            };
            for (const found of await matcher.match(operationId, input)) annotations.set(found.id, found);
          }
          if (!response)
            throw new CaseFailure(`${request.method} ${request.path}: ${exchange.error}`, {
              pointer: "/response",
            });
          return response;
        },
      };
      const sendRequest = async (
        request: CaseRequest,
        caseId: string,
      ): Promise<{ response?: CaseResponse; exchange: TestExchange }> => {
        const headers: Record<string, string> = { [CASE_HEADER]: caseId, ...(request.headers ?? {}) };
        const query: [string, string][] = [...(request.query ?? [])];
        const operation = request.operationId
          ? operations.get(request.operationId)
          : operations.get(goldenCase.operation ?? "");
        if (request.credentials === undefined || request.credentials === true)
          applyCredentials(suite.document, operation, credentials, headers, query);
        else if (typeof request.credentials === "object")
          applyCredentials(suite.document, operation, request.credentials, headers, query);
        const url = buildUrl(baseUrl, request.path, query);
        // issue 19: another origin (a next link, a webhook receiver) never gets the environment's
        // credentials. A case must ask for none, and no header or query value may carry one.
        if (
          !isSameOrigin(url, baseUrl) &&
          (request.credentials !== false || carriesSecret(headers, query, secretValues))
        )
          throw new CaseFailure(
            `${request.method.toUpperCase()} ${originOf(url) ?? url} is another origin than the environment's (${originOf(baseUrl)}): not sent, credentials go only to the environment's origin`,
            { pointer: "/request/url", expected: originOf(baseUrl), actual: originOf(url) ?? url },
          );
        const timeout = AbortSignal.timeout(request.timeoutMs ?? 30_000);
        const began = performance.now();
        const recordRequest = {
          method: request.method.toUpperCase(),
          url,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
        };
        try {
          const res = await doFetch(url, {
            method: recordRequest.method,
            headers,
            ...(request.body !== undefined ? { body: request.body } : {}),
            signal: AbortSignal.any([signal, timeout]),
            redirect: "manual",
          });
          const text = await res.text();
          const durationMs = performance.now() - began;
          const contentType = res.headers.get("content-type") ?? "";
          let json: unknown;
          if (/json/i.test(contentType) && text !== "") {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          return {
            response: { status: res.status, headers: res.headers, text, json, durationMs },
            exchange: recordExchange(
              recordRequest,
              { status: res.status, headers: res.headers, text },
              durationMs,
            ),
          };
        } catch (error) {
          const message = timeout.aborted
            ? `no response within ${request.timeoutMs ?? 30_000} ms`
            : error instanceof Error
              ? error.message
              : String(error);
          if (signal.aborted) throw new CaseSkip("aborted");
          return { exchange: recordExchange(recordRequest, undefined, performance.now() - began, message) };
        }
      };
      let result: TestCaseResult;
      try {
        if (signal.aborted) throw new CaseSkip("aborted");
        await goldenCase.run(context);
        result = { ...base, status: "passed", durationMs: 0, exchanges, annotations: [] };
      } catch (error) {
        if (error instanceof CaseNotApplicable) {
          result = {
            ...base,
            status: "n/a",
            reason: error.message,
            durationMs: 0,
            exchanges,
            annotations: [],
          };
        } else if (error instanceof CaseSkip) {
          result = {
            ...base,
            status: "skipped",
            reason: error.message,
            durationMs: 0,
            exchanges,
            annotations: [],
          };
        } else if (error instanceof CaseFailure) {
          result = {
            ...base,
            status: "failed",
            durationMs: 0,
            failure: {
              message: error.message,
              ...(error.pointer !== undefined ? { pointer: error.pointer } : {}),
              ...(error.expected !== undefined ? { expected: error.expected } : {}),
              ...(error.actual !== undefined ? { actual: error.actual } : {}),
            },
            exchanges,
            annotations: [],
          };
        } else {
          // A bug in a case (or something unexpected from the server) fails that case, not the run.
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          result = {
            ...base,
            status: "failed",
            durationMs: 0,
            failure: { message },
            exchanges,
            annotations: [],
          };
        }
      }
      result.durationMs = Math.round(performance.now() - started);
      result.annotations = [...annotations.values()];
      return result;
    };

    const results: TestCaseResult[] = new Array(suite.cases.length);
    let done = 0;
    const finish = (index: number, result: TestCaseResult): void => {
      results[index] = result;
      done++;
      options.onProgress?.({ done, total: suite.cases.length, result });
    };
    const indexed = suite.cases.map((goldenCase, index) => ({ goldenCase, index }));
    const shared = indexed.filter(({ goldenCase }) => !goldenCase.isolated);
    const isolated = indexed.filter(({ goldenCase }) => goldenCase.isolated);
    const concurrency = Math.max(1, options.concurrency ?? 4);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, shared.length) }, async () => {
        while (next < shared.length) {
          const item = shared[next++]!;
          finish(item.index, await runCase(item.goldenCase));
        }
      }),
    );
    for (const item of isolated) finish(item.index, await runCase(item.goldenCase));

    const run = TestRun.parse({
      id: newId(IdPrefix.testRun),
      projectId: options.projectId ?? "adhoc",
      spec: suite.spec,
      environment: environment.name,
      ...(baseUrl && !mock ? { baseUrl } : {}),
      profile: suite.profile,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      results,
      summary: {
        passed: results.filter((r) => r.status === "passed").length,
        failed: results.filter((r) => r.status === "failed").length,
        skipped: results.filter((r) => r.status === "skipped").length,
        notApplicable: results.filter((r) => r.status === "n/a").length,
      },
    });
    if (options.store) await options.store.insertTestRun(run);
    return run;
  } finally {
    await mock?.close();
  }
}

async function resolveEnvironment(
  options: RunSuiteOptions,
): Promise<{ credentials: Record<string, string>; webhookSecret?: string }> {
  const { environment } = options;
  const resolver = options.secrets;
  const resolve = async (key: string): Promise<string | undefined> => {
    if (!resolver) return undefined;
    return typeof resolver === "function"
      ? resolver(key)
      : resolver.get(key, { environment: environment.name });
  };
  const credentials: Record<string, string> = {};
  let webhookSecret: string | undefined;
  for (const [name, value] of Object.entries(environment.variables ?? {}))
    if (name !== "webhookUrl") credentials[name] = value;
  for (const [name, key] of Object.entries(environment.secrets ?? {})) {
    const value = await resolve(key);
    if (value === undefined)
      throw new ReadinessConfigError(
        `runSuite: secret "${name}" of environment "${environment.name}" (key "${key}") did not resolve`,
        { path: `/environment/secrets/${name}` },
      );
    if (name === "webhookSecret") webhookSecret = value;
    else credentials[name] = value;
  }
  return { credentials, ...(webhookSecret !== undefined ? { webhookSecret } : {}) };
}

function makeRedactor(options: RunSuiteOptions, secrets: string[]): (exchange: TestExchange) => TestExchange {
  if (typeof options.redact === "function") return options.redact;
  const redactor = createExchangeRedactor({
    ...(options.redact ?? {}),
    secrets: [...(options.redact?.secrets ?? []), ...secrets],
  });
  return (exchange) => redactor.redact(exchange);
}

function buildUrl(baseUrl: string, path: string, query: readonly [string, string][]): string {
  const url = /^https?:\/\//.test(path)
    ? new URL(path)
    : new URL(`${baseUrl}${path.startsWith("/") ? "" : "/"}${path}`);
  for (const [name, value] of query) url.searchParams.append(name, value);
  return url.toString();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CaseSkip("aborted"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CaseSkip("aborted"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
