import { cloneJson } from "../../clone-json";
import type { Run } from "../../model/run";
import type { Store } from "../../store/types";
import type { RunQueue } from "../execute/run-queue";
import type { RunRegistry } from "../run-registry";
import type { ApprovedRevisions } from "./approved-revisions";
import { type EnqueueDeps, enqueueDurableRun } from "./enqueue-run";
import { PendingCreation } from "./pending-creation";

/** What creating a one-record run needs. */
export interface OneRecordCreateDeps extends EnqueueDeps {
  store: Store;
  queue: RunQueue;
  registry: RunRegistry;
  /** Runs keep their records in the store, in batches that workers lease. */
  durable: boolean;
  /** Approved revisions read before: a one-record run is created without a read (issue 21). */
  approvedRevisions: ApprovedRevisions;
  /**
   * The record-limit keys shared by records of a run (limits/key-admission.ts), which its jobs
   * carry for key-aware admission; absent when no limit is set or the queue cannot defer jobs.
   */
  admissionKeys?: ((records: readonly unknown[], run: Run) => Promise<string[] | undefined>) | undefined;
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
 * Whether a new run may take the one-record path (issue 21): one record, this process executes
 * it (not a distributed queue) and the store offers the path. A durable run takes it on any such
 * store; a run kept in memory (the default `createRuntime()`: memory store, inline queue) on the
 * memory store only, whose rows die with the process as the in-memory executor's state does —
 * on another store it would leave batch rows that such runs never write and no sweep resumes.
 * Dry runs (a draft revision), runs on a customer connection or an environment, and polled runs
 * (their cursor is stored as they end: finish-run.ts) keep the batch path or the in-memory
 * executor.
 */
export function takesOneRecordPath(deps: OneRecordCreateDeps, candidate: OneRecordCandidate): boolean {
  return (
    deps.store.oneRecordRuns !== undefined &&
    (deps.durable || deps.store.kind === "memory") &&
    deps.queue.distributed !== true &&
    candidate.records?.length === 1 &&
    candidate.dryRun !== true &&
    candidate.connection === undefined &&
    candidate.environment === undefined &&
    candidate.sourceCursor === undefined
  );
}

/**
 * Writes the run and its one batch in one statement, guarded by the revision it names still
 * being the blueprint's approved one, keeps the run for this process's executor (which then
 * reads neither the run nor its batch) and queues it, with its record's limit keys when record
 * limits admit jobs by key. Where the executor takes it at once, the write is the executor's,
 * made with the run's start; this resolves once it is made.
 * @returns false, writing and queueing nothing, when the guard failed (the blueprint changed).
 */
export async function createOneRecordRun(
  deps: OneRecordCreateDeps,
  run: Run,
  record: unknown,
): Promise<boolean> {
  const created = startsWithItsWrite(deps)
    ? await createWithStart(deps, run, record)
    : await createThenQueue(deps, run, record);
  if (!created) deps.approvedRevisions.forget(run.blueprintId);
  return created;
}

/**
 * Whether the run's write is left to its executor, which makes it with the start (issue 21: two
 * statements per arrival instead of three): the store can, and the queue hands the job to this
 * process's executor at once — a creator never waits for a slot. Record limits admit jobs by
 * their keys, which may defer the job: such runs are written first.
 */
function startsWithItsWrite(deps: OneRecordCreateDeps): boolean {
  return (
    deps.store.oneRecordRuns!.createStartedOneRecordRun !== undefined &&
    deps.admissionKeys === undefined &&
    deps.queue.startsAtOnce?.() === true
  );
}

/** Writes the QUEUED run, then queues it. */
async function createThenQueue(deps: OneRecordCreateDeps, run: Run, record: unknown): Promise<boolean> {
  if (!(await deps.store.oneRecordRuns!.createOneRecordRun(run, record))) return false;
  deps.registry.holdOneRecordRun({ run: cloneJson(run), record });
  const admission = await deps.admissionKeys?.([record], run);
  await enqueueDurableRun(deps, run.id, [
    { index: 0, attempts: 0, ...(admission === undefined ? {} : { admission }) },
  ]);
  return true;
}

/** Queues the unwritten run; resolves once its executor wrote it (one-record-executor.ts). */
async function createWithStart(deps: OneRecordCreateDeps, run: Run, record: unknown): Promise<boolean> {
  const creation = new PendingCreation();
  deps.registry.holdOneRecordRun({ run: cloneJson(run), record, creation });
  try {
    await enqueueDurableRun(deps, run.id, [{ index: 0, attempts: 0 }]);
  } catch (error) {
    deps.registry.endOneRecordRun(run.id);
    throw error;
  }
  return creation.written;
}
