import type { Run } from "../../model/run";
import type { RunBatch } from "../../store/types";
import { type BatchClaims, claimBatchKeys } from "../idempotency/batch-claims";
import { forEachFairly } from "../limits/fair-dispatch";
import type { Semaphore } from "../limits/semaphore";
import type { RecordContext } from "../records/record-context";
import { processRecord } from "../records/record-pipeline";
import { CancelledError } from "./cancelled-error";
import { handBackBatch, runLeasedRecords } from "./leased-batch";
import type { ExecutorDeps } from "./run-context";
import type { RunController } from "./run-controller";
import { addCounts, countOutcome, zeroCounts } from "./run-counts";

/**
 * A run's record slots in this worker: `running` bounds records being processed
 * (`recordConcurrency`); `unsettled` also counts those whose key completion has not committed
 * yet, so what a killed worker can leave applied but not marked (the duplicate window for a
 * target that ignores keys) stays bounded at a fixed multiple of `recordConcurrency`.
 */
export interface RecordSlots {
  running: Semaphore;
  unsettled: Semaphore;
}

/**
 * Runs one claimed batch: its keys claimed together, its records through the pipeline under the
 * run's slots, its lease kept by a heartbeat. Then, events first, its counts are added to the run
 * atomically with marking it DONE. A cancelled run, a lost lease or a store outage hands the
 * batch back whole instead (an outage or a lost key lease rethrows, so the queue tries again).
 * @returns the run after the completion and how many batches remain; undefined when handed back
 *   or no longer ours.
 * @param recordsRun called once every record of the batch has run, before its completions commit.
 */
export async function executeBatch(
  deps: ExecutorDeps & { batchLeaseMs: number },
  context: RecordContext,
  batch: RunBatch,
  run: Run,
  runController: RunController,
  slots: RecordSlots,
  recordsRun?: () => void,
): Promise<{ run: Run; remaining: number } | undefined> {
  // Key completions commit while the next records run; the batch waits for them all below.
  const completions: Promise<unknown>[] = [];
  const settling = new Map<number, Promise<unknown>>();
  const lease = { runId: batch.runId, index: batch.index, owner: deps.workerId };
  const counts = zeroCounts();
  let claims: BatchClaims | undefined;
  const end = await runLeasedRecords(deps, context, lease, runController, counts, async (signal) => {
    const batchContext: RecordContext = {
      ...context,
      signal,
      deferCompletion: (completion, position) => {
        completions.push(completion);
        settling.set(position, completion);
        // Handled here so a failure waiting to be awaited is never an unhandled rejection.
        completion.catch(() => {});
      },
    };
    claims = await claimBatchKeys(batchContext, batch.records, batch.firstPosition, run.idempotencyKey);
    const taken = claims;
    const parked = await parkedPositions(deps, batch);
    const fairness = { limiter: deps.recordLimiter, run, signal };
    // A failure hands the batch back only once its started records and their completions have
    // settled: handed back earlier, the batch's next run would apply them again beside themselves.
    const records = forEachFairly(batch.records, deps.recordConcurrency, fairness, async (record, offset) => {
      const settled = await slots.unsettled.acquire();
      const release = await slots.running.acquire();
      if (signal.aborted) {
        release();
        settled();
        return;
      }
      const position = batch.firstPosition + offset;
      if (parked.has(position)) {
        // Parked by an earlier claim of this batch whose worker died before completing it: the
        // record waits in the store; only its count was lost with that worker.
        countOutcome(counts, "parked");
        release();
        settled();
        return;
      }
      const claim = taken.take(offset);
      try {
        countOutcome(
          counts,
          await processRecord(batchContext, {
            record,
            position,
            batch: batch.index,
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
    await records.catch(async (error: unknown) => {
      await Promise.allSettled(completions);
      throw error;
    });
    // Every record ran; what is left (key completions, the batch's completion) only commits.
    recordsRun?.();
    // A record counts as done only once its completion is stored; a failed one fails the batch
    // as a failed record would have.
    await Promise.all(completions);
  });
  if (end.aborted) {
    // Cancelled, lease lost or store down: the keys of its records that never ran go back too.
    await handBackBatch(deps, context, lease, end, async () => claims?.releaseUntaken());
    return undefined;
  }
  // Events first: whoever sees the run's counts complete must find its log complete too.
  await context.events.flush();
  const now = deps.clock().toISOString();
  return deps.store.completeRunBatch({ ...lease, counts, now: deps.clock() }, (current) => ({
    ...current,
    counts: addCounts(current.counts, counts),
    updatedAt: now,
  }));
}

/**
 * Positions of the batch's records parked by an earlier claim of it (read only when the batch
 * was claimed before: a first claim has none).
 */
async function parkedPositions(deps: ExecutorDeps, batch: RunBatch): Promise<Set<number>> {
  if (batch.attempts <= 1) return new Set();
  const last = batch.firstPosition + batch.records.length;
  return new Set(
    (await deps.store.listParkedRecords(batch.runId))
      .filter((p) => p.batch === batch.index && p.position >= batch.firstPosition && p.position < last)
      .map((p) => p.position),
  );
}
