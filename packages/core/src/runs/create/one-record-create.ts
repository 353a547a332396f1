import { cloneJson } from "../../clone-json";
import type { Run } from "../../model/run";
import type { Store } from "../../store/types";
import type { RunQueue } from "../execute/run-queue";
import type { RunRegistry } from "../run-registry";
import type { ApprovedRevisions } from "./approved-revisions";
import { type EnqueueDeps, enqueueDurableRun } from "./enqueue-run";

/** What creating a one-record run needs. */
export interface OneRecordCreateDeps extends EnqueueDeps {
  store: Store;
  queue: RunQueue;
  registry: RunRegistry;
  durable: boolean;
  approvedRevisions: ApprovedRevisions;
}

/** What a run is started with, as far as the one-record path cares. */
export interface OneRecordCandidate {
  records: readonly unknown[] | undefined;
  dryRun?: boolean | undefined;
  connection?: unknown;
  environment?: string | undefined;
  sourceCursor?: unknown;
}

/**
 * Whether a new run may take the one-record path (issue 21): one record, durable, this process
 * executes it (not a distributed queue) and the store offers the path. Dry runs (a draft
 * revision), runs on a customer connection or an environment, and polled runs (their cursor is
 * stored as they end: finish-run.ts) keep the batch path.
 */
export function takesOneRecordPath(deps: OneRecordCreateDeps, candidate: OneRecordCandidate): boolean {
  return (
    deps.store.oneRecordRuns !== undefined &&
    deps.durable &&
    deps.queue.distributed !== true &&
    candidate.records?.length === 1 &&
    candidate.dryRun !== true &&
    candidate.connection === undefined &&
    candidate.environment === undefined &&
    candidate.sourceCursor === undefined
  );
}

/**
 * Writes the QUEUED run and its one batch in one statement, guarded by the revision it names
 * still being the blueprint's approved one, keeps the run for this process's executor (which
 * then reads neither the run nor its batch) and queues it.
 * @returns false, writing and queueing nothing, when the guard failed (the blueprint changed).
 */
export async function createOneRecordRun(
  deps: OneRecordCreateDeps,
  run: Run,
  record: unknown,
): Promise<boolean> {
  if (!(await deps.store.oneRecordRuns!.createOneRecordRun(run, record))) {
    deps.approvedRevisions.forget(run.blueprintId);
    return false;
  }
  deps.registry.holdOneRecordRun({ run: cloneJson(run), record });
  await enqueueDurableRun(deps, run.id, [{ index: 0, attempts: 0 }]);
  return true;
}
