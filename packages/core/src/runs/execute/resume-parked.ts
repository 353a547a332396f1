import { ErrorCode } from "../../errors";
import type { Run } from "../../model/run";
import type { ParkedRecord, Store } from "../../store/types";
import { keyOwner } from "../idempotency/idempotency-key";
import type { RecordContext, RecordOutcome } from "../records/record-context";
import { failRecord } from "../records/record-failure";
import { processRecord } from "../records/record-pipeline";
import type { RunRegistry } from "../run-registry";
import type { ActiveRun } from "./active-run";
import { CancelledError } from "./cancelled-error";
import { finishBatchedRun, settleRun } from "./finish-run";
import { leaseHeartbeat } from "./lease-heartbeat";
import { type ExecutorDeps, prepareRun } from "./run-context";
import { settleParkedCount, unsettledRecords } from "./run-counts";
import { isTerminal } from "./run-state";
import { takeOverRun } from "./take-over-run";

/** What resuming a parked record needs. */
export interface ResumeParkedDeps {
  store: Store;
  clock: () => Date;
  registry: RunRegistry;
  /** The executor's deps (approval timeouts armed, delayed jobs queued). */
  executorDeps: ExecutorDeps;
  /** Durable runs keep their records in batches; others are kept in memory (run-executor.ts). */
  durable: boolean;
  /** Who claims parked records here (their lease owner). */
  workerId: string;
  /**
   * How long a claim on a parked record holds: renewed every third of it while the record is
   * resumed, so a dead worker's record is free after it and a live one's slow attempt is not.
   */
  leaseMs: number;
}

/** What to do with a claimed parked record: its next attempt, or give it up (a cancel). */
export type ParkedAction = { kind: "attempt" } | { kind: "give-up"; by: string };

/**
 * Goes on with a parked record this worker claimed: its next attempt from the step it parked at
 * (its key claimed again, its attempts counted on), or, for a cancel, its dead letter. Then the
 * record leaves the run's `parked` count for its outcome, atomically with deleting its row, and
 * the run ends when nothing is left unsettled. A record parked again keeps its (replaced) row.
 * A record of a batch not completed yet is left for later: that batch's completion counts it.
 * @returns the record's outcome, or undefined when it was left as it was.
 */
export async function resumeParked(
  deps: ResumeParkedDeps,
  parked: ParkedRecord,
  action: ParkedAction = { kind: "attempt" },
): Promise<RecordOutcome | undefined> {
  const { store, registry, workerId } = deps;
  const run = await store.getRun(parked.runId);
  if (run === undefined || isTerminal(run.status)) {
    // Its run ended (a cancel deletes the run's parked records; this one was claimed meanwhile).
    await store.settleParkedRecord(parked.id, workerId, (current) => current);
    return undefined;
  }
  if (parked.batch !== undefined && (await batchPending(store, parked))) {
    await store.releaseParkedRecord(parked.id, workerId);
    return undefined;
  }
  const { executorDeps } = deps;
  const active = deps.durable ? undefined : await activeRun(deps, executorDeps, run);
  const context =
    active?.context ??
    (await registry.contextFor(run.id, () =>
      prepareRun(executorDeps, run, registry.controllerFor(run.id).signal),
    ));
  let outcome: RecordOutcome;
  const stopHeartbeat = leaseHeartbeat(deps.leaseMs, () =>
    store.renewParkedRecord(parked.id, { owner: workerId, leaseMs: deps.leaseMs, now: deps.clock() }),
  );
  try {
    outcome = await nextStep(context, parked, action);
  } catch (error) {
    await store.releaseParkedRecord(parked.id, workerId).catch(() => {});
    if (error instanceof CancelledError) return undefined;
    throw error;
  } finally {
    stopHeartbeat();
    await context.events.flush();
    // A durable run's context is made again by its next resume: parked records hold no memory.
    if (active === undefined) registry.forgetContext(run.id);
  }
  // Parked again: its row was replaced (unleased, with its new due time); the counts stand.
  if (outcome === "parked") return outcome;
  const now = deps.clock().toISOString();
  const settled = await store.settleParkedRecord(parked.id, workerId, (current) => {
    const counts = { ...current.counts };
    settleParkedCount(counts, outcome);
    return { ...current, counts, updatedAt: now };
  });
  // Another worker took the record over (this lease ran out): its settlement counts.
  if (settled === undefined) return outcome;
  if (active !== undefined) {
    settleParkedCount(active.counts, outcome);
    // Counted in the store already; the run's end is written by the one resume that settled its
    // last unsettled record (the check and the count above run without an await between them).
    if (unsettledRecords(active.counts) === 0) {
      await settleRun(executorDeps, active);
      registry.releaseUnlessWaiting(run.id);
    }
  } else if (unsettledRecords(settled.counts) === 0 && (await allBatchesDone(store, run.id))) {
    await finishBatchedRun(deps, context, settled);
  }
  registry.notifySettled(run.id);
  return outcome;
}

/** The record's next attempt from its step, or its dead letter when it is given up. */
async function nextStep(
  context: RecordContext,
  parked: ParkedRecord,
  action: ParkedAction,
): Promise<RecordOutcome> {
  const common = { step: parked.step, recordKey: parked.recordKey };
  if (action.kind === "give-up") {
    context.events.add("warn", "record.park_cancelled", { by: action.by, attempts: parked.attempts }, common);
    return failRecord(context, {
      owner: keyOwner(parked.runId, parked.position),
      record: parked.record,
      recordKey: parked.recordKey,
      key: parked.key,
      step: parked.step,
      failure: {
        retryable: false,
        code: ErrorCode.CANCELLED,
        message: `parked record cancelled by ${action.by} after ${parked.attempts} attempts; last error: ${parked.error.message}`,
      },
      attempts: parked.attempts,
    });
  }
  context.events.add(
    "info",
    "record.resumed",
    {
      attempt: parked.attempts + 1,
      dueAt: parked.dueAt,
      lateMs: Math.max(0, context.clock().getTime() - Date.parse(parked.dueAt)),
    },
    common,
  );
  return processRecord(context, {
    record: parked.record,
    position: parked.position,
    ...(parked.batch === undefined ? {} : { batch: parked.batch }),
    resume: {
      stepIndex: parked.stepIndex,
      value: parked.value,
      key: parked.key,
      recordKey: parked.recordKey,
      attempts: parked.attempts,
      reclaim: true,
    },
  });
}

/** The in-memory run the record belongs to, taken over here when this process is not running it. */
async function activeRun(deps: ResumeParkedDeps, executorDeps: ExecutorDeps, run: Run): Promise<ActiveRun> {
  const active = await deps.registry.activeOrTakeOver(run.id, () =>
    takeOverRun(deps.registry, executorDeps, run),
  );
  // The record loop counts the record as parked first; its resume is counted after it.
  await active.done;
  return active;
}

async function batchPending(store: Store, parked: ParkedRecord): Promise<boolean> {
  const batches = await store.listRunBatches(parked.runId);
  return batches.find((b) => b.index === parked.batch)?.state === "PENDING";
}

async function allBatchesDone(store: Store, runId: string): Promise<boolean> {
  return (await store.listRunBatches(runId)).every((b) => b.state === "DONE");
}
