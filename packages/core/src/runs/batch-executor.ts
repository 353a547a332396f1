import { ErrorCode, LeaseLostError, StoreError, SynapseError, toSynapseError } from "../errors";
import type { Run, RunCounts } from "../model/run";
import type { NewRunBatch, RunBatch, Store } from "../store/types";
import { type BatchClaims, claimBatchKeys } from "./batch-claims";
import { classifyFailure, storedError } from "./classify-error";
import { processRecord, type RecordContext } from "./record-pipeline";
import {
  countOutcome,
  type ExecutorDeps,
  finalStatus,
  isTerminal,
  prepareRun,
  updateRunWith,
} from "./run-executor";
import type { RunJob } from "./run-queue";
import { CancelledError, forEachLimited, Semaphore } from "./sleep";

/** What durable execution needs beyond the in-process executor. */
export interface BatchExecutorDeps extends ExecutorDeps {
  /** How long a batch lease holds without a heartbeat (a dead worker's batch is free after it). */
  batchLeaseMs: number;
  /** Prepared contexts of runs this process works on, shared by their batches. */
  contexts: Map<string, Promise<RecordContext>>;
}

/**
 * A run's record slots in this worker: `running` bounds records being processed
 * (`recordConcurrency`); `unsettled` also counts those whose key completion has not committed
 * yet, so what a killed worker can leave applied but not marked (the duplicate window for a
 * target that ignores keys) stays bounded at {@link UNSETTLED_PER_SLOT} × `recordConcurrency`.
 */
interface RecordSlots {
  running: Semaphore;
  unsettled: Semaphore;
}

/**
 * Records started but not settled in the store, per record slot. Measured on a 2-core box
 * (10,000 records, PostgreSQL): 2 → 6,000 records/s, 4 → 7,500, unbounded → 9,500; 4 keeps the
 * duplicate window small and fixed.
 */
const UNSETTLED_PER_SLOT = 4;

/** Batches of one run a worker works on at once when it takes every free batch (inline queue). */
const BATCHES_AT_ONCE = 4;

/** Thrown when a job's batch is leased live elsewhere: the queue retries it later. */
export class BatchBusyError extends SynapseError {
  override name = "BatchBusyError";
  constructor(runId: string, index: number) {
    super(ErrorCode.CONFLICT, `batch ${index} of run "${runId}" is leased by a live worker`);
  }
}

/** Empty counts of `total` records. */
export function zeroCounts(total = 0): RunCounts {
  return {
    total,
    completed: 0,
    failed: 0,
    filtered: 0,
    duplicates: 0,
    rejected: 0,
    deadLettered: 0,
    waiting: 0,
  };
}

/** Splits records into batches of `size`. */
export function toBatches(records: readonly unknown[], size: number, firstIndex = 0): NewRunBatch[] {
  const batches: NewRunBatch[] = [];
  for (let start = 0; start < records.length; start += size) {
    batches.push({
      index: firstIndex + batches.length,
      firstPosition: start,
      records: records.slice(start, start + size),
    });
  }
  return batches;
}

const add = (a: RunCounts, b: RunCounts): RunCounts => ({
  total: a.total,
  completed: a.completed + b.completed,
  failed: a.failed + b.failed,
  filtered: a.filtered + b.filtered,
  duplicates: a.duplicates + b.duplicates,
  rejected: a.rejected + b.rejected,
  deadLettered: a.deadLettered + b.deadLettered,
  waiting: a.waiting + b.waiting,
});

/**
 * Executes a durable run's batches: the job's batch (a distributed queue), or every batch of
 * the run no live worker holds (the inline queue, a resume). Each batch is claimed under a
 * lease renewed by a heartbeat, its records go through the pipeline (completed ones are skipped
 * by idempotency), and its counts are added to the run atomically with marking it DONE; the
 * completion that leaves no batch pending ends the run.
 */
