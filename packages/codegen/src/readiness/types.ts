import type {
  Annotation,
  EnvironmentKind,
  ExchangeRedactionOptions,
  OpenApiDocument,
  ReadinessStore,
  SecretProvider,
  TestCaseResult,
  TestCategory,
  TestExchange,
  TestProfile,
} from "@synapseops/core";
import type { MockServerOptions } from "../mock/types";

/** An annotation as a caller writes it: the core `Annotation`, `severity` defaulting to `info`. */
export type AnnotationInput = Omit<Annotation, "severity"> & { severity?: Annotation["severity"] };

/** Options of {@link buildGoldenSuite}. */
export interface GoldenSuiteOptions {
  /**
   * Which categories apply. Categories marked `n/a` get one `n/a` case carrying the reason.
   * @default detectProfile(doc)
   */
  profile?: TestProfile;
  /** Vendor annotations; those targeting `operation:<operationId>` are matched per request. */
  annotations?: readonly AnnotationInput[];
  /**
   * Most cases per category, so suites stay bounded on large documents (Stripe: 452
   * operations). Operations are sampled evenly across the document; the count left out is in
   * {@link GoldenSuite.omitted}.
   * @default 6
   */
  maxCasesPerCategory?: number;
  /**
   * Requests sent back to back by the rate-limit case.
   * @default 30
   */
  rateLimitBurst?: number;
  /**
   * Longest `Retry-After` (seconds) the rate-limit case waits before retrying; a longer one
   * skips the retry part with that reason.
   * @default 5
   */
  maxRetryAfterSeconds?: number;
  /**
   * Pages a pagination walk may take before it counts as not terminating.
   * @default 10
   */
  maxPages?: number;
  /** The client retry policy the timeouts-retries cases use. */
  retry?: SuiteRetryPolicy;
}

/** The client retry policy of the `timeouts-retries` cases. */
export interface SuiteRetryPolicy {
  /**
   * Time one attempt may take before it is aborted and retried.
   * @default 2000
   */
  attemptTimeoutMs?: number;
  /**
   * Attempts in all, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Delay before the first retry, doubled for each next one (a `Retry-After` header wins).
   * @default 100
   */
  initialDelayMs?: number;
}

/** A golden contract suite: cases grouped by category, built from one OpenAPI document. */
export interface GoldenSuite {
  document: OpenApiDocument;
  /** Title, version and sha256 of the canonical document (what a `TestRun` records). */
  spec: { title: string; version: string; sha256: string };
  profile: TestProfile;
  annotations: readonly Annotation[];
  /** Cases in category order (`TEST_CATEGORIES` of core). */
  cases: readonly GoldenCase[];
  /** How many candidate cases each category left out to respect `maxCasesPerCategory`. */
  omitted: Partial<Record<TestCategory, number>>;
  /** The limits the suite was built with (defaults filled in). */
  limits: Required<Omit<GoldenSuiteOptions, "profile" | "annotations" | "retry">> & {
    retry: Required<SuiteRetryPolicy>;
  };
}

/** One case of a {@link GoldenSuite}. */
export interface GoldenCase {
  /** Stable across builds of the same document: `schema:getPet`, `auth:bearerAuth:missing`. */
  id: string;
  category: TestCategory;
  name: string;
  /** The operation under test (its `operationId`), when there is one. */
  operation?: string;
  /** Set when the case cannot apply: it is reported `n/a` with this reason and never runs. */
  notApplicable?: string;
  /** Runs after every other case (bursts, injected faults), so it does not disturb them. */
  isolated?: boolean;
  /**
   * The checks. Resolves when they hold; throws a {@link CaseFailure} (from `context.fail`)
   * when one does not, a {@link CaseSkip} (from `context.skip`) when the environment cannot
   * run the case, or a {@link CaseNotApplicable} (from `context.notApplicable`).
   */
  run?: (context: CaseContext) => Promise<void>;
}

/** A request a case sends, relative to the environment's base URL. */
export interface CaseRequest {
  method: string;
  /** The path with parameters filled in, e.g. `/pets/1`; or an absolute URL (a `Link` next page). */
  path: string;
  query?: readonly [string, string][];
  headers?: Record<string, string>;
  body?: string;
  /**
   * Credentials to send: `true` applies the environment's credentials for the operation's
   * security requirements; `false` sends none; an object replaces them (`{ bearerAuth: "bad" }`).
   * @default true
   */
  credentials?: boolean | Record<string, string>;
  /** The operation whose security requirements and annotations apply. */
  operationId?: string;
  /** Abort the request after this many ms (a timeout shows as an exchange with `error`). */
  timeoutMs?: number;
}

