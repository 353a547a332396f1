import type { RunQueue } from "../execute/run-queue";
import type { RunRegistry } from "../run-registry";
import type { Admission } from "./admission";
import type { WrittenBatch } from "./run-batches";

/** Jobs handed to a distributed queue per call. */
const JOBS_PER_ENQUEUE = 500;

/** What queueing a durable run needs. */
export interface EnqueueDeps {
  queue: RunQueue;
  admission: Admission;
  registry: RunRegistry;
}

/**
 * Queues a durable run: one job per batch on a distributed queue (a queue drops a job whose id
 * it holds), one run-wide job otherwise — never two at once in this process.
 */
export async function enqueueDurableRun(
  deps: EnqueueDeps,
  runId: string,
  batches: readonly WrittenBatch[],
): Promise<void> {
  if (!deps.queue.distributed || batches.length === 0) {
    if (!deps.registry.claimRunWideJob(runId)) return;
    const admission = runWideKeys(batches);
    await deps.queue.enqueue({ runId, ...(admission === undefined ? {} : { admission }) });
    deps.admission.queued(1);
    return;
  }
  const jobs = batches.map((b) => ({
    runId,
    batch: b.index,
    attempt: b.attempts,
    ...(b.admission === undefined ? {} : { admission: b.admission }),
  }));
  for (let start = 0; start < jobs.length; start += JOBS_PER_ENQUEUE) {
    const slice = jobs.slice(start, start + JOBS_PER_ENQUEUE);
    if (deps.queue.enqueueMany) await deps.queue.enqueueMany(slice);
    else for (const job of slice) await deps.queue.enqueue(job);
    deps.admission.queued(slice.length);
  }
}

/** The keys every batch of the run shares (a run-wide job is admitted by them), if any. */
function runWideKeys(batches: readonly WrittenBatch[]): string[] | undefined {
  const [first] = batches;
  if (first?.admission === undefined) return undefined;
  const shared = keysId(first.admission);
  return batches.every((b) => keysId(b.admission) === shared) ? first.admission : undefined;
}

/** Keys as one comparable text (module level: a named closure per run costs, issue 21). */
function keysId(keys: string[] | undefined): string | undefined {
  return keys?.join("\u0000");
}
