import { createHash } from "node:crypto";
import { canonicalJson, type Page, TEST_CATEGORIES, type TestRun, type Trace } from "@synapseops/core";
import { CodegenConfigError } from "../errors";
import type {
  ApiReport,
  CategoryReport,
  OpenFailure,
  OperationErrorRate,
  ReadinessReport,
  ReadinessReportOptions,
  TraceSummary,
} from "./report-types";

// Bounds the reads of one report; a report over more needs `since`.
const MAX_ITEMS = 100_000;

/**
 * A project's readiness in one environment, from what the store holds: per API (OpenAPI
 * document) and category the outcome of the latest test run (`n/a` kept apart from `failed`),
 * the open failures with the annotations that explain them, time to first successful call and
 * error rates by operation from the traces, and the verdict — `ready` when every required
 * category of every API passed. Render it with {@link renderReadinessMarkdown} or
 * {@link renderReadinessHtml}.
 *
 * @example
 * ```ts
 * const report = await readinessReport({ store: runtime.store, projectId, environment: "sandbox", since });
 * await writeFile("readiness.md", renderReadinessMarkdown(report));
 * ```
 * @throws {CodegenConfigError} when there is no test run and no environment was named.
 */
export async function readinessReport(options: ReadinessReportOptions): Promise<ReadinessReport> {
  const now = options.now ?? (() => new Date());
  const runs = await readAll((cursor) =>
    options.store.listTestRuns({
      projectId: options.projectId,
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.since ? { since: options.since } : {}),
      limit: 200,
      ...(cursor ? { cursor } : {}),
    }),
  );
  const environment = options.environment ?? latest(runs)?.environment;
  if (environment === undefined)
    throw new CodegenConfigError(
      `project "${options.projectId}" has no test run${options.since ? ` since ${options.since.toISOString()}` : ""}; name the environment to report on`,
      { path: "/environment" },
    );
  // The latest run of each API (document sha256) in the environment.
  const latestBySpec = new Map<string, TestRun>();
  for (const run of runs) {
    if (run.environment !== environment) continue;
    const known = latestBySpec.get(run.spec.sha256);
    if (!known || run.startedAt >= known.startedAt) latestBySpec.set(run.spec.sha256, run);
  }
  const apis: ApiReport[] = [...latestBySpec.values()].map(apiFromRun);
  for (const doc of options.documents ?? []) {
    const sha256 = createHash("sha256").update(canonicalJson(doc)).digest("hex");
    if (!latestBySpec.has(sha256)) apis.push(notRun(doc.info.title, doc.info.version, sha256));
  }
  apis.sort((a, b) => a.title.localeCompare(b.title));

  const blockers: string[] = [];
  if (apis.length === 0) blockers.push(`no API has a test run in "${environment}"`);
  for (const api of apis) {
    if (!api.testRun) {
      blockers.push(`${api.title} ${api.version}: no test run in "${environment}"`);
      continue;
    }
    for (const category of api.categories)
      if (category.requirement === "required" && category.outcome !== "passed")
        blockers.push(
          `${api.title} ${api.version}: required category "${category.category}" ${category.outcome}`,
        );
  }

  const traces = await readAll((cursor) =>
    options.store.listTraces({
      projectId: options.projectId,
      environment,
      ...(options.since ? { since: options.since } : {}),
      limit: 500,
      ...(cursor ? { cursor } : {}),
    }),
  );
  return {
    projectId: options.projectId,
    environment,
    generatedAt: now().toISOString(),
    ...(options.since ? { since: options.since.toISOString() } : {}),
    verdict: blockers.length === 0 ? "ready" : "not-ready",
    blockers,
    apis,
    openFailures: [...latestBySpec.values()].flatMap(openFailures),
    traces: summariseTraces(traces, options.lastTraces ?? 100, options.startedAt),
  };
}

function apiFromRun(run: TestRun): ApiReport {
  const categories: CategoryReport[] = TEST_CATEGORIES.map((category) => {
    const decided = run.profile.categories[category] ?? {
      requirement: "optional",
      reason: "not in the profile",
    };
    const results = run.results.filter((result) => result.category === category);
    const counts = { passed: 0, failed: 0, skipped: 0, notApplicable: 0 };
    for (const result of results) {
      if (result.status === "n/a") counts.notApplicable++;
      else counts[result.status]++;
    }
    const outcome =
      counts.failed > 0
        ? "failed"
        : counts.passed > 0
          ? "passed"
          : decided.requirement === "n/a" || (results.length > 0 && counts.notApplicable === results.length)
            ? "n/a"
            : counts.skipped > 0
              ? "skipped"
              : "not-run";
    return { category, requirement: decided.requirement, reason: decided.reason, outcome, counts };
  });
  return {
    title: run.spec.title,
    version: run.spec.version,
    sha256: run.spec.sha256,
    testRun: {
      id: run.id,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      ...(run.baseUrl ? { baseUrl: run.baseUrl } : {}),
    },
    categories,
    ready: categories.every((c) => c.requirement !== "required" || c.outcome === "passed"),
  };
}

