import { ErrorCode, SynapseError } from "../../errors";
import type { KeyAdmission } from "../limits/key-admission";
import type { RunRegistry } from "../run-registry";
import { executeBatches } from "./batch-executor";
import { executeOneRecordRun, type OneRecordExecutorDeps } from "./one-record-executor";
import { joinQueueAbort, leaveQueueAbort } from "./queue-abort";
import type { ExecutorDeps } from "./run-context";
import { executeRun } from "./run-executor";
import type { RunJob, RunJobHandler } from "./run-queue";

/** What the queue's job handler needs. */
export interface JobHandlerDeps {
  registry: RunRegistry;
  /** The executor's deps (with approval timeouts armed). */
  executorDeps: ExecutorDeps;
  batchLeaseMs: number;
  /** Runs keep their records in the store and are resumed by a sweep (see one-record-executor.ts). */
  durable: boolean;
  /** Resumes a parked record named by a delayed job (parked-sweep.ts `resumeParkedJob`). */
  resumeParked: (id: string, attempts?: number) => Promise<void>;
  /**
   * Key-aware admission of jobs carrying their records' keys (limits/key-admission.ts); absent
   * when no record limit is set or the queue cannot defer a job.
   */
  admission?: KeyAdmission | undefined;
}

/**
 * The handler the run queue calls for each job: a job with records is an in-memory run
 * (run-executor.ts), one without is a durable run's batches (batch-executor.ts), a delayed job
 * naming a parked record resumes that record (parked-sweep.ts). The run's
 * controller aborts when the queue closes; waiters are woken when the job ends.
 */
export function runJobHandler(deps: JobHandlerDeps): RunJobHandler {
  // The durable executor's deps, made once for every job rather than a copy of some thirty
  // fields per job (issue 21).
  const batchDeps: OneRecordExecutorDeps = {
    ...deps.executorDeps,
    batchLeaseMs: deps.batchLeaseMs,
    durable: deps.durable,
    contexts: deps.registry,
    onSettled: deps.registry.keepSettled,
  };
  return async (job, queueSignal) => {
    if (job.parked !== undefined) {
      await deps.resumeParked(job.parked, job.attempt);
      return undefined;
    }
    // Before anything is claimed: a deferred job leaves no lease, claim or registry entry behind.
    const admitted =
      job.admission === undefined || deps.admission === undefined
        ? undefined
        : await deps.admission.admit(job.admission);
    if (admitted !== undefined && "deferMs" in admitted) return admitted;
    try {
      await runJob(deps, batchDeps, job, queueSignal);
    } finally {
      admitted?.release();
    }
    return undefined;
  };
}

/** Does a run's job (not a parked record's) and wakes its waiters. */
async function runJob(
  deps: JobHandlerDeps,
  batchDeps: OneRecordExecutorDeps,
  job: RunJob,
  queueSignal: AbortSignal,
): Promise<void> {
  const { registry } = deps;
  const controller = registry.controllerFor(job.runId);
  const running = joinQueueAbort(queueSignal, controller);
  try {
    if (job.records === undefined) {
      registry.markDurableJob(job.runId);
      const held = registry.takeOneRecordRun(job.runId);
      if (held === undefined) await executeBatches(batchDeps, job, controller);
      else {
        try {
          await executeOneRecordRun(batchDeps, held, job, controller);
        } catch (error) {
          held.creation?.reject(error);
          throw error;
        } finally {
          // Every way through the executor settles a creation left to it; should one not, its
          // creator must not wait forever. (Checked first: an error made per job costs its stack.)
          if (held.creation?.open)
            held.creation.reject(new SynapseError(ErrorCode.INTERNAL, "the run's write was not made"));
          registry.endOneRecordRun(job.runId);
        }
      }
    } else {
      await executeRun(deps.executorDeps, job, controller, (run) => registry.setActive(job.runId, run));
    }
  } finally {
    if (job.records === undefined && job.batch === undefined) registry.releaseRunWideJob(job.runId);
    registry.notifySettled(job.runId);
    leaveQueueAbort(queueSignal, running);
    registry.releaseUnlessWaiting(job.runId);
  }
}
