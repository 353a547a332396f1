import type { ConnectionOptions, Job, Queue, Worker } from "bullmq";
import { ErrorCode, SynapseError } from "../errors";
import type { JobDeferral, RunJob, RunJobHandler, RunQueue } from "../runs/execute/run-queue";
import type { LimitBackend } from "../runs/limits/limit-backend";
import { loadBullmq } from "./_load-bullmq";
import { type RedisScripting, redisLimitBackend } from "./redis-limit-backend";

/** Options of {@link bullmqQueue}. */
export interface BullmqQueueOptions {
  /** Redis connection: ioredis options or an ioredis instance, as BullMQ takes it. */
  connection: ConnectionOptions;
  /**
   * The BullMQ queue name; every process of one deployment uses the same.
   * @default "synapseops-runs"
   */
  name?: string;
  /**
   * BullMQ key prefix, to keep deployments (or tests) apart on one Redis.
   * @default "bull"
   */
  prefix?: string;
  /**
   * Batches this process works on at once (each runs `recordConcurrency` records at once).
   * @default 4
   */
  concurrency?: number;
  /**
   * Whether this process works on batches; `false` for a process that only starts runs.
   * @default true
   */
  worker?: boolean;
  /**
   * BullMQ's lock on an active job; a worker that stops renewing it (killed) has its job
   * recovered as stalled after about this long.
   * @default 30_000
   */
  lockDurationMs?: number;
  /**
   * A queue-wide rate limit (BullMQ's limiter): at most `max` batches per `durationMs` over all
   * workers. Per-connector limits stay with `connectorLimits` of the runtime.
   * @example { max: 50, durationMs: 1000 }
   */
  limiter?: { max: number; durationMs: number };
  /**
   * Deliveries of one batch job before BullMQ gives up on it (a busy batch is retried every
   * second; the runtime's sweep queues abandoned batches again in any case).
   * @default 1000
   */
  attempts?: number;
}

/** What a BullMQ job carries: pointers only; the records stay in the store. */
interface BatchJobData {
  runId: string;
  batch?: number;
  /** A parked record to resume (a delayed job), and its attempts when it was parked. */
  parked?: string;
  attempt?: number;
  /** The limit keys the batch's records share (key-aware admission). */
  admission?: string[];
}

/**
 * The priority a deferred job comes back with: BullMQ serves its wait list (jobs without a
 * priority) before any prioritized job, so a job deferred because its key is at its limit waits
 * behind every fresh job, and a flooding key's batches never queue ahead of another key's.
 */
const DEFERRED_PRIORITY = 1;

/** Thrown by the processor when the worker closed mid-batch, so BullMQ delivers it again. */
class ReleasedOnClose extends SynapseError {
  override name = "ReleasedOnClose";
}

/**
 * A distributed {@link RunQueue} on BullMQ (Redis): a durable run is split into batches, one
 * BullMQ job each, shared by every worker process. Jobs carry only the run id and batch index;
 * records are read from the store under a batch lease, so BullMQ's stalled-job recovery, our
 * leases and idempotency together lose nothing and apply nothing twice at a key-honouring
 * target. Needs the optional `bullmq` package and a durable store.
 *
 * @example
 * ```ts
 * import { bullmqQueue } from "@synapseops/core/bullmq";
 * import { postgresStore } from "@synapseops/core/postgres";
 *
 * const runtime = createRuntime({
 *   store: postgresStore({ pool }),
 *   queue: bullmqQueue({ connection: { host: "127.0.0.1", port: 6379 }, concurrency: 8 }),
 * });
 * ```
 */
