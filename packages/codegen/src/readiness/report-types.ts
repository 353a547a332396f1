import type {
  CategoryRequirement,
  MatchedAnnotation,
  OpenApiDocument,
  ReadinessStore,
  TestCategory,
} from "@synapseops/core";

/** Options of {@link readinessReport}. */
export interface ReadinessReportOptions {
  /** Where test runs and traces are read from (the runtime's store, or any ReadinessStore). */
  store: Pick<ReadinessStore, "listTestRuns" | "listTraces">;
  projectId: string;
  /** Only test runs and traces from this instant on. */
  since?: Date;
  /**
   * The environment the verdict is for (`sandbox`, `uat`…).
   * @default the environment of the most recent test run
   */
  environment?: string;
  /**
   * The project's API documents. Each one without a test run in the environment shows as
   * `not-run` (and the project is not ready); without this, the report covers the documents
   * that have runs.
   */
  documents?: readonly OpenApiDocument[];
  /**
   * How many of the most recent traces the error rates by operation are computed over.
   * @default 100
   */
  lastTraces?: number;
  /**
   * Where "time to first successful call" counts from (the partner's start, the project's
   * creation).
   * @default the first recorded call in the environment
   */
  startedAt?: Date;
  /** The clock, for tests. @default () => new Date() */
  now?: () => Date;
}

/** The outcome of one category for one API. */
export type CategoryOutcome = "passed" | "failed" | "skipped" | "n/a" | "not-run";

/** One category of one API in a report. */
export interface CategoryReport {
  category: TestCategory;
  requirement: CategoryRequirement;
  /** Why the profile decided the requirement. */
  reason: string;
  /**
   * `failed` when any case failed; `passed` when cases passed and none failed; `n/a` when the
   * profile or every case says it does not apply; `skipped` when cases could not run here.
   */
  outcome: CategoryOutcome;
  counts: { passed: number; failed: number; skipped: number; notApplicable: number };
}

/** One API (one OpenAPI document) in a report. */
export interface ApiReport {
  title: string;
  version: string;
  sha256: string;
  /** The test run the categories come from (the latest in the environment); absent: not run. */
  testRun?: { id: string; startedAt: string; finishedAt: string; baseUrl?: string };
  categories: CategoryReport[];
  /** Every required category passed. */
  ready: boolean;
}

/** A failed case still open in the latest run, with what explains it. */
export interface OpenFailure {
  api: string;
  caseId: string;
  category: TestCategory;
  name: string;
  operation?: string;
  message: string;
  /** Where in the exchange the assertion failed. */
  pointer?: string;
  /**
   * The last answer the case got, which explains the failure: the request line, the status and
   * the start of the body (from the stored exchange, redacted like it; at most 300 characters).
   */
  response?: { request: string; status: number; excerpt?: string };
  /** The vendor annotations whose conditions held for the case's requests. */
  annotations: MatchedAnnotation[];
}

/** Calls and errors of one operation over the most recent traces. */
export interface OperationErrorRate {
  /** `operationId`, or `(unmatched)` for calls no operation of the documents matched. */
  operation: string;
  calls: number;
  /** 4xx/5xx answers and calls that failed before a response. */
  errors: number;
  /** Calls whose exchange did not conform to the document. */
  nonConforming: number;
  /** errors / calls. */
  errorRate: number;
  /** The conformance problem seen most often on the operation's calls (by pointer and code). */
  topProblem?: { pointer: string; code: string; message: string; count: number };
}

/** What the traces of the environment say. */
export interface TraceSummary {
  /** Traces read (all of them since `since`). */
  total: number;
  firstCallAt?: string;
  /** The first 2xx/3xx answer that also conformed to the document when it was checked. */
  firstSuccessAt?: string;
  /** From `startedAt` (or the first call) to the first successful call. */
  timeToFirstSuccessMs?: number;
  /** Calls made before the first successful one. */
  callsBeforeFirstSuccess?: number;
  /** Over the last {@link ReadinessReportOptions.lastTraces} traces, worst first. */
  errorRates: OperationErrorRate[];
  /** How many traces the error rates cover. */
  window: number;
}

/** A project's integration readiness in one environment. */
export interface ReadinessReport {
  projectId: string;
  environment: string;
  generatedAt: string;
  since?: string;
  /** `ready` when every required category of every API passed in the environment. */
  verdict: "ready" | "not-ready";
  /** Why not ready, one line each (empty when ready). */
  blockers: string[];
  apis: ApiReport[];
  openFailures: OpenFailure[];
  traces: TraceSummary;
}
