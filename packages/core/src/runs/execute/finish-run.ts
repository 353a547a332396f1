import type { Run } from "../../model/run";
import type { Store } from "../../store/types";
import type { RecordContext } from "../records/record-context";
import { storeSourceCursor } from "../triggers/source-cursor";
import type { ActiveRun } from "./active-run";
import { finalStatus, unsettledRecords } from "./run-counts";
import { isTerminal, updateRunWith } from "./run-state";

/**
 * Writes an in-memory run's counts and, when no record waits for approval or is parked, its
 * final status and metrics (a polled run that succeeded stores its source cursor first), and
 * frees its lease. Called after the record loop, after every
 * approval decision and after every parked record's resume.
 */
export async function settleRun(
  deps: { store: Store; clock: () => Date; workerId: string },
  active: ActiveRun,
): Promise<Run> {
  const { context, counts, controller } = active;
  const cancelled = controller.signal.aborted;
  const waiting = unsettledRecords(counts) > 0 && !cancelled;
  const status = cancelled ? "CANCELLED" : waiting ? "RUNNING" : finalStatus(counts);
  if (!waiting) {
    context.events.add(status === "SUCCEEDED" ? "info" : "warn", "run.finished", { status, counts });
  }
  await context.events.flush();
  if (status === "SUCCEEDED") await storeSourceCursor(deps.store, context.run);
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

/**
 * Ends a durable run after its last batch: the closing event, then (a polled run that
 * succeeded) its source cursor, then the final status and metrics from the counts its batches added. A run that already ended, or has records waiting for
 * approval or parked, only gets its metrics. A worker that dies in between leaves a RUNNING run with every
 * batch DONE, which the resume sweep finishes.
 * @returns whether this call ended the run.
 */
export async function finishBatchedRun(
  deps: { store: Store; clock: () => Date },
  context: RecordContext,
  run: Run,
): Promise<boolean> {
  if (isTerminal(run.status) || unsettledRecords(run.counts) > 0) {
    await context.events.flush();
    const metrics = context.metrics.snapshot(run.counts);
    await updateRunWith(deps.store, run.id, (current) => ({ ...current, metrics }));
    return false;
  }
  const status = finalStatus(run.counts);
  context.events.add(status === "SUCCEEDED" ? "info" : "warn", "run.finished", {
    status,
    counts: run.counts,
  });
  await context.events.flush();
  if (status === "SUCCEEDED") await storeSourceCursor(deps.store, run);
  const now = deps.clock().toISOString();
  const metrics = context.metrics.snapshot(run.counts);
  await updateRunWith(deps.store, run.id, (current) =>
    isTerminal(current.status) || unsettledRecords(current.counts) > 0
      ? { ...current, metrics }
      : { ...current, status: finalStatus(current.counts), metrics, finishedAt: now, updatedAt: now },
  );
  return true;
}