export function bullmqQueue(options: BullmqQueueOptions): RunQueue {
  const name = options.name ?? "synapseops-runs";
  // Parked records' delayed jobs (issue 20) wait in a queue of their own, so hours of them never
  // count as queued work for admission control (`depth`), which reads the main queue.
  const parkedName = `${name}-parked`;
  const attempts = options.attempts ?? 1000;
  const controller = new AbortController();
  const queues = new Map<string, Promise<Queue>>();
  let workers: Promise<Worker[]> | undefined;
  let closed = false;
  // Jobs this worker is running, so close() can wait for them itself: BullMQ's close() waits for
  // active jobs, and a later close(true) only returns that same promise, so a job that ignores
  // the abort would hold a graceful-then-forced close forever.
  const active = new Set<Promise<void>>();
  let limits: LimitBackend | undefined;

  const getQueue = (queueName = name): Promise<Queue> => {
    if (closed) return Promise.reject(new SynapseError(ErrorCode.CLOSED, "the bullmq queue is closed"));
    let opened = queues.get(queueName);
    if (opened === undefined) {
      opened = loadBullmq().then(
        ({ Queue: BullQueue }) =>
          new BullQueue(queueName, {
            connection: options.connection,
            ...(options.prefix ? { prefix: options.prefix } : {}),
          }),
      );
      queues.set(queueName, opened);
      opened.catch(() => queues.delete(queueName));
    }
    return opened;
  };
  const jobOf = (job: RunJob): { name: string; data: BatchJobData; opts: Record<string, unknown> } => {
    if (job.parked !== undefined) {
      return {
        name: "parked",
        data: {
          runId: job.runId,
          parked: job.parked,
          ...(job.attempt === undefined ? {} : { attempt: job.attempt }),
        },
        opts: {
          // One delayed job per parking of a record (issue 20): parked again, it gets another.
          jobId: `${job.parked}-${job.attempt ?? 0}`,
          delay: Math.max(0, job.delayMs ?? 0),
          attempts,
          backoff: { type: "fixed", delay: 1000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      };
    }
    if (job.records !== undefined)
      throw new SynapseError(
        ErrorCode.INVALID_INPUT,
        "bullmqQueue carries durable runs only: use a durable store (postgresStore) and durableRuns",
      );
    return {
      name: "batch",
      data: {
        runId: job.runId,
        ...(job.batch === undefined ? {} : { batch: job.batch }),
        ...(job.admission === undefined ? {} : { admission: job.admission }),
      },
      opts: {
        // One job per batch and claim count: a sweep queueing a batch nobody claimed since is a
        // no-op, while a batch whose claimant froze or died (its lease expired) gets a new job.
        jobId: `${job.runId}-${job.batch ?? "all"}-${job.attempt ?? 0}`,
        attempts,
        backoff: { type: "fixed", delay: 1000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    };
  };

  return {
    kind: "bullmq",
    distributed: true,
    delayedJobs: true,
    deferrals: true,
    async enqueue(job) {
      const { name: jobName, data, opts } = jobOf(job);
      await (await getQueue(job.parked === undefined ? name : parkedName)).add(jobName, data, opts);
    },
    async enqueueMany(jobs) {
      const parked = jobs.filter((job) => job.parked !== undefined);
      const batches = jobs.filter((job) => job.parked === undefined);
      if (batches.length > 0) await (await getQueue()).addBulk(batches.map(jobOf));
      if (parked.length > 0) await (await getQueue(parkedName)).addBulk(parked.map(jobOf));
    },
    start(handler: RunJobHandler) {
      if (options.worker === false) return;
      workers = loadBullmq().then(({ Worker: BullWorker, DelayedError }) => {
        if (closed) return [];
        const workerFor = (queueName: string): Worker => {
          const created = new BullWorker<BatchJobData>(
            queueName,
            async (job: Job<BatchJobData>, token?: string) => {
              const { runId, batch, parked, attempt, admission } = job.data;
              const running = handler(
                {
                  runId,
                  ...(batch === undefined ? {} : { batch }),
                  ...(parked === undefined ? {} : { parked }),
                  ...(attempt === undefined ? {} : { attempt }),
                  ...(admission === undefined ? {} : { admission }),
                },
                controller.signal,
              );
              const settled = running.then(
                () => undefined,
                () => undefined,
              );
              active.add(settled);
              let deferral: JobDeferral | undefined;
              try {
                deferral = await running;
              } finally {
                active.delete(settled);
              }
              if (deferral !== undefined) {
                // The same job (same id: nothing duplicated) waits in the delayed set, then
                // behind fresh jobs; BullMQ counts no attempt for a DelayedError.
                await job.changePriority({ priority: DEFERRED_PRIORITY });
                await job.moveToDelayed(Date.now() + deferral.deferMs, token);
                throw new DelayedError();
              }
              if (controller.signal.aborted)
                throw new ReleasedOnClose(
                  ErrorCode.CLOSED,
                  "worker closed mid-batch: the batch was released",
                );
            },
            {
              connection: options.connection,
              concurrency: Math.max(1, options.concurrency ?? 4),
              lockDuration: options.lockDurationMs ?? 30_000,
              // Check for stalled jobs as often as a lock can expire, so a killed worker's job
              // moves on within about one lock duration rather than BullMQ's 30 s default.
              stalledInterval: options.lockDurationMs ?? 30_000,
              // A killed worker's job is recovered as often as it takes: leases decide who works.
              maxStalledCount: 1000,
              ...(options.prefix ? { prefix: options.prefix } : {}),
              ...(options.limiter
                ? { limiter: { max: options.limiter.max, duration: options.limiter.durationMs } }
                : {}),
            },
          );
          created.on("error", () => {
            // Connection errors are retried by ioredis; BullMQ reports them here, not to the host.
          });
          return created;
        };
        return [workerFor(name), workerFor(parkedName)];
      });
    },
    async close(timeoutMs) {
      closed = true;
      const running = (await workers?.catch(() => undefined)) ?? [];
      if (running.length > 0) {
        // Take no new job, then give the running ones the timeout to finish.
        await Promise.all(running.map((w) => w.pause(true).catch(() => undefined)));
        const within = (ms: number): Promise<boolean> =>
          Promise.race([
            Promise.all(active).then(() => true),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
          ]);
        let drained = await within(timeoutMs);
        if (!drained) {
          // Batches stop at their next record and release their leases; BullMQ delivers them again.
          controller.abort();
          drained = await within(2000);
        }
        // Forced only when a job still runs (its connector ignored the abort): its lock expires
        // and BullMQ's stalled-job check hands the batch to another worker.
        await Promise.all(running.map((w) => w.close(!drained).catch(() => undefined)));
      }
      for (const opening of queues.values()) {
        const opened = await opening.catch(() => undefined);
        await opened?.close().catch(() => undefined);
      }
    },
    async ping() {
      // A cheap read that needs Redis to answer.
      await (await getQueue()).getJobCounts("waiting");
    },
    async activeJobs() {
      const [batches, parked] = await Promise.all(
        [name, parkedName].map(async (queueName) => (await getQueue(queueName)).getJobCounts("active")),
      );
      return (batches?.active ?? 0) + (parked?.active ?? 0);
    },
    limitBackend() {
      // On the queue's own Redis connection, under the queue's prefix.
      limits ??= redisLimitBackend(
        async () => (await (await getQueue()).getBackend().client) as unknown as RedisScripting,
        { prefix: `${options.prefix ?? "bull"}:${name}` },
      );
      return limits;
    },
    async depth() {
      const counts = await (await getQueue()).getJobCounts("waiting", "prioritized", "delayed", "active");
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
  };
}
