import { createMappingSuggester } from "@synapseops/mapping";
import {
  type Authorize,
  type AuthorizeAction,
  type AuthorizeResource,
  allowAll,
  assertAuthorized,
} from "./authorize";
import { type BlueprintService, blueprintService } from "./blueprints/blueprint-service";
import type { ConnectionsOptions } from "./connections/connection-inputs";
import { type ConnectionService, connectionService } from "./connections/connection-service";
import { type Connector, connectorRegistry } from "./connector";
import { type ConnectorService, connectorService } from "./connector-service";
import { toSynapseError, ValidationError } from "./errors";
import { newId } from "./ids";
import { checkInput, DEFAULT_INPUT_LIMITS, type InputLimits } from "./input-guard";
import { type Logger, silentLogger } from "./logger";
import type { AuditEntry } from "./model/audit";
import type { ConnectorRefInput } from "./model/connector-ref";
import {
  type ConnectorRefInputFor,
  type ConnectorRefService,
  type EnvironmentService,
  type ProjectService,
  projectServices,
} from "./projects/project-service";
import { type AdmissionOptions, createAdmission } from "./runs/create/admission";
import { inlineQueue, type RunQueue } from "./runs/execute/run-queue";
import { connectorLimiters } from "./runs/limits/connector-limiter";
import { KeyGate } from "./runs/limits/key-gate";
import { memoryLimitBackend } from "./runs/limits/memory-limit-backend";
import { recordLimiter } from "./runs/limits/record-limiter";
import { parseRecordLimits, type RecordLimitsOptions } from "./runs/limits/record-limits-options";
import type { RateLimit } from "./runs/limits/token-bucket";
import { type RedactionOptions, Redactor } from "./runs/observe/redactor";
import { createCompileCache } from "./runs/plan/compile-cache";
import { createPlanCache } from "./runs/plan/plan-cache";
import { createRevisionCache } from "./runs/plan/revision-cache";
import { type StepTraceOptions, stepTraceSettings } from "./runs/records/step-trace";
import { runServices } from "./runs/run-service";
import type { DeadLetterService, RunService } from "./runs/types";
import { type ScheduleService, scheduleService } from "./schedules/schedule-service";
import { type Scheduler, type SchedulerOptions, startScheduler } from "./schedules/scheduler";
import type { SecretProvider } from "./secret-provider";
import { withPayloadCodec } from "./store/encrypted-store";
import { memoryStore } from "./store/memory-store";
import type { PayloadCodec } from "./store/payload-codec";
import type { AuditFilter, Page, RunPayloadPurge, Store } from "./store/types";
import type { MappingSuggester } from "./suggester";

/**
 * What {@link createRuntime} takes. Every field has an embedded default. `Connectors` is the
 * list given as `connectors`; {@link Runtime.connectorRefs} is typed from it.
 */