export async function executeBatches(
  deps: BatchExecutorDeps,
  job: RunJob,
  controller: AbortController,
): Promise<void> {
  const run = await deps.store.getRun(job.runId);
  if (run === undefined || isTerminal(run.status)) return;
  let context: RecordContext;
  try {
    context = await contextFor(deps, run, controller.signal);
  } catch (error) {
    // The store went away while the run was being prepared: the job is tried again (delivered
    // again by a distributed queue, re-queued by the sweep), not the run failed.
    if (isStoreOutage(error)) throw error;
    const failure = classifyFailure(error);
    await updateRunWith(deps.store, run.id, (current) =>
      isTerminal(current.status)
        ? undefined
        : {
            ...current,
            status: "FAILED",
            error: deps.redactor.redact(storedError(failure)),
            finishedAt: deps.clock().toISOString(),
            updatedAt: deps.clock().toISOString(),
          },
    );
    return;
  }
  await markRunning(deps, context, run);
  const slots: RecordSlots = {
    running: new Semaphore(deps.recordConcurrency),
    unsettled: new Semaphore(UNSETTLED_PER_SLOT * deps.recordConcurrency),
  };
  // A job for one batch (a distributed queue) claims it straight away: the run's other batches
  // are read only when the claim fails, to tell a finished run from a batch leased elsewhere.
  if (job.batch !== undefined && (await claimAndExecute(deps, context, run, job.batch, controller, slots)))
    return;

  const batches = await deps.store.listRunBatches(run.id);
  if (batches.every((b) => b.state === "DONE")) {
    // No records, or a worker died after the last batch but before the final status.
    await finish(deps, context, (await deps.store.getRun(run.id)) ?? run);
    return;
  }
  if (job.batch !== undefined) {
    if (batches.find((b) => b.index === job.batch)?.state === "PENDING")
      throw new BatchBusyError(run.id, job.batch);
    return;
  }
  const indexes = batches
    .filter(
      (b) =>
        b.state === "PENDING" &&
        (b.lease === undefined ||
          b.lease.owner === deps.workerId ||
          Date.parse(b.lease.expiresAt) <= deps.clock().getTime()),
    )
    .map((b) => b.index);
  // Records of the run at once, across its batches: a batch's neighbour may start while its last
  // records and its completion commit, so the store's round trips between batches overlap work.
  await forEachLimited(indexes, BATCHES_AT_ONCE, async (index) => {
    if (controller.signal.aborted) return;
    await claimAndExecute(deps, context, run, index, controller, slots);
  });
}

/** Claims the batch and runs it; false when the batch is DONE or leased by a live worker. */
async function claimAndExecute(
  deps: BatchExecutorDeps,
  context: RecordContext,
  run: Run,
  index: number,
  controller: AbortController,
  slots: RecordSlots,
): Promise<boolean> {
  const batch = await deps.store.claimRunBatch({
    runId: run.id,
    index,
    owner: deps.workerId,
    leaseMs: deps.batchLeaseMs,
    now: deps.clock(),
  });
  if (batch === undefined) return false;
  await executeBatch(deps, context, batch, run, controller, slots);
  return true;
}

async function contextFor(deps: BatchExecutorDeps, run: Run, signal: AbortSignal): Promise<RecordContext> {
  let prepared = deps.contexts.get(run.id);
  if (prepared === undefined) {
    prepared = prepareRun(deps, run, signal).then((p) => p.context);
    deps.contexts.set(run.id, prepared);
    prepared.catch(() => deps.contexts.delete(run.id));
  }
  return prepared;
}

/** QUEUED → RUNNING; only the worker that made the move logs `run.started`. */
async function markRunning(deps: BatchExecutorDeps, context: RecordContext, run: Run): Promise<void> {
  if (run.status !== "QUEUED") return;
  let moved = false;
  const now = deps.clock().toISOString();
  await updateRunWith(deps.store, run.id, (current) => {
    moved = current.status === "QUEUED";
    return moved
      ? { ...current, status: "RUNNING", startedAt: current.startedAt ?? now, updatedAt: now }
      : undefined;
  });
  if (moved) {
    context.events.add("info", "run.started", {
      records: run.counts.total,
      revision: run.revision,
      dryRun: run.dryRun,
    });
  }
}

