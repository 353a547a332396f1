import { ErrorCode, SynapseError } from "../../errors";
import type { Run } from "../../model/run";
import { isStoreOutage } from "../../store/store-outage";
import { Semaphore } from "../limits/semaphore";
import type { RecordContext } from "../records/record-context";
import { classifyFailure, storedError } from "../retries/classify-error";
import { executeBatch, type RecordSlots } from "./execute-batch";
import { finishBatchedRun } from "./finish-run";
import { forEachOverlapping } from "./for-each-overlapping";
import { type ExecutorDeps, prepareRun } from "./run-context";
import type { RunController } from "./run-controller";
import type { RunJob } from "./run-queue";
import { failRun, isTerminal, updateRunWith } from "./run-state";

/** Prepared contexts of the durable runs this process works on, shared by their batches. */
export interface PreparedContexts {
  /** The run's context, made by `prepare` the first time this process needs it. */
  contextFor(runId: string, prepare: () => Promise<RecordContext>): Promise<RecordContext>;
  /** Drops the run's context (the run ended). */
  forgetContext(runId: string): void;
}

/** What durable execution needs beyond the in-process executor. */
export interface BatchExecutorDeps extends ExecutorDeps {
  /** How long a batch lease holds without a heartbeat (a dead worker's batch is free after it). */
  batchLeaseMs: number;
  contexts: PreparedContexts;
}

/**
 * Records started but not settled in the store, per record slot: what a killed worker can leave
 * applied but not marked at a key-ignoring target is at most this × `recordConcurrency` per run.
 * Measured on the loaded 2-core box (issue 21, docs/benchmarks.md, "UNSETTLED_PER_SLOT"): 1 → 4
 * → 8 → 16 → 32 send 423 → 229 → 202 → 197 → 187 statements per 2,000-record run (completions
 * wait to share bigger groups); 8 against 4, alternated three times, gave 0.74–0.85 against
 * 0.57–0.67 of pg-boss's raw loop at 2,000 records (0.61–0.84 against 0.27–0.52 at 10,000) and
 * 10–25 % less Node CPU per record, with no peak RSS difference. 8 takes most of that for twice
 * the window; 16 and 32 gained less per doubling of it.
 */
const UNSETTLED_PER_SLOT = 8;

/** Batches of one run a worker works on at once when it takes every free batch (inline queue). */
const BATCHES_AT_ONCE = 4;

/** Thrown when a job's batch is leased live elsewhere: the queue retries it later. */
export class BatchBusyError extends SynapseError {
  override name = "BatchBusyError";
  constructor(runId: string, index: number) {
    super(ErrorCode.CONFLICT, `batch ${index} of run "${runId}" is leased by a live worker`);
  }
}

/**
 * Executes a durable run's batches: the job's batch (a distributed queue), or every batch of
 * the run no live worker holds (the inline queue, a resume). Each batch is claimed under a
 * lease renewed by a heartbeat, its records go through the pipeline (completed ones are skipped
 * by idempotency), and its counts are added to the run atomically with marking it DONE; the
 * completion that leaves no batch pending ends the run (see execute-batch.ts).
 */
export async function executeBatches(
  deps: BatchExecutorDeps,
  job: RunJob,
  controller: RunController,
): Promise<void> {
  const run = await deps.store.getRun(job.runId);
  if (run === undefined || isTerminal(run.status)) return;
  let context: RecordContext;
  try {
    context = await deps.contexts.contextFor(run.id, () => prepareRun(deps, run, controller.signal));
  } catch (error) {
    // The store went away while the run was being prepared: the job is tried again (delivered
    // again by a distributed queue, re-queued by the sweep), not the run failed.
    if (isStoreOutage(error)) throw error;
    await failRun(
      deps.store,
      run.id,
      deps.redactor.redact(storedError(classifyFailure(error))),
      deps.clock(),
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
    await finishRun(deps, context, (await deps.store.getRun(run.id)) ?? run);
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
  // Records of the run at once, across its batches. A batch leaves its place once its records
  // have run: the next batch is claimed and starts while its key completions and its own
  // completion commit, so the store's round trips between batches overlap work (issue 21).
  await forEachOverlapping(indexes, BATCHES_AT_ONCE, async (index, recordsRun) => {
    if (controller.signal.aborted) return;
    await claimAndExecute(deps, context, run, index, controller, slots, recordsRun);
  });
}

/**
 * Claims the batch and runs it; false when the batch is DONE or leased by a live worker.
 * `recordsRun` is called once the batch's records have run (see executeBatch).
 */
async function claimAndExecute(
  deps: BatchExecutorDeps,
  context: RecordContext,
  run: Run,
  index: number,
  controller: RunController,
  slots: RecordSlots,
  recordsRun?: () => void,
): Promise<boolean> {
  const batch = await deps.store.claimRunBatch({
    runId: run.id,
    index,
    owner: deps.workerId,
    leaseMs: deps.batchLeaseMs,
    now: deps.clock(),
  });
  if (batch === undefined) return false;
  const done = await executeBatch(deps, context, batch, run, controller, slots, recordsRun);
  if (done !== undefined && done.remaining === 0) await finishRun(deps, context, done.run);
  return true;
}

/**
 * Ends the run after its last batch. This process drops its context either way: the run ended, or
 * only records waiting for approval or parked remain, and those are resumed apart (issue 20: a
 * parked record holds no memory of a worker but its row).
 */
async function finishRun(deps: BatchExecutorDeps, context: RecordContext, run: Run): Promise<void> {
  await finishBatchedRun(deps, context, run);
  deps.contexts.forgetContext(run.id);
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
