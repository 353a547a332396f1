import type { Run } from "../../model/run";
import type { RunRegistry } from "../run-registry";
import { type BatchExecutorDeps, executeBatches } from "./batch-executor";
import { executeOneRecordRun } from "./one-record-executor";
import type { ExecutorDeps } from "./run-context";
import { executeRun } from "./run-executor";
import type { RunJobHandler } from "./run-queue";

/** What the queue's job handler needs. */
export interface JobHandlerDeps {
  registry: RunRegistry;
  /** The executor's deps for a run (with its approval timeouts armed). */
  executorDeps: (runId: string) => ExecutorDeps;
  batchLeaseMs: number;
  /** Called after a job's run work is done, before its waiters are woken (a poll's cursor). */
  afterJob: (runId: string) => Promise<void>;
  /** Resumes a parked record named by a delayed job (parked-sweep.ts `resumeParkedJob`). */
  resumeParked: (id: string, attempts?: number) => Promise<void>;
}

/**
 * The handler the run queue calls for each job: a job with records is an in-memory run
 * (run-executor.ts), one without is a durable run's batches (batch-executor.ts), a delayed job
 * naming a parked record resumes that record (parked-sweep.ts). The run's
 * controller aborts when the queue closes; waiters are woken when the job ends.
 */
export function runJobHandler(deps: JobHandlerDeps): RunJobHandler {
  const { registry } = deps;
  return async (job, queueSignal) => {
    if (job.parked !== undefined) {
      await deps.resumeParked(job.parked, job.attempt);
      return;
    }
    const controller = registry.controllerFor(job.runId);
    const onQueueAbort = (): void => controller.abort();
    queueSignal.addEventListener("abort", onQueueAbort, { once: true });
    try {
      if (job.records === undefined) {
        registry.markDurableJob(job.runId);
        const batchDeps: BatchExecutorDeps = {
          ...deps.executorDeps(job.runId),
          batchLeaseMs: deps.batchLeaseMs,
          contexts: registry,
        };
        const held = registry.takeOneRecordRun(job.runId);
        if (held === undefined) await executeBatches(batchDeps, job, controller);
        else {
          try {
            const oneRecordDeps = { ...batchDeps, onSettled: (run: Run) => registry.keepSettled(run) };
            await executeOneRecordRun(oneRecordDeps, held, job, controller);
          } finally {
            registry.endOneRecordRun(job.runId);
          }
        }
      } else {
        await executeRun(deps.executorDeps(job.runId), job, controller, (run) =>
          registry.setActive(job.runId, run),
        );
      }
      await deps.afterJob(job.runId);
    } finally {
      if (job.records === undefined && job.batch === undefined) registry.releaseRunWideJob(job.runId);
      if (job.batch === undefined) registry.dropPollCursor(job.runId);
      registry.notifySettled(job.runId);
      queueSignal.removeEventListener("abort", onQueueAbort);
      registry.releaseUnlessWaiting(job.runId);
    }
  };
}
