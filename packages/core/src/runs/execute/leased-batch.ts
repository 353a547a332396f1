import { LeaseLostError, toSynapseError } from "../../errors";
import type { RunCounts } from "../../model/run";
import { isStoreOutage } from "../../store/store-outage";
import type { RecordContext } from "../records/record-context";
import { watchForCancel } from "./cancel-watch";
import { CancelledError } from "./cancelled-error";
import { leaseHeartbeat } from "./lease-heartbeat";
import type { ExecutorDeps } from "./run-context";
import type { RunController } from "./run-controller";

// What the batch path (execute-batch.ts) and the one-record path (one-record-executor.ts) do
// around a leased batch's records, and how they hand the batch back: one rule for both.

/** A batch as leased by this worker. */
export interface BatchLease {
  runId: string;
  index: number;
}

/** How a batch's records ended: `aborted` when the batch must be handed back, not completed. */
export interface LeasedRecordsEnd {
  aborted: boolean;
  /** Why it is handed back when the cause must reach the queue: a store outage, a lost lease. */
  handedBack: unknown;
}

/**
 * Runs `work` (the batch's records) under the batch lease: a heartbeat keeps the lease, a cancel
 * made elsewhere aborts the run, and a lost lease aborts this batch only. A store outage or a
 * lost key lease stops the batch's other records so it is handed back whole (issue 16); any other
 * failure is logged as `run.crashed` and counted as a failed record.
 */
export async function runLeasedRecords(
  deps: ExecutorDeps & { batchLeaseMs: number },
  context: RecordContext,
  lease: BatchLease,
  runController: RunController,
  counts: RunCounts,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<LeasedRecordsEnd> {
  const controller = new AbortController();
  // Followed, not a listener on the run's signal per batch (issue 21: run-controller.ts).
  runController.follow(controller);
  const watch = armedAfterThisTurn(deps, lease, controller, runController);
  let handedBack: unknown;
  try {
    await work(controller.signal);
  } catch (error) {
    if (isStoreOutage(error) || error instanceof LeaseLostError) {
      // The store went away mid-batch, or a record's key lease ran out (another worker may hold
      // it now): completing the batch would lose the rest; a worker re-runs it once the store
      // answers again (completed records are skipped by idempotency).
      handedBack = error;
      controller.abort(new CancelledError());
    } else if (!(error instanceof CancelledError)) {
      context.events.add("error", "run.crashed", { error: toSynapseError(error).toJSON() });
      counts.failed += 1;
    }
  } finally {
    watch.stop();
    runController.unfollow(controller);
  }
  return { aborted: controller.signal.aborted, handedBack };
}

/** The lease heartbeat and the cancel watch of a batch, armed once its records outlast a turn. */
interface BatchWatch {
  stop(): void;
}

/**
 * Arms the batch lease's heartbeat and the watch for a cancel made elsewhere on the event loop's
 * next turn (`setImmediate`), unless the records settled before it: records that settle at once
 * (an in-memory target, issue 21) then make no interval timer. Neither is due before a turn
 * passes anyway — the first beat comes after a third of the lease, the first cancel check after
 * half a second — so a record that runs longer is watched as before.
 */
function armedAfterThisTurn(
  deps: ExecutorDeps & { batchLeaseMs: number },
  lease: BatchLease,
  controller: AbortController,
  runController: AbortController,
): BatchWatch {
  let stopHeartbeat: (() => void) | undefined;
  let stopWatching: (() => void) | undefined;
  let stopped = false;
  const arm = setImmediate(() => {
    if (stopped) return;
    const owned = { ...lease, owner: deps.workerId };
    stopHeartbeat = leaseHeartbeat(
      deps.batchLeaseMs,
      () => deps.store.renewRunBatchLease({ ...owned, leaseMs: deps.batchLeaseMs, now: deps.clock() }),
      () => controller.abort(new CancelledError()),
    );
    stopWatching = watchForCancel(deps.store, lease.runId, runController);
  });
  return {
    stop() {
      stopped = true;
      clearImmediate(arm);
      stopHeartbeat?.();
      stopWatching?.();
    },
  };
}

/**
 * Hands an aborted batch back at once instead of letting its leases expire: `release` gives back
 * what the path holds (keys never used, a captured completion), then the batch's lease and the
 * events logged so far. Best effort when the batch is handed back for a cause (the store may be
 * down: then the leases expire), and the cause is rethrown so the queue tries the job again.
 */
export async function handBackBatch(
  deps: Pick<ExecutorDeps, "store" | "workerId">,
  context: RecordContext,
  lease: BatchLease,
  end: LeasedRecordsEnd,
  release: () => Promise<unknown>,
): Promise<void> {
  const unlessHandedBack = (error: unknown): void => {
    if (end.handedBack === undefined) throw error;
  };
  await release().catch(unlessHandedBack);
  await deps.store.releaseRunBatch(lease.runId, lease.index, deps.workerId).catch(unlessHandedBack);
  await context.events.flush().catch(unlessHandedBack);
  if (end.handedBack !== undefined) throw end.handedBack;
}
