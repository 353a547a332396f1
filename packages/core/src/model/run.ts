import { z } from "zod";
import { Id, Timestamp } from "./common";

/** A run's state. */
export const RunStatus = z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]);
/** A run's state. */
export type RunStatus = z.infer<typeof RunStatus>;

/** How the records of a run ended. */
export const RunCounts = z.object({
  total: z.int().min(0).default(0),
  completed: z.int().min(0).default(0),
  failed: z.int().min(0).default(0),
  filtered: z.int().min(0).default(0),
  duplicates: z.int().min(0).default(0),
  rejected: z.int().min(0).default(0),
  deadLettered: z.int().min(0).default(0),
  waiting: z.int().min(0).default(0),
  /** Records parked until their next attempt (a long retry): not settled yet. */
  parked: z.int().min(0).default(0),
});
/** How the records of a run ended. */
export type RunCounts = z.infer<typeof RunCounts>;

/** A worker's time-bounded claim on a run or an idempotency key. */
export const Lease = z.object({ owner: z.string().min(1), expiresAt: Timestamp });
/** A worker's time-bounded claim. */
export type Lease = z.infer<typeof Lease>;

/** An error as stored: code and message, never the raw object (it may carry secrets). */
export const StoredError = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean().optional(),
  path: z.string().optional(),
});
/** An error as stored. */
export type StoredError = z.infer<typeof StoredError>;

/** Latency percentiles, in milliseconds. */
export const LatencySummary = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

/** A step's figures within a run. */
export const StepMetrics = z.object({
  calls: z.int().min(0),
  errors: z.int().min(0),
  retries: z.int().min(0),
  latencyMs: LatencySummary,
});

/** A run's figures: volume, throughput, latency per record and per step, errors. */
export const RunMetrics = z.object({
  recordsIn: z.int().min(0),
  recordsOut: z.int().min(0),
  durationMs: z.number().min(0),
  throughputPerSecond: z.number().min(0),
  errorRate: z.number().min(0).max(1),
  retries: z.int().min(0),
  deadLetters: z.int().min(0),
  latencyMs: LatencySummary,
  steps: z.record(z.string(), StepMetrics),
});
/** A run's figures. */
export type RunMetrics = z.infer<typeof RunMetrics>;

/** One execution of an approved blueprint revision. */
export const Run = z.object({
  id: Id,
  blueprintId: Id,
  projectId: Id,
  revision: z.int().min(1),
  status: RunStatus,
  dryRun: z.boolean().default(false),
  trigger: z.object({
    /** `schedule`: fired by a schedule's tick; `detail` is then `<scheduleId>@<tick ISO>`. */
    kind: z.enum(["api", "webhook", "poll", "queue", "replay", "schedule"]),
    detail: z.string().optional(),
  }),
  idempotencyKey: z.string().max(255).optional(),
  /** The run whose dead letters this run replays. */
  replayOf: Id.optional(),
  counts: RunCounts,
  /** Filled in when the run finishes. */
  metrics: RunMetrics.optional(),
  /** The environment whose variables and secrets the run used. */
  environment: z.string().optional(),
  /** The customer connection whose credentials the run's calls to its connector ref used. */
  connection: Id.optional(),
  /**
   * A polled run: the source cursor its poll read up to. Whichever worker ends the run stores it
   * as the source's cursor just before the run is SUCCEEDED; a run that does not succeed leaves
   * the stored cursor where it was, so its records are read again.
   */
  sourceCursor: z.unknown().optional(),
  error: StoredError.optional(),
  lease: Lease.optional(),
  version: z.int().min(1),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
});
/** One execution of an approved blueprint revision. */
export type Run = z.infer<typeof Run>;

/** Severity of a run event. */
export const RunEventLevel = z.enum(["debug", "info", "warn", "error"]);
/** Severity of a run event. */
export type RunEventLevel = z.infer<typeof RunEventLevel>;

/** An append-only log entry of a run; `seq` orders a run's events. */
export const RunEvent = z.object({
  runId: Id,
  seq: z.int().min(1),
  at: Timestamp,
  level: RunEventLevel,
  step: z.string().optional(),
  recordKey: z.string().optional(),
  type: z.string().min(1),
  /** Redacted before it is stored. */
  data: z.record(z.string(), z.unknown()).default({}),
});
/** An append-only log entry of a run. */
export type RunEvent = z.infer<typeof RunEvent>;
/** A run event before the store numbers it. */
export type NewRunEvent = Omit<RunEvent, "seq" | "runId">;