/** What a case gets back from {@link CaseContext.send}. */
export interface CaseResponse {
  status: number;
  headers: Headers;
  /** The raw body text. */
  text: string;
  /** Parsed JSON when the body is JSON, else undefined. */
  json: unknown;
  durationMs: number;
}

/** What a running case uses to talk to the environment and report its outcome. */
export interface CaseContext {
  /** The environment's base URL (no trailing slash). */
  baseUrl: string;
  environment: string;
  signal: AbortSignal;
  /**
   * Sends a request and records the exchange (redacted) on the case's result. Outside the
   * `idempotency` category an `Idempotency-Key` header gets a fresh value on every request, so
   * no case meets another's key.
   */
  send(request: CaseRequest): Promise<CaseResponse>;
  /** Where webhook deliveries go (`{name}` replaced by the webhook's name), when configured. */
  webhookUrl(name: string): string | undefined;
  /** The secret webhook deliveries are signed with (`whsec_…`), when configured. */
  webhookSecret: string | undefined;
  /** Credentials by security-scheme name, as resolved for the environment. */
  credentials: Readonly<Record<string, string>>;
  /** Throws the failure of the case: `pointer` says where in the exchange (`/response/body/id`). */
  fail(message: string, details?: { pointer?: string; expected?: unknown; actual?: unknown }): never;
  /** Throws: the case cannot run here (missing configuration); reported `skipped` with the reason. */
  skip(reason: string): never;
  /**
   * Throws: what the case checks turns out not to exist for this API (an optional behaviour
   * the document does not promise and the environment does not show); reported `n/a`.
   */
  notApplicable(reason: string): never;
  /** Waits, unless the run is aborted. */
  sleep(ms: number): Promise<void>;
}

/** An environment a suite runs against: the core `Environment`'s fields that matter here. */
export interface SuiteEnvironment {
  /** `mock`, `sandbox`, `uat`… recorded on the `TestRun`. */
  name: string;
  /** `mock` without a `baseUrl` starts the codegen mock server in process for the run. */
  kind?: EnvironmentKind;
  baseUrl?: string;
  /**
   * Plain values. `webhookUrl` is where webhook deliveries are sent (`{name}` is replaced by the
   * webhook's name); a security scheme's name may hold its credential when it is not secret.
   */
  variables?: Record<string, string>;
  /**
   * Logical name → key for the secret resolver. A security scheme's name (`bearerAuth`) holds its
   * credential (HTTP basic: `user:password`); `webhookSecret` the webhook signing secret.
   */
  secrets?: Record<string, string>;
}

/** Progress of a {@link runSuite} call, after each case. */
export interface SuiteProgress {
  done: number;
  total: number;
  result: TestCaseResult;
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  environment: SuiteEnvironment;
  /** Resolves the keys in `environment.secrets`: a core `SecretProvider` or a function. */
  secrets?: SecretProvider | ((key: string) => string | undefined | Promise<string | undefined>);
  /** Aborting stops new cases; running ones end as `skipped` ("aborted"). */
  signal?: AbortSignal;
  /**
   * Cases run at once (isolated ones run one at a time at the end).
   * @default 4
   */
  concurrency?: number;
  onProgress?: (progress: SuiteProgress) => void;
  /** Where the `TestRun` is stored (`insertTestRun`), e.g. the runtime's store. */
  store?: Pick<ReadinessStore, "insertTestRun">;
  /**
   * The project the run belongs to.
   * @default "adhoc"
   */
  projectId?: string;
  /**
   * How exchanges are redacted before they are kept: options for core's `createExchangeRedactor`
   * (credential headers, PII detectors, JSON paths; the resolved secrets are always added), or a
   * function of your own.
   * @default createExchangeRedactor with the resolved secrets
   */
  redact?: ExchangeRedactionOptions | ((exchange: TestExchange) => TestExchange);
  /**
   * The fetch used for requests.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Extra options for the in-process mock of a `mock` environment without a `baseUrl`. */
  mock?: MockServerOptions;
}
