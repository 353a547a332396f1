/**
 * The jobs running under each queue signal, aborted together when it aborts (the queue closing):
 * one listener per queue signal, instead of one added and removed per job — in Node 20 the pair
 * costs ≈ 2.5 µs, paid by every one-record run (issue 21).
 */
const runningUnder = new WeakMap<AbortSignal, Set<RunningJob>>();

/** A job's run controller, aborted (with no reason) if the queue signal aborts while it runs. */
export class RunningJob {
  constructor(readonly controller: AbortController) {}
}

/**
 * Aborts `controller` if `queueSignal` aborts before {@link leaveQueueAbort}. A signal already
 * aborted aborts nothing (as a listener added to it would never fire).
 */
export function joinQueueAbort(queueSignal: AbortSignal, controller: AbortController): RunningJob {
  const job = new RunningJob(controller);
  let jobs = runningUnder.get(queueSignal);
  if (jobs === undefined) {
    jobs = new Set();
    runningUnder.set(queueSignal, jobs);
    queueSignal.addEventListener("abort", new AbortRunningJobs(jobs), { once: true });
  }
  jobs.add(job);
  return job;
}

/** The job is done: the queue signal no longer aborts its controller. */
export function leaveQueueAbort(queueSignal: AbortSignal, job: RunningJob): void {
  runningUnder.get(queueSignal)?.delete(job);
}

/** The one listener per queue signal: aborts the controllers of the jobs running then, in order. */
class AbortRunningJobs {
  constructor(private readonly jobs: Set<RunningJob>) {}

  handleEvent(): void {
    for (const job of this.jobs) job.controller.abort();
  }
}
