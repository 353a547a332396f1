import { trace } from "@opentelemetry/api";
import { ConflictError, ErrorCode, NotFoundError, SynapseError, toSynapseError } from "../errors";
import type { Logger } from "../logger";
import type { Run, RunCounts } from "../model/run";
import type { Store } from "../store/types";
import { classifyFailure, storedError } from "./classify-error";
import { EventLog } from "./event-log";
import { MetricsRecorder } from "./metrics-recorder";
import {
  type ConnectorLimiter,
  type IdempotencySettings,
  processRecord,
  type RecordContext,
  type RecordOutcome,
  type RecordStart,
} from "./record-pipeline";
import { compileRunPlan, type PlanDeps, type RunPlan } from "./run-plan";
import type { RunJob } from "./run-queue";
import { CancelledError, forEachLimited } from "./sleep";

const tracer = trace.getTracer("@synapseops/core");

/** What the executor needs from the runtime. */
export interface ExecutorDeps extends PlanDeps {
  logger: Logger;
  clock: () => Date;
  idempotency: IdempotencySettings;
  limiter: (connectorRefId: string) => ConnectorLimiter;
  /** Records of one run processed at once. */
  recordConcurrency: number;
  /** Who runs runs here, for run leases. */
  workerId: string;
  runLeaseMs: number;
  random?: () => number;
  onApprovalRequested?: RecordContext["onApprovalRequested"];
}

/** A run being executed in this process: what approvals and cancellation need. */
export interface ActiveRun {
  context: RecordContext;
  controller: AbortController;
  counts: RunCounts;
  /** Resolves when the record loop is done (waiting records may remain). */
  done: Promise<void>;
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Whether a run's status is final. */
export function isTerminal(status: Run["status"]): boolean {
  return TERMINAL.has(status);
}

/**
 * Reads, changes and writes a run with compare-and-set, retrying on a concurrent change (a
 * cancel, another counter update). `change` returns undefined to leave the run as it is.
 */
export async function updateRunWith(
  store: Store,
  runId: string,
  change: (run: Run) => Run | undefined,
): Promise<Run> {
  for (let tries = 0; ; tries += 1) {
    const run = await store.getRun(runId);
    if (run === undefined) throw new NotFoundError("run", runId);
    const next = change(run);
    if (next === undefined) return run;
    try {
      const written = { ...next, version: run.version + 1 };
      await store.updateRun(written, run.version);
      return written;
    } catch (error) {
      if (!(error instanceof ConflictError) || tries >= 20) throw error;
    }
  }
}

/** Adds one record's outcome to the run's counts. */
export function countOutcome(counts: RunCounts, outcome: RecordOutcome): void {
  switch (outcome) {
    case "completed":
      counts.completed += 1;
      break;
    case "filtered":
      counts.filtered += 1;
      break;
    case "duplicate":
      counts.duplicates += 1;
      break;
    case "rejected":
      counts.rejected += 1;
      break;
    case "failed":
      counts.failed += 1;
      break;
    case "deadLettered":
      counts.failed += 1;
      counts.deadLettered += 1;
      break;
    case "waiting":
      counts.waiting += 1;
      break;
  }
}

/** The final status for a run's counts. */
export function finalStatus(counts: RunCounts): "SUCCEEDED" | "FAILED" {
  return counts.failed === 0 ? "SUCCEEDED" : "FAILED";
}

/** Builds the per-run context records are processed with. */
export async function prepareRun(
  deps: ExecutorDeps,
  run: Run,
  signal: AbortSignal,
): Promise<{ context: RecordContext; plan: RunPlan }> {
  const revision = await deps.store.getRevision(run.blueprintId, run.revision);
  if (revision === undefined)
    throw new NotFoundError("blueprint revision", `${run.blueprintId}@${run.revision}`);
  const environment =
    run.environment === undefined
      ? undefined
      : await deps.store.getEnvironment(run.projectId, run.environment);
  if (run.environment !== undefined && environment === undefined)
    throw new NotFoundError("environment", run.environment);
  const plan = await compileRunPlan(deps, run.projectId, revision.body, environment);
  const logger = deps.logger.child({ runId: run.id, blueprintId: run.blueprintId });
  const context: RecordContext = {
    run,
    plan,
    store: deps.store,
    events: new EventLog(run.id, deps.store, deps.redactor, logger, deps.clock),
    metrics: new MetricsRecorder(),
    redactor: deps.redactor,
    logger,
    signal,
    clock: deps.clock,
    idempotency: deps.idempotency,
    limiter: deps.limiter,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.onApprovalRequested ? { onApprovalRequested: deps.onApprovalRequested } : {}),
  };
  return { context, plan };
}

/**
 * Executes a queued run: takes its lease, moves it to RUNNING, processes every record, and
 * finishes it (SUCCEEDED, FAILED or CANCELLED) unless records wait for approval.
 */
