import type { Run } from "../../model/run";
import type { Store } from "../../store/types";
import type { WrittenBatch } from "../create/run-batches";
import { unsettledRecords } from "./run-counts";

/** Runs read per page by the sweep. */
const PAGE = 200;

/** What the resume sweep needs. */
export interface ResumeSweepDeps {
  store: Store;
  clock: () => Date;
  /** Queues the run's free batches (or a run-wide job): `enqueueDurableRun`. */
  enqueue: (runId: string, batches: readonly WrittenBatch[]) => Promise<void>;
  /** Re-arms the timeouts of the run's records waiting for approval. */
  rearmApprovals: (run: Run) => Promise<void>;
}

/**
 * Picks up every unfinished durable run: batches no live worker holds are queued again (a
 * distributed queue drops the duplicates by job id), a run whose batches are all DONE but that
 * never ended gets a run-wide job that ends it, and approval timeouts are re-armed from the
 * events. Called on start and then periodically; returns how many runs it looked at.
 */
export async function resumeSweep(deps: ResumeSweepDeps): Promise<number> {
  let seen = 0;
  for (const status of ["QUEUED", "RUNNING"] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.listRuns({ status, limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const run of page.items) {
        seen += 1;
        await resumeRun(deps, run);
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return seen;
}

async function resumeRun(deps: ResumeSweepDeps, run: Run): Promise<void> {
  const now = deps.clock().getTime();
  const batches = await deps.store.listRunBatches(run.id);
  const free = batches.filter(
    (b) => b.state === "PENDING" && (b.lease === undefined || Date.parse(b.lease.expiresAt) <= now),
  );
  // All DONE but not ended (its worker died before the final status): a run-wide job ends it.
  const unended = batches.every((b) => b.state === "DONE") && unsettledRecords(run.counts) === 0;
  if (free.length > 0 || unended) await deps.enqueue(run.id, free);
  if (run.status === "RUNNING" && run.counts.waiting > 0) await deps.rearmApprovals(run);
}