function notRun(title: string, version: string, sha256: string): ApiReport {
  return { title, version, sha256, categories: [], ready: false };
}

function openFailures(run: TestRun): OpenFailure[] {
  return run.results
    .filter((result) => result.status === "failed")
    .map((result) => ({
      api: `${run.spec.title} ${run.spec.version}`,
      caseId: result.id,
      category: result.category,
      name: result.name,
      ...(result.operation ? { operation: result.operation } : {}),
      message: result.failure?.message ?? "failed",
      ...(result.failure?.pointer ? { pointer: result.failure.pointer } : {}),
      ...responseOf(result),
      annotations: result.annotations,
    }));
}

const EXCERPT_CHARS = 300;

/**
 * The last answered exchange of a failed case, as the report shows it (issue 19: the excerpt
 * that explains a failure, not only the status). Exchanges are stored redacted, so is this.
 */
function responseOf(result: TestRun["results"][number]): Pick<OpenFailure, "response"> {
  const exchange = [...result.exchanges].reverse().find((e) => e.response !== undefined);
  if (!exchange?.response) return {};
  const body = exchange.response.body;
  const text =
    body === undefined
      ? ""
      : (typeof body === "string" ? body : JSON.stringify(body)).replace(/\s+/g, " ").trim();
  let path = exchange.request.url;
  try {
    const url = new URL(exchange.request.url);
    path = url.pathname;
  } catch {
    // a relative URL stays as it is
  }
  return {
    response: {
      request: `${exchange.request.method} ${path}`,
      status: exchange.response.status,
      ...(text !== ""
        ? { excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text }
        : {}),
    },
  };
}

/** Time to first success over every trace, error rates over the last `window` of them. */
export function summariseTraces(all: readonly Trace[], window: number, startedAt?: Date): TraceSummary {
  const traces = [...all].sort((a, b) => a.timing.startedAt.localeCompare(b.timing.startedAt));
  const first = traces[0];
  const successIndex = traces.findIndex(
    (trace) =>
      trace.response !== undefined &&
      trace.response.status >= 200 &&
      trace.response.status < 400 &&
      trace.conformance?.ok !== false,
  );
  const success = successIndex === -1 ? undefined : traces[successIndex];
  const from = startedAt?.getTime() ?? (first ? Date.parse(first.timing.startedAt) : undefined);
  const recent = traces.slice(Math.max(0, traces.length - window));
  const byOperation = new Map<string, OperationErrorRate>();
  const problemCounts = new Map<string, Map<string, NonNullable<OperationErrorRate["topProblem"]>>>();
  for (const trace of recent) {
    const name = trace.operation ?? "(unmatched)";
    const entry = byOperation.get(name) ?? {
      operation: name,
      calls: 0,
      errors: 0,
      nonConforming: 0,
      errorRate: 0,
    };
    entry.calls++;
    if (trace.error !== undefined || (trace.response?.status ?? 0) >= 400) entry.errors++;
    if (trace.conformance?.ok === false) entry.nonConforming++;
    entry.errorRate = entry.errors / entry.calls;
    byOperation.set(name, entry);
    const counts =
      problemCounts.get(name) ?? new Map<string, NonNullable<OperationErrorRate["topProblem"]>>();
    for (const problem of trace.conformance?.problems ?? []) {
      const key = `${problem.pointer} ${problem.code}`;
      const known = counts.get(key) ?? {
        pointer: problem.pointer,
        code: problem.code,
        message: problem.message,
        count: 0,
      };
      known.count++;
      counts.set(key, known);
    }
    problemCounts.set(name, counts);
  }
  for (const [name, counts] of problemCounts) {
    let top: OperationErrorRate["topProblem"];
    for (const candidate of counts.values()) if (!top || candidate.count > top.count) top = candidate;
    const entry = byOperation.get(name);
    if (entry && top) entry.topProblem = top;
  }
  return {
    total: traces.length,
    ...(first ? { firstCallAt: first.timing.startedAt } : {}),
    ...(success
      ? {
          firstSuccessAt: success.timing.startedAt,
          timeToFirstSuccessMs: Math.max(0, Date.parse(success.timing.startedAt) - (from ?? 0)),
          callsBeforeFirstSuccess: successIndex,
        }
      : {}),
    errorRates: [...byOperation.values()].sort(
      (a, b) => b.errorRate - a.errorRate || b.calls - a.calls || a.operation.localeCompare(b.operation),
    ),
    window: recent.length,
  };
}

function latest(runs: readonly TestRun[]): TestRun | undefined {
  let found: TestRun | undefined;
  for (const run of runs) if (!found || run.startedAt >= found.startedAt) found = run;
  return found;
}

async function readAll<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor !== undefined && items.length < MAX_ITEMS);
  return items;
}
