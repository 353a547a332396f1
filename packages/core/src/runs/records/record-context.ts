import type { Logger } from "../../logger";
import type { Run } from "../../model/run";
import type { ParkedRecord, Store } from "../../store/types";
import type { ApprovalRequest } from "../approvals/approval-waits";
import type { KeyClaim } from "../idempotency/idempotency-key";
import type { ConnectorLimiter } from "../limits/connector-limiter";
import type { EventLog } from "../observe/event-log";
import type { MetricsRecorder } from "../observe/metrics-recorder";
import type { Redactor } from "../observe/redactor";
import type { RunConnection } from "../plan/run-connection";
import type { RunPlan } from "../plan/run-plan";

/** How one record ended. */
export type RecordOutcome =
  | "completed"
  | "filtered"
  | "duplicate"
  | "rejected"
  | "failed"
  | "deadLettered"
  | "waiting"
  | "parked";

/** Idempotency settings of a runtime. */
export interface IdempotencySettings {
  /** How long a claim holds without renewal (a crashed worker's key is free after it). */
  leaseMs: number;
  /** How long outcomes are kept. */
  ttlMs: number;
  /** How long a second claimant waits for an in-progress key before it reports a conflict. */
  waitMs: number;
}

/** What processing a record needs; one per run. */
export interface RecordContext {
  run: Pick<Run, "id" | "blueprintId" | "projectId" | "revision" | "dryRun" | "connection" | "sourceCursor">;
  plan: RunPlan;
  store: Store;
  events: EventLog;
  metrics: MetricsRecorder;
  redactor: Redactor;
  logger: Logger;
  signal: AbortSignal;
  clock: () => Date;
  idempotency: IdempotencySettings;
  limiter: (connectorRefId: string) => ConnectorLimiter;
  /** The run's customer connection: its credentials, per run, for calls to its connector ref. */
  connection?: RunConnection;
  random?: () => number;
  /** Set when the runtime keeps a per-step trace of each record (`createRuntime({ stepTrace })`). */
  stepTrace?: StepTraceSettings;
  /**
   * Takes a record's key completion instead of waiting for it: the record's slot goes to the
   * next record while the completion commits (with others, on a grouping store). Whoever sets
   * it must wait for every completion it took before it counts the records done.
   */
  deferCompletion?: (completion: Promise<unknown>, position: number) => void;
  /**
   * Told when a record of the run starts waiting at an approval step (to arm its timeout). Told
   * the run too, so one hook serves every run (no closure made per run, issue 21).
   */
  onApprovalRequested?: (runId: string, request: ApprovalRequest) => void;
  /** Told when a record is parked until its next attempt (to queue a delayed job for it). */
  onRecordParked?: (parked: ParkedRecord) => void;
}

/** Where a record starts: from the first step, or after an approval. */
export interface RecordStart {
  record: unknown;
  /** The idempotency key given by the caller, for single-record runs. */
  callerKey?: string;
  /**
   * Resume at this step index with this value: after an approval (the key is still held), or
   * from parking (`attempts` made at the step so far; `reclaim`: the key is claimed again, since
   * its lease may have lapsed or its outcome been stored by a resume that died before settling).
   */
  resume?: {
    stepIndex: number;
    value: unknown;
    key: string | undefined;
    recordKey: string;
    attempts?: number;
    reclaim?: boolean;
  };
  /** Position of the record in its run, for a key when the blueprint has none. */
  position: number;
  /** The batch of a durable run the record came in (kept when it parks). */
  batch?: number;
  /** The record's key as claimed with the rest of its batch (see `claimBatchKeys`). */
  claim?: KeyClaim;
}

/**
 * One record on its way through the steps: what the step runners read and change. `value` is
 * the record as the steps so far made it; `key` is its idempotency key (claimed), `recordKey`
 * the name events and signals use for it (the key, or `#<position>`).
 */
export interface RecordInFlight {
  readonly ctx: RecordContext;
  readonly start: RecordStart;
  readonly owner: string;
  readonly key: string | undefined;
  readonly recordKey: string;
  value: unknown;
  /** What the last send step's target answered: kept as the key's result. */
  lastResult: unknown;
  /** Set when the target completed the key in its own transaction (see WriteIdempotency). */
  completedByTarget: boolean;
  /** The attempt number of the current step's connector call (for the step trace). */
  stepAttempt: number;
}

/** The runtime's `stepTrace` option, settled (step-trace.ts reads it). */
export interface StepTraceSettings {
  /** The longest input or output kept per step, in characters of its JSON. */
  maxValueChars: number;
}