export interface RuntimeOptions<Connectors extends readonly Connector[] = readonly Connector[]> {
  /**
   * Where the model and execution state live.
   * @default memoryStore()
   */
  store?: Store;
  /**
   * The host's pino logger; the runtime makes child loggers per component.
   * @default a silent logger
   */
  logger?: Logger;
  /**
   * Proposes mappings for `blueprints.generate`.
   * @default the mapping engine's suggester (names, synonyms, types and conversions, samples)
   */
  suggester?: MappingSuggester;
  /**
   * Connector types the runtime knows; connector refs and blueprints referring to other types
   * fail validation. Given as a literal list (`[http(), postgres()]`), it also types
   * `connectorRefs.put`: only these type names, each with its own config type.
   * @default [] (types are not checked)
   */
  connectors?: Connectors;
  /**
   * The actor recorded in the audit log when an operation names none.
   * @default "system"
   */
  actor?: string;
  /**
   * Decides whether an actor may do an action: the blueprint service asks it before every
   * design-time write (create, edit, validate, approve, archive, restore) with the actor of
   * the call; hosts ask it for the rest through {@link Runtime.authorize}. Refusals throw a
   * `ForbiddenError` (`FORBIDDEN`).
   * @default allowAll
   * @example createRuntime({ authorize: (actor, action) => action !== "blueprint.approve" || approvers.has(actor) })
   */
  authorize?: Authorize;
  /**
   * The clock, for tests.
   * @default () => new Date()
   */
  clock?: () => Date;
  /**
   * Where runs are dispatched.
   * @default inlineQueue()
   */
  queue?: RunQueue;
  /** Resolves connector and environment secrets; every value is registered for redaction. */
  secrets?: SecretProvider;
  /** Keys (PII fields) and secret values hidden from events, logs, errors and dead letters. */
  redaction?: RedactionOptions;
  /**
   * Encrypts what the store keeps of records and results — run batches' records, idempotency
   * records' results, dead letters' records — before they are written, and decrypts them when
   * read (see `withPayloadCodec`). Works with any store.
   * @default none (payloads are stored as JSON)
   * @example createRuntime({ store, payloadCodec: aesGcmPayloadCodec({ keys: envKeyProvider() }) })
   */
  payloadCodec?: PayloadCodec;
  /** How long run payloads are kept (see {@link Runtime.purgeRunPayloads}). */
  retention?: {
    /**
     * Age after which the records and results of finished work are purged.
     * @default undefined (kept until the host purges them)
     * @example 7 * 86_400_000 // a week
     */
    runPayloadsMs?: number;
    /**
     * How often the runtime purges by itself when `runPayloadsMs` is set; `0` leaves it to calls
     * of `purgeRunPayloads()`.
     * @default 3_600_000 (hourly)
     */
    sweepEveryMs?: number;
  };
  /**
   * Per-customer connections (`runtime.connections`): the key provider their credentials are
   * encrypted with, OAuth providers, the redirect URI and the hook called when one breaks.
   * @example
   * ```ts
   * createRuntime({ connections: { keys: envKeyProvider(), providers: { hubspot: { … } }, onBroken } })
   * ```
   */
  connections?: ConnectionsOptions;
  /** Idempotency key handling. */
  idempotency?: {
    /** How long a claim holds before another worker may take it over. @default 30_000 */
    leaseMs?: number;
    /** How long outcomes are kept (and duplicates detected). @default 86_400_000 (24 h) */
    ttlMs?: number;
    /** How long a duplicate waits for an in-progress key before reporting a conflict. @default 5_000 */
    waitMs?: number;
  };
  /**
   * Records of one run processed at once.
   * @default 8
   */
  recordConcurrency?: number;
  /**
   * Keep a per-step trace of every record (issue 23): each step's start, duration, attempts,
   * input and output (redacted, at most `maxValueChars` each) and error, as one `record.steps`
   * run event per pass through the steps — `runtime.runs.events(runId, { recordKey, type:
   * "record.steps" })` reads a record's. Costs a redacted copy of each step's values and one
   * event per record, so it is off unless asked for.
   * @default false
   * @example createRuntime({ store, stepTrace: { maxValueChars: 4_000 } })
   */
  stepTrace?: boolean | StepTraceOptions;
  /**
   * Per connector ref id: calls at once and a token-bucket rate limit, across all runs.
   * @example { con_erp: { concurrency: 4, rate: { ratePerSecond: 10, burst: 20 } } }
   */
  connectorLimits?: Record<string, { concurrency?: number; rate?: RateLimit }>;
  /**
   * Concurrency and rate limits per key of a record (a tenant, a connection, a connector ref),
   * enforced over every worker — on BullMQ's Redis, else the PostgreSQL store, else in this
   * process — with records of different keys served fairly (see docs/time-and-limits.md).
   * @throws ValidationError at `/recordLimits/…` from `createRuntime` when malformed.
   * @example { limits: [{ name: "tenant", key: "record.tenantId", concurrency: 2, ratePerSecond: 20 }] }
   */
  recordLimits?: RecordLimitsOptions;
  /**
   * Durable runs: records are written to the store in batches that workers lease with a
   * heartbeat, so a run survives its process and batches spread over the workers of a
   * distributed queue. Needs a durable store (PostgreSQL) to survive a restart.
   * @default true unless the store is `memoryStore()` with the inline queue
   */
  durableRuns?: boolean;
  /**
   * Records per batch of a durable run: the unit a worker claims, and what a crash re-examines.
   * @default 100
   */
  batchSize?: number;
  /**
   * How long a worker's batch lease holds without a heartbeat (renewed every third of it). A
   * killed worker's batches are taken over after it.
   * @default 30_000
   */
  batchLeaseMs?: number;
  /**
   * Pick up unfinished durable runs when the runtime is created, and then every
   * `batchLeaseMs`: batches whose worker died are queued again and approval timeouts re-armed,
   * without a command from the host. `false` leaves it to `runtime.resume()`.
   * @default true when runs are durable
   * @example createRuntime({ store, queue, resumeOnStart: false }) // a producer-only process
   */
  resumeOnStart?: boolean;
  /**
   * Parked records (issue 20): a retry waiting a step's `parkAfterMs` or more stores the record
   * until it is due instead of holding a worker. Every runtime sweeps the store for due parked
   * records every `sweepEveryMs` (`0`: only through {@link Runtime.resumeParked}); a claim on one
   * holds `leaseMs` (a worker that dies mid-attempt frees its records after it).
   * @default { sweepEveryMs: 1_000 (0 with `resumeOnStart: false`, a producer-only process), leaseMs: 60_000 }
   * @example createRuntime({ store, queue, parking: { sweepEveryMs: 5_000 } })
   */
  parking?: { sweepEveryMs?: number; leaseMs?: number };
  /**
   * Admission control (backpressure): a new run is refused with an `OverloadedError`
   * (`retryAfterMs`) while the run queue holds `maxQueuedJobs` jobs accepted but not finished,
   * so a producer faster than its workers is told to slow down instead of filling memory or
   * Redis. See {@link AdmissionOptions}.
   * @default { maxQueuedJobs: 10_000, retryAfterMs: 1_000 }
   * @example createRuntime({ queue, admission: { maxQueuedJobs: 2_000, retryAfterMs: 2_000 } })
   */
  admission?: AdmissionOptions;
  /**
   * Bounds on what callers hand the runtime. Every argument of every method is checked before
   * it reaches the store: strings with NUL or lone surrogates, and nesting deeper than
   * `maxDepth`, are refused with a ValidationError (`INVALID_INPUT`) and a `path` pointer.
   * @default { maxDepth: 128 }
   */
  inputLimits?: InputLimits;
  /**
   * Firing schedules (see {@link Runtime.schedules}). A runtime fires them once it has created,
   * changed or resumed one; a worker process that never does sets `fire: true`. Any number of
   * runtimes may fire the same schedules: each tick is claimed once in the store.
   * @default { fire: false, tickLeaseMs: 90_000, refreshMs: 5_000, keepTicks: 1_000 }
   * @example createRuntime({ store, queue, schedules: { fire: true } }) // a worker
   */
  schedules?: SchedulerOptions & {
    /** Fire schedules from creation, without waiting for a call of `runtime.schedules`. @default false */
    fire?: boolean;
  };
}

