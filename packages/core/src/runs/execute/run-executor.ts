import { trace } from "@opentelemetry/api";
import { toSynapseError } from "../../errors";
import type { RunCounts } from "../../model/run";
import { forEachFairly } from "../limits/fair-dispatch";
import type { RecordContext, RecordStart } from "../records/record-context";
import { processRecord } from "../records/record-pipeline";
import { classifyFailure, storedError } from "../retries/classify-error";
import type { ActiveRun } from "./active-run";
import { watchForCancel } from "./cancel-watch";
import { CancelledError } from "./cancelled-error";
import { settleRun } from "./finish-run";
import { leaseHeartbeat } from "./lease-heartbeat";
import { type ExecutorDeps, prepareRun } from "./run-context";
import { countOutcome } from "./run-counts";
import type { RunJob } from "./run-queue";
import { failRun, isTerminal, updateRunWith } from "./run-state";

// A run kept in memory (memory store, inline queue): its records come with the job and are
// processed under a run lease. Durable runs are batch-executor.ts.

const tracer = trace.getTracer("@synapseops/core");

/**
 * Executes a queued run: takes its lease, moves it to RUNNING, processes every record, and
 * finishes it (SUCCEEDED, FAILED or CANCELLED) unless records wait for approval. `register`
 * is told of the run once it is prepared (approvals and `runs.metrics` need it).
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
  let context: RecordContext;
  try {
    context = await prepareRun(deps, leased, controller.signal);
  } catch (error) {
    // The plan could not be made (a missing secret, a broken reference): the run fails whole.
    const failure = deps.redactor.redact(storedError(classifyFailure(error)));
    await failRun(deps.store, job.runId, failure, deps.clock(), { counts });
    await deps.store.releaseRunLease(job.runId, deps.workerId);
    span.end();
    return;
  }
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
  // A long run keeps its lease; a dead worker's lease expires and the run is free.
  const stopHeartbeat = leaseHeartbeat(deps.runLeaseMs, () =>
    deps.store.acquireRunLease({
      runId: job.runId,
      owner: deps.workerId,
      leaseMs: deps.runLeaseMs,
      now: deps.clock(),
    }),
  );
  try {
    const fairness = { limiter: deps.recordLimiter, run: leased, signal: controller.signal };
    await forEachFairly(records, deps.recordConcurrency, fairness, async (record, position) => {
      if (controller.signal.aborted) return;
      const start: RecordStart = { record, position };
      // Set, not spread from a temporary object made per record (issue 21).
      if (job.idempotencyKey) start.callerKey = job.idempotencyKey;
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
    stopHeartbeat();
    stopWatching();
    finishLoop();
  }
  await settleRun(deps, active);
  span.end();
}