export async function executeRun(
  deps: ExecutorDeps,
  job: RunJob,
  controller: AbortController,
  register: (active: ActiveRun) => void,
): Promise<void> {
  const leased = await deps.store.acquireRunLease({
    runId: job.runId,
    owner: deps.workerId,
    leaseMs: deps.runLeaseMs,
    now: deps.clock(),
  });
  if (leased === undefined || isTerminal(leased.status)) return;
  const span = tracer.startSpan("synapseops.run", {
    attributes: { "synapseops.run_id": job.runId, "synapseops.blueprint_id": leased.blueprintId },
  });
  const records = job.records ?? [];
  const counts: RunCounts = { ...leased.counts, total: records.length };
  let prepared: { context: RecordContext; plan: RunPlan };
  try {
    prepared = await prepareRun(deps, leased, controller.signal);
  } catch (error) {
    const failure = classifyFailure(error);
    await updateRunWith(deps.store, job.runId, (run) => ({
      ...run,
      status: "FAILED",
      counts,
      error: deps.redactor.redact(storedError(failure)),
      finishedAt: deps.clock().toISOString(),
      updatedAt: deps.clock().toISOString(),
    }));
    await deps.store.releaseRunLease(job.runId, deps.workerId);
    span.end();
    return;
  }
  const { context } = prepared;
  let finishLoop: () => void = () => {};
  const active: ActiveRun = {
    context,
    controller,
    counts,
    done: new Promise((resolve) => (finishLoop = resolve)),
  };
  register(active);
  const now = deps.clock().toISOString();
  await updateRunWith(deps.store, job.runId, (run) => ({
    ...run,
    status: "RUNNING",
    counts,
    startedAt: run.startedAt ?? now,
    updatedAt: now,
  }));
  context.events.add("info", "run.started", {
    records: records.length,
    revision: leased.revision,
    dryRun: leased.dryRun,
  });

  const stopWatching = watchForCancel(deps.store, job.runId, controller);
  // Heartbeat: a long run keeps its lease; a dead worker's lease expires and the run is free.
  const heartbeat = setInterval(
    () => {
      deps.store
        .acquireRunLease({
          runId: job.runId,
          owner: deps.workerId,
          leaseMs: deps.runLeaseMs,
          now: deps.clock(),
        })
        .catch(() => {
          // Retried on the next beat; the lease outlives a few missed ones.
        });
    },
    Math.max(50, Math.floor(deps.runLeaseMs / 3)),
  );
  heartbeat.unref();
  try {
    await forEachLimited(records, deps.recordConcurrency, async (record, position) => {
      if (controller.signal.aborted) return;
      const start: RecordStart = {
        record,
        position,
        ...(job.idempotencyKey ? { callerKey: job.idempotencyKey } : {}),
      };
      try {
        countOutcome(counts, await processRecord(context, start));
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
      }
    });
  } catch (error) {
    context.events.add("error", "run.crashed", { error: toSynapseError(error).toJSON() });
    counts.failed += 1;
  } finally {
    clearInterval(heartbeat);
    stopWatching();
    finishLoop();
  }
  await settleRun(deps, active);
  span.end();
}

/**
 * Writes a run's counts and, when no record waits for approval, its final status and metrics.
 * Called after the record loop and after every approval decision.
 */
export async function settleRun(
  deps: Pick<ExecutorDeps, "store" | "clock" | "workerId">,
  active: ActiveRun,
): Promise<Run> {
  const { context, counts, controller } = active;
  const cancelled = controller.signal.aborted;
  const waiting = counts.waiting > 0 && !cancelled;
  const status = cancelled ? "CANCELLED" : waiting ? "RUNNING" : finalStatus(counts);
  if (!waiting) {
    context.events.add(status === "SUCCEEDED" ? "info" : "warn", "run.finished", { status, counts });
  }
  await context.events.flush();
  const now = deps.clock().toISOString();
  const metrics = context.metrics.snapshot(counts);
  const run = await updateRunWith(deps.store, context.run.id, (run) => {
    if (isTerminal(run.status) && run.status !== status) return { ...run, counts, metrics, updatedAt: now };
    return {
      ...run,
      status,
      counts: { ...counts },
      metrics,
      updatedAt: now,
      ...(waiting ? {} : { finishedAt: now }),
    };
  });
  if (!waiting) await deps.store.releaseRunLease(context.run.id, deps.workerId);
  return run;
}

/** Aborts the run when another process cancels it in the store. */
function watchForCancel(store: Store, runId: string, controller: AbortController): () => void {
  const timer = setInterval(() => {
    store.getRun(runId).then(
      (run) => {
        if (run?.status === "CANCELLED") controller.abort(new CancelledError());
      },
      () => {
        // A failed check is retried on the next tick; the run goes on meanwhile.
      },
    );
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}

/** A typed error for signals about records that are not waiting. */
export class ApprovalNotPendingError extends SynapseError {
  override name = "ApprovalNotPendingError";
  constructor(message: string, path = "/recordKey") {
    super(ErrorCode.APPROVAL_NOT_PENDING, message, { path });
  }
}
