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

/** One execution of an approved blueprint revision. */
export const Run = z.object({
  id: Id,
  blueprintId: Id,
  projectId: Id,
  revision: z.int().min(1),
  status: RunStatus,
  dryRun: z.boolean().default(false),
  trigger: z.object({
    kind: z.enum(["api", "webhook", "poll", "queue", "replay"]),
    detail: z.string().optional(),
  }),
  idempotencyKey: z.string().max(255).optional(),
  /** The run whose dead letters this run replays. */
  replayOf: Id.optional(),
  counts: RunCounts,
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
