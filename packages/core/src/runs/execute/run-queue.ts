import { ErrorCode, SynapseError } from "../../errors";
import type { LimitBackend } from "../limits/limit-backend";

/**
 * One unit of work: a run and the records it processes in memory, or, for a durable run whose
 * records are in the store, the run and optionally one of its batches.
 */
export interface RunJob {
  runId: string;
  /** The records, for a run kept in memory; absent for a durable run (read from its batches). */
  records?: unknown[];
  /** One batch of a durable run (a distributed queue); absent: every batch no live worker holds. */
  batch?: number;
  /** Claims the batch had when queued: a distributed queue keeps one job per (batch, attempt). */
  attempt?: number;
  /** The caller's idempotency key, for single-record runs. */
  idempotencyKey?: string;
  /**
   * A parked record's id (issue 20): the job resumes that record when it is due. Only queued
   * with `delayMs` on a queue with `delayedJobs`; `attempt` then holds the record's attempts.
   */
  parked?: string;
  /** Deliver the job after this long (a queue with `delayedJobs` only). */
  delayMs?: number;
  /**
   * The record-limit keys every record of the job shares (key-admission.ts): the job runs only
   * while fewer jobs of these keys run than their limits' width, else it is deferred.
   */
  admission?: string[];
}

/**
 * What a handler may answer instead of doing the job: "not now" (its keys are at their limit).
 * The queue delivers the same job again after `deferMs`, behind jobs queued meanwhile, without
 * counting an attempt; the job held no slot, claim or lease while it waits.
 */
export interface JobDeferral {
  deferMs: number;
}

/** What a queue calls for each job; the signal aborts when the queue closes. */
export type RunJobHandler = (job: RunJob, signal: AbortSignal) => Promise<JobDeferral | undefined>;

/**
 * The port runs are dispatched through: the inline queue runs them in this process; a
 * distributed queue (BullMQ) hands them to many workers.
 */
export interface RunQueue {
  /** A name for health reports (`inline`, `bullmq`). */
  readonly kind: string;
  /**
   * Whether many processes share the jobs: the runtime then enqueues one job per batch of a
   * durable run, so batches spread over workers. @default false
   */
  readonly distributed?: boolean;
  /**
   * Whether the queue delivers jobs after a delay (`RunJob.delayMs`): parked records then get a
   * delayed job each, besides the store sweep that resumes them anyway. @default false
   */
  readonly delayedJobs?: boolean;
  /**
   * Whether the queue honours a handler's {@link JobDeferral} (delivers the job again after its
   * delay): key-aware admission defers jobs only on such a queue, so no job is ever dropped by
   * a queue that ignores the answer. @default false
   */
  readonly deferrals?: boolean;
  /**
   * Whether a job enqueued now is handed to this process's handler within the next turn of the
   * event loop (a free slot, no job waiting for one): a one-record run's creator then leaves
   * its write to the executor, which makes it with the run's start (issue 21). Absent: never.
   */
  startsAtOnce?(): boolean;
  /** Accepts a job; resolves once the job is safely queued, not when it is done. */
  enqueue(job: RunJob): Promise<void>;
  /** Accepts many jobs in one round trip (a queue that has no such call gets `enqueue` per job). */
  enqueueMany?(jobs: readonly RunJob[]): Promise<void>;
  /** Starts delivering jobs to the handler. Called once by the runtime. */
  start(handler: RunJobHandler): void;
  /** Stops taking jobs and waits up to `timeoutMs` for running ones, then aborts them. */
  close(timeoutMs: number): Promise<void>;
  /** Checks the queue answers; throws when it does not. */
  ping(): Promise<void>;
  /**
   * Jobs accepted and not finished (waiting, delayed or running), for admission control; a
   * queue without it is not checked.
   */
  depth?(): Promise<number>;
  /** Jobs running now in any worker (not waiting, not delayed): what holds worker slots. */
  activeJobs?(): Promise<number>;
  /**
   * Where the runtime's `recordLimits` keep their shared state with this queue (BullMQ: its
   * Redis); absent: the store's, else this process only.
   */
  limitBackend?(): LimitBackend;
}

/** Options of {@link inlineQueue}. */
export interface InlineQueueOptions {
  /**
   * Runs processed at once in this process.
   * @default 4
   */
  concurrency?: number;
}

/**
 * The embedded default queue: runs execute in this process, at most `concurrency` at a time, in
 * the order they were started.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ queue: inlineQueue({ concurrency: 8 }) });
 * ```
 */
export function inlineQueue(options: InlineQueueOptions = {}): RunQueue {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const pending: RunJob[] = [];
  const running = new Set<Promise<void>>();
  /** Deferred jobs waiting to be queued again (JobDeferral), dropped on close like `pending`. */
  const deferred = new Set<NodeJS.Timeout>();
  const controller = new AbortController();
  let handler: RunJobHandler | undefined;
  let closed = false;

  const defer = (job: RunJob, ms: number): void => {
    const timer = setTimeout(() => {
      deferred.delete(timer);
      pending.push(job);
      pump();
    }, ms);
    deferred.add(timer);
  };
  const pump = (): void => {
    while (handler && !closed && running.size < concurrency && pending.length > 0) {
      const job = pending.shift()!;
      const task = handler(job, controller.signal)
        .then((deferral) => {
          if (deferral !== undefined) defer(job, deferral.deferMs);
        })
        .catch(() => {
          // The handler records its own failures on the run; nothing may escape into the host.
        })
        .finally(() => {
          running.delete(task);
          pump();
        });
      running.add(task);
    }
  };

  return {
    kind: "inline",
    deferrals: true,
    startsAtOnce() {
      return handler !== undefined && !closed && running.size + pending.length < concurrency;
    },
    async enqueue(job) {
      if (closed)
        throw new SynapseError(ErrorCode.CLOSED, "the inline queue is closed: the runtime is shutting down");
      pending.push(job);
      setImmediate(pump);
    },
    start(next) {
      handler = next;
      pump();
    },
    async close(timeoutMs) {
      closed = true;
      for (const timer of deferred) clearTimeout(timer);
      deferred.clear();
      const drained = Promise.all(running).then(() => true);
      const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      if (!(await Promise.race([drained, timedOut]))) {
        controller.abort();
        // Runs stop at their next await; a connector that ignores its signal gets one more second.
        const grace = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
        await Promise.race([drained, grace]);
      }
    },
    async ping() {
      if (closed) throw new SynapseError(ErrorCode.CLOSED, "the inline queue is closed");
    },
    async depth() {
      return pending.length + running.size + deferred.size;
    },
    async activeJobs() {
      return running.size;
    },
  };
}