async function executeBatch(
  deps: BatchExecutorDeps,
  context: RecordContext,
  batch: RunBatch,
  run: Run,
  runController: AbortController,
  slots: RecordSlots,
): Promise<void> {
  // A lost lease stops this batch only; a cancelled run stops every batch.
  const controller = new AbortController();
  const onRunAbort = (): void => controller.abort(runController.signal.reason);
  runController.signal.addEventListener("abort", onRunAbort, { once: true });
  // Key completions commit while the next records run; the batch waits for them all below.
  const completions: Promise<unknown>[] = [];
  const settling = new Map<number, Promise<unknown>>();
  const batchContext: RecordContext = {
    ...context,
    signal: controller.signal,
    deferCompletion: (completion, position) => {
      completions.push(completion);
      settling.set(position, completion);
      // Handled here so a failure waiting to be awaited is never an unhandled rejection.
      completion.catch(() => {});
    },
  };
  const heartbeat = setInterval(
    () => {
      deps.store
        .renewRunBatchLease({
          runId: batch.runId,
          index: batch.index,
          owner: deps.workerId,
          leaseMs: deps.batchLeaseMs,
          now: deps.clock(),
        })
        .then(
          (held) => {
            if (!held) controller.abort(new CancelledError());
          },
          () => {
            // The store is unreachable: keep going; the lease expires if it stays so.
          },
        );
    },
    Math.max(50, Math.floor(deps.batchLeaseMs / 3)),
  );
  heartbeat.unref();
  const stopWatching = watchForCancel(deps.store, run.id, runController);
  const counts = zeroCounts();
  /** Why the batch is handed back whole instead of completed (a store outage, a lost lease). */
  let handedBack: unknown;
  let claims: BatchClaims | undefined;
  try {
    claims = await claimBatchKeys(batchContext, batch.records, batch.firstPosition, run.idempotencyKey);
    const taken = claims;
    await forEachLimited(batch.records, deps.recordConcurrency, async (record, offset) => {
      const settled = await slots.unsettled.acquire();
      const release = await slots.running.acquire();
      if (controller.signal.aborted) {
        release();
        settled();
        return;
      }
      const position = batch.firstPosition + offset;
      const claim = taken.take(offset);
      try {
        countOutcome(
          counts,
          await processRecord(batchContext, {
            record,
            position,
            ...(run.idempotencyKey ? { callerKey: run.idempotencyKey } : {}),
            ...(claim === undefined ? {} : { claim }),
          }),
        );
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
      } finally {
        release();
        const completion = settling.get(position);
        settling.delete(position);
        if (completion === undefined) settled();
        else completion.then(settled, settled);
      }
    });
    // A record counts as done only once its completion is stored; a failed one fails the batch
    // as a failed record would have.
    await Promise.all(completions);
  } catch (error) {
    if (isStoreOutage(error) || error instanceof LeaseLostError) {
      // The store went away mid-batch (a restart, a cut connection), or a record's key lease ran
      // out meanwhile (another worker may hold it now): stop the batch's other records and hand
      // it back whole, so a worker re-runs it once the store answers again (completed records
      // are skipped by idempotency). Completing it would lose the rest (issue 16).
      handedBack = error;
      controller.abort(new CancelledError());
    } else {
      context.events.add("error", "run.crashed", { error: toSynapseError(error).toJSON() });
      counts.failed += 1;
    }
  } finally {
    clearInterval(heartbeat);
    stopWatching();
    runController.signal.removeEventListener("abort", onRunAbort);
  }
  if (controller.signal.aborted) {
    // Cancelled, lease lost or store down: hand the batch and the keys of its records that never
    // ran back at once instead of letting their leases expire (best effort when the store is
    // down: then the leases expire).
    await claims?.releaseUntaken().catch((error: unknown) => {
      if (handedBack === undefined) throw error;
    });
    await deps.store.releaseRunBatch(batch.runId, batch.index, deps.workerId).catch((error: unknown) => {
      if (handedBack === undefined) throw error;
    });
    await context.events.flush().catch((error: unknown) => {
      if (handedBack === undefined) throw error;
    });
    // A failed job: a distributed queue delivers it again; the sweep re-queues it otherwise.
    if (handedBack !== undefined) throw handedBack;
    return;
  }
  // Events first: whoever sees the run's counts complete must find its log complete too.
  await context.events.flush();
  const now = deps.clock().toISOString();
  const done = await deps.store.completeRunBatch(
    { runId: batch.runId, index: batch.index, owner: deps.workerId, counts, now: deps.clock() },
    (current) => ({ ...current, counts: add(current.counts, counts), updatedAt: now }),
  );
  if (done !== undefined && done.remaining === 0) await finish(deps, context, done.run);
}

/**
 * After the last batch: the closing event, then the final status and metrics. A worker that
 * dies in between leaves a RUNNING run with every batch DONE, which a resume finishes.
 */
async function finish(deps: BatchExecutorDeps, context: RecordContext, run: Run): Promise<void> {
  if (isTerminal(run.status) || run.counts.waiting > 0) {
    await context.events.flush();
    const metrics = context.metrics.snapshot(run.counts);
    await updateRunWith(deps.store, run.id, (current) => ({ ...current, metrics }));
    return;
  }
  const status = finalStatus(run.counts);
  context.events.add(status === "SUCCEEDED" ? "info" : "warn", "run.finished", {
    status,
    counts: run.counts,
  });
  await context.events.flush();
  const now = deps.clock().toISOString();
  const metrics = context.metrics.snapshot(run.counts);
  await updateRunWith(deps.store, run.id, (current) =>
    isTerminal(current.status)
      ? { ...current, metrics }
      : { ...current, status: finalStatus(current.counts), metrics, finishedAt: now, updatedAt: now },
  );
  deps.contexts.delete(run.id);
}

/**
 * Whether a failure is the store being unreachable (a dropped connection, a server shutting
 * down), as opposed to a bug or bad data: only then is the batch worth retrying. The store says
 * so itself (`StoreError.outage`); the executor knows no database's error codes.
 */
export function isStoreOutage(error: unknown): boolean {
  return error instanceof StoreError && error.outage;
}

/** Aborts the run when another process cancels it in the store. */
function watchForCancel(store: Store, runId: string, controller: AbortController): () => void {
  const timer = setInterval(() => {
    store.getRun(runId).then(
      (run) => {
        if (run?.status === "CANCELLED") controller.abort(new CancelledError());
      },
      () => {
        // A failed check is retried on the next tick; the batch goes on meanwhile.
      },
    );
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}
