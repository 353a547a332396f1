import { ErrorCode, NotFoundError, SynapseError } from "../../errors";
import type { Run } from "../../model/run";
import type { Store } from "../../store/types";
import { unsettledRecords } from "../execute/run-counts";
import { isTerminal } from "../execute/run-state";
import type { RunRegistry } from "../run-registry";

/**
 * The longest pause between two looks at the store of `runs.wait` for a run that another worker
 * may settle: a short one, so a waiter does not add up to a second to a run that took 300 ms.
 */
const WAIT_POLL_MAX_MS = 200;

/** The longest pause between two looks at the registry for a run this process settles. */
const WAIT_HERE_MAX_MS = 1_000;

/** What waiting for a run needs. */
export interface RunWaitDeps {
  store: Store;
  registry: RunRegistry;
  durable: boolean;
}

/**
 * Resolves when the run is SUCCEEDED, FAILED or CANCELLED (or RUNNING with only waiting or parked records,
 * with `untilWaiting`). A run settled by this process wakes the waiter at once; one settled by
 * another worker is seen at the next look at the store, within 200 ms.
 * @throws SynapseError `CONFLICT` when `timeoutMs` passes first.
 */
export async function waitForRun(
  deps: RunWaitDeps,
  id: string,
  options: { timeoutMs?: number; untilWaiting?: boolean } = {},
): Promise<Run> {
  const { store, registry } = deps;
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  // A one-record run this process executes (issue 21) wakes its waiters with the document its
  // finish wrote: no look at the store. Anything else (handed to the batch path, ended elsewhere)
  // is looked up below.
  while (!options.untilWaiting) {
    const kept = registry.settledRun(id);
    if (kept !== undefined) return kept;
    if (!registry.settlesHere(id) || Date.now() >= deadline) break;
    await registry.settledOrAfter(id, Math.min(WAIT_HERE_MAX_MS, deadline - Date.now()));
  }
  for (let delay = 10; ; delay = Math.min(delay * 2, WAIT_POLL_MAX_MS)) {
    const run = await store.getRun(id);
    if (run === undefined) throw new NotFoundError("run", id);
    const waitingOnly =
      options.untilWaiting &&
      run.status === "RUNNING" &&
      unsettledRecords(run.counts) > 0 &&
      !registry.activeRun(id)?.controller.signal.aborted &&
      (await isLoopDone(registry, id)) &&
      (!deps.durable || (await store.listRunBatches(id)).every((b) => b.state === "DONE"));
    // A polled run's cursor is stored before it is SUCCEEDED (finish-run.ts): a caller that
    // polls again right after wait() reads on from it.
    if (isTerminal(run.status) || waitingOnly) return run;
    if (Date.now() >= deadline)
      throw new SynapseError(
        ErrorCode.CONFLICT,
        `run "${id}" is still ${run.status} after ${options.timeoutMs} ms`,
      );
    await registry.settledOrAfter(id, Math.min(delay, deadline - Date.now()));
  }
}

/** Whether this process's record loop of the run is done (true when it runs none). */
async function isLoopDone(registry: RunRegistry, id: string): Promise<boolean> {
  const current = registry.activeRun(id);
  if (current === undefined) return true;
  let done = false;
  await Promise.race([current.done.then(() => (done = true)), Promise.resolve()]);
  return done;
}