/** What {@link Runtime.health} reports per part. */
export interface HealthCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** `runtime.connectors`: the registered types and calls on configured refs. */
export interface RuntimeConnectors extends ConnectorService {
  /** The connector types registered, by type. */
  readonly types: ReadonlyMap<string, Connector>;
}

/**
 * The object a host uses: the model's services over one store. `RefInput` is what
 * `connectorRefs.put` takes, typed from the connectors the runtime was created with (see
 * {@link ConnectorRefInputFor}); a plain `Runtime` accepts any runtime.
 */
export interface Runtime<RefInput = ConnectorRefInput> {
  readonly store: Store;
  readonly logger: Logger;
  readonly projects: ProjectService;
  readonly environments: EnvironmentService;
  /** Connector refs; `put` takes only the registered types, each with its own config type. */
  readonly connectorRefs: ConnectorRefService<RefInput>;
  readonly blueprints: BlueprintService;
  readonly audit: { list(filter?: AuditFilter): Promise<Page<AuditEntry>> };
  readonly runs: RunService;
  readonly deadLetters: DeadLetterService;
  /**
   * Schedules of blueprints: cron (in a time zone) or fixed intervals that poll a source or
   * start a run; each tick fires once across every worker (see docs/time-and-limits.md).
   */
  readonly schedules: ScheduleService;
  /** Shorthand for `runs.ingest`: a run of the records a webhook or event source delivered. */
  ingest: RunService["ingest"];
  /**
   * Asks the runtime's `authorize` whether `actor` may do `action` on `resource`; throws a
   * `ForbiddenError` when it may not. The one place a host's edge and the runtime decide.
   */
  authorize(actor: string, action: AuthorizeAction, resource: AuthorizeResource): Promise<void>;
  /** Store and queue health, with latency. */
  health(): Promise<{ ok: boolean; store: HealthCheck; queue: HealthCheck }>;
  /** The connector types registered, and connection tests and health checks of connector refs. */
  readonly connectors: RuntimeConnectors;
  /** Per-customer credentials for connector refs: OAuth 2.0, API keys, client credentials. */
  readonly connections: ConnectionService;
  /**
   * Queues every unfinished durable run again (batches no live worker holds) and re-arms its
   * approval timeouts; returns how many runs it looked at. Runs by itself with `resumeOnStart`.
   */
  resume(): Promise<number>;
  /**
   * Resumes every parked record that is due now (claimed in the store, so any number of workers
   * may call it); returns how many it resumed. Runs by itself every `parking.sweepEveryMs`.
   */
  resumeParked(): Promise<number>;
  /**
   * Retention: removes records and results of work older than `olderThan` (default: now minus
   * `retention.runPayloadsMs`) — see `RunStore.purgeRunPayloads`. Runs by itself every
   * `retention.sweepEveryMs` when `runPayloadsMs` is set.
   * @throws ValidationError (`INVALID_INPUT`) when neither `olderThan` nor `runPayloadsMs` is given.
   */
  purgeRunPayloads(options?: { olderThan?: Date }): Promise<RunPayloadPurge>;
  /** Stops taking runs, waits up to `timeoutMs` (default 10 s) for running ones, then closes the store. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Creates a runtime: the entry point of the SDK, wired by the host.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ logger: pino(), connectors: [http()] });
 * const project = await runtime.projects.create({ name: "Shop → ERP" });
 * await runtime.connectorRefs.put(project.id, { type: "http", name: "ERP", config: { baseUrl: "https://erp.example" } });
 * ```
 */
export function createRuntime<const Connectors extends readonly Connector[] = []>(
  options: RuntimeOptions<Connectors> = {},
): Runtime<ConnectorRefInputFor<Connectors>> {
  const baseStore = options.store ?? memoryStore();
  const store = options.payloadCodec ? withPayloadCodec(baseStore, options.payloadCodec) : baseStore;
  const logger = (options.logger ?? silentLogger()).child({ component: "synapseops" });
  const deps = {
    store,
    logger,
    suggester: options.suggester ?? (createMappingSuggester() as MappingSuggester),
    connectors: connectorRegistry(options.connectors ?? []),
    actor: options.actor ?? "system",
    clock: options.clock ?? (() => new Date()),
    authorize: options.authorize ?? allowAll,
  };
  // Plans kept across one-record runs; a ref this process puts or removes drops those bound from it.
  const plans = createPlanCache();
  const { projects, environments, connectorRefs } = projectServices(deps, {
    refChanged: (id) => plans.forgetRef(id),
  });
  const queue = options.queue ?? inlineQueue();
  const redactor = new Redactor(options.redaction);
  const limiter = connectorLimiters(options.connectorLimits);
  const workerId = newId("run").replace("run_", "worker_");
  const limits = options.recordLimits === undefined ? undefined : parseRecordLimits(options.recordLimits);
  const limitsLogger = logger.child({ component: "record-limits" });
  const records =
    limits === undefined || limits.limits.length === 0
      ? undefined
      : recordLimiter(
          limits.limits,
          new KeyGate(
            options.recordLimits?.backend ??
              queue.limitBackend?.() ??
              baseStore.limitBackend?.() ??
              memoryLimitBackend(),
            { leaseMs: limits.leaseMs, workerId, logger: limitsLogger },
          ),
          limitsLogger,
        );
  const durable = options.durableRuns ?? !(store.kind === "memory" && queue.kind === "inline");
  const batchLeaseMs = options.batchLeaseMs ?? 30_000;
  const connectorCalls = connectorService({
    ...deps,
    secrets: options.secrets,
    registerSecret: (value) => redactor.addSecret(value),
  });
  const connections = connectionService({
    store,
    logger,
    clock: deps.clock,
    secrets: redactor,
    testConnector: async (refId, resolved) => {
      const { connector, config, context } = await connectorCalls.prepare(refId, {
        connectionSecrets: resolved.secrets,
        connection: resolved.handle,
      });
      await connector.test?.(config, context);
    },
    ...(options.connections === undefined ? {} : { options: options.connections }),
  });
  const { runs, deadLetters, stopTimers, abandonUnwrittenRuns, resume, resumeParked } = runServices({
    ...deps,
    queue,
    secrets: options.secrets,
    redactor,
    compiled: createCompileCache(),
    revisions: createRevisionCache(),
    plans,
    connections,
    limiter,
    idempotency: {
      leaseMs: options.idempotency?.leaseMs ?? 30_000,
      ttlMs: options.idempotency?.ttlMs ?? 86_400_000,
      waitMs: options.idempotency?.waitMs ?? 5_000,
    },
    recordConcurrency: options.recordConcurrency ?? 8,
    stepTrace: stepTraceSettings(options.stepTrace),
    recordLimiter: records,
    workerId,
    runLeaseMs: 60_000,
    durable,
    batchSize: Math.max(1, options.batchSize ?? 100),
    batchLeaseMs,
    admission: createAdmission(queue, options.admission),
    parking: { leaseMs: options.parking?.leaseMs ?? 60_000 },
  });
  let scheduler: Scheduler | undefined;
  let closing = false;
  const fireSchedules = (): void => {
    if (closing) return;
    scheduler ??= startScheduler(
      { store, runs, clock: deps.clock, logger: logger.child({ component: "scheduler" }), workerId },
      options.schedules,
    );
    scheduler.wake();
  };
  if (options.schedules?.fire === true) fireSchedules();
  const schedules = scheduleService({
    store,
    clock: deps.clock,
    changed: fireSchedules,
    actor: deps.actor,
  });
  let sweeper: NodeJS.Timeout | undefined;
  if (durable && (options.resumeOnStart ?? true)) {
    const sweep = (): void => {
      resume().catch((error: unknown) => {
        logger.warn({ err: toSynapseError(error) }, "resuming unfinished runs failed; retrying later");
      });
    };
    setImmediate(sweep);
    sweeper = setInterval(sweep, batchLeaseMs);
    sweeper.unref();
  }
  let parkedSweeper: NodeJS.Timeout | undefined;
  const parkedSweepMs = options.parking?.sweepEveryMs ?? (options.resumeOnStart === false ? 0 : 1_000);
  if (parkedSweepMs > 0) {
    parkedSweeper = setInterval(() => {
      resumeParked().catch((error: unknown) => {
        logger.warn(
          { err: redactor.redact(toSynapseError(error)) },
          "resuming parked records failed; retrying later",
        );
      });
    }, parkedSweepMs);
    parkedSweeper.unref();
  }
  const purgeRunPayloads = async (purge: { olderThan?: Date } = {}): Promise<RunPayloadPurge> => {
    const ageMs = options.retention?.runPayloadsMs;
    if (purge.olderThan === undefined && ageMs === undefined) {
      throw new ValidationError(
        "purgeRunPayloads needs olderThan, or retention.runPayloadsMs in the runtime options",
        {
          path: "/olderThan",
        },
      );
    }
    const before = purge.olderThan ?? new Date(deps.clock().getTime() - (ageMs ?? 0));
    return store.purgeRunPayloads(before);
  };
  let retentionSweeper: NodeJS.Timeout | undefined;
  const sweepEveryMs = options.retention?.sweepEveryMs ?? 3_600_000;
  if (options.retention?.runPayloadsMs !== undefined && sweepEveryMs > 0) {
    retentionSweeper = setInterval(() => {
      purgeRunPayloads().catch((error: unknown) => {
        logger.warn(
          { err: redactor.redact(toSynapseError(error)) },
          "purging run payloads failed; retrying later",
        );
      });
    }, sweepEveryMs);
    retentionSweeper.unref();
  }
  const check = async (probe: () => Promise<void>): Promise<HealthCheck> => {
    const started = performance.now();
    try {
      await probe();
      return { ok: true, latencyMs: performance.now() - started };
    } catch (error) {
      return {
        ok: false,
        latencyMs: performance.now() - started,
        error: redactor.redactText(error instanceof Error ? error.message : String(error)),
      };
    }
  };
  const inputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.inputLimits };
  return guardErrors(inputLimits, "", {
    store,
    logger,
    projects,
    environments,
    // The typed input is a narrowing of ConnectorRefInput; put checks it at run time as well.
    connectorRefs: connectorRefs as ConnectorRefService<ConnectorRefInputFor<Connectors>>,
    blueprints: blueprintService(deps),
    audit: { list: (filter) => store.listAudit(filter) },
    authorize: (actor, action, resource) => assertAuthorized(deps.authorize, actor, action, resource),
    connectors: {
      ...connectorCalls,
      // A failing peer's message can echo what it was sent: results pass the redactor too.
      test: async (refId, callOptions) => redactor.redact(await connectorCalls.test(refId, callOptions)),
      health: async (refId, callOptions) => redactor.redact(await connectorCalls.health(refId, callOptions)),
      types: deps.connectors,
    },
    connections: {
      ...connections,
      // A failing peer's message can echo what it was sent: results pass the redactor too.
      test: async (id: string) => redactor.redact(await connections.test(id)),
    },
    runs,
    deadLetters,
    schedules,
    ingest: runs.ingest,
    async health() {
      const [storeHealth, queueHealth] = await Promise.all([
        check(() => store.ping()),
        check(() => queue.ping()),
      ]);
      return { ok: storeHealth.ok && queueHealth.ok, store: storeHealth, queue: queueHealth };
    },
    resume,
    resumeParked,
    purgeRunPayloads,
    async close(closeOptions?: { timeoutMs?: number }) {
      closing = true;
      await scheduler?.stop();
      if (sweeper !== undefined) clearInterval(sweeper);
      if (parkedSweeper !== undefined) clearInterval(parkedSweeper);
      if (retentionSweeper !== undefined) clearInterval(retentionSweeper);
      stopTimers();
      await queue.close(closeOptions?.timeoutMs ?? 10_000);
      abandonUnwrittenRuns();
      await store.close();
    },
  });
}

