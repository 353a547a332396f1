import { OverloadedError } from "../../errors";
import type { RunQueue } from "../execute/run-queue";

/** Admission control (`admission` of `createRuntime`): how much accepted work may wait. */
export interface AdmissionOptions {
  /**
   * Jobs accepted but not finished (waiting or running) in the run queue beyond which a new run
   * (`runs.start`, `ingest`, `poll`, a delivery of `subscribe`, a dead-letter replay) is refused
   * with {@link OverloadedError}. A job is a run on the inline queue and a batch of
   * `batchSize` records on a distributed queue (BullMQ). `Infinity` turns admission control off;
   * a queue without `depth()` is never checked.
   * @default 10_000
   * @example createRuntime({ admission: { maxQueuedJobs: 500 } }) // at most ~500 runs waiting
   */
  maxQueuedJobs?: number;
  /**
   * What a refusal's `retryAfterMs` says (a service turns it into `Retry-After`).
   * @default 1_000
   */
  retryAfterMs?: number;
  /**
   * How long one reading of a distributed queue's depth is reused (jobs this process queued since
   * are added to it), so admission costs one Redis round trip per interval, not per run.
   * @default 250
   */
  sampleMs?: number;
}

/** The admission check the run service calls before it creates a run. */
export interface Admission {
  /** Throws {@link OverloadedError} when the queue holds `maxQueuedJobs` or more. */
  check(): Promise<void>;
  /** Counts jobs this process just queued, until the next reading of the depth. */
  queued(jobs: number): void;
}

/** The default bound on jobs accepted but not finished. */
export const DEFAULT_MAX_QUEUED_JOBS = 10_000;

/** Builds the admission check over a queue's `depth()`. */
export function createAdmission(queue: RunQueue, options: AdmissionOptions = {}): Admission {
  const max = options.maxQueuedJobs ?? DEFAULT_MAX_QUEUED_JOBS;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  const sampleMs = options.sampleMs ?? 250;
  const depth = queue.depth?.bind(queue);
  let sampled: { at: number; depth: number } | undefined;
  let reading: Promise<number> | undefined;
  let queuedSince = 0;

  /** A distributed queue's depth, read at most once per `sampleMs`. */
  const sampledDepth = async (): Promise<number> => {
    if (depth === undefined) return 0;
    const now = Date.now();
    if (sampled !== undefined && now - sampled.at < sampleMs) return sampled.depth + queuedSince;
    reading ??= depth().finally(() => (reading = undefined));
    const read = await reading;
    if (sampled === undefined || sampled.at < now) {
      sampled = { at: now, depth: read };
      queuedSince = 0;
    }
    return sampled.depth + queuedSince;
  };

  return {
    async check() {
      if (!Number.isFinite(max) || depth === undefined) return;
      // An in-process queue answers from memory: it is read every time, directly (one async
      // frame fewer per run, issue 21).
      const jobs = queue.distributed ? await sampledDepth() : await depth();
      if (jobs >= max) {
        throw new OverloadedError(
          `the ${queue.kind} run queue holds ${jobs} unfinished jobs (admission limit ${max}): try again in ${retryAfterMs} ms`,
          { retryAfterMs, resource: "queue" },
        );
      }
    },
    queued(jobs) {
      queuedSince += jobs;
    },
  };
}