/** How one argument of a method is checked: the limits and the name its refusal gives it. */
type ArgumentCheck = InputLimits & { what: string };

/**
 * The check of a method's argument, made once per position (a copy of the limits and a name
 * built per argument per call counted on the single-record path, issue 21).
 */
function argumentCheck(
  checks: ArgumentCheck[],
  limits: InputLimits,
  method: string,
  index: number,
): ArgumentCheck {
  let check = checks[index];
  if (check === undefined) {
    check = { ...limits, what: `argument ${index + 1} of ${method}` };
    checks[index] = check;
  }
  return check;
}

/** Methods that return at once (no promise): kept as they are by {@link guardErrors}. */
const SYNC_METHODS = new Set(["connections.subscribe", "connectorRefs.hideSecrets"]);

/**
 * Wraps every async method of the runtime's services so whatever escapes (a driver error, a bug)
 * reaches the host as a SynapseError, never a bare Error — and so every argument is checked
 * against the input limits first, in one place for every store (issue 16).
 */
function guardErrors<T extends object>(limits: InputLimits, prefix: string, target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === "function" && SYNC_METHODS.has(`${prefix}${key}`)) {
      wrapped[key] = value;
    } else if (typeof value === "function") {
      const method = `${prefix}${key}`;
      const checks: ArgumentCheck[] = [];
      wrapped[key] = async (...args: unknown[]) => {
        try {
          for (let index = 0; index < args.length; index += 1)
            checkInput(args[index], argumentCheck(checks, limits, method, index));
          return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw toSynapseError(error);
        }
      };
    } else if (
      value !== null &&
      typeof value === "object" &&
      !(value instanceof Map) &&
      key !== "store" &&
      key !== "logger"
    ) {
      wrapped[key] = guardErrors(limits, `${prefix}${key}.`, value);
    } else {
      wrapped[key] = value;
    }
  }
  return wrapped as T;
}
