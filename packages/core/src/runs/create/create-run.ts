import { LifecycleError, NotFoundError, OverloadedError, ValidationError } from "../../errors";
import { newId } from "../../ids";
import type { Run } from "../../model/run";
import { LastInstantIso } from "../../store/last-instant-iso";
import { isStoreOutage } from "../../store/store-outage";
import { zeroCounts } from "../execute/run-counts";
import { checkIdempotencyKeyLength } from "../idempotency/idempotency-key";
import type { ConnectionResolver } from "../plan/bind-connector";
import { checkRunConnection } from "../plan/run-connection";
import type { StartRunOptions } from "../types";
import { enqueueDurableRun } from "./enqueue-run";
import { createOneRecordRun, type OneRecordCreateDeps, takesOneRecordPath } from "./one-record-create";
import { type WrittenBatch, writeBatches, writeStreamedBatches } from "./run-batches";
import { requireRecords } from "./run-input";
import { collect } from "./start-records";

/** Runs created one after another mostly fall in the same millisecond: its text is made once. */
const createdAt = new LastInstantIso();

/** What a run refused because the store is down tells its caller to wait. */
const STORE_RETRY_AFTER_MS = 5_000;

/** What creating a run needs (the one-record path's deps, and more). */
export interface CreateRunDeps extends OneRecordCreateDeps {
  clock: () => Date;
  /** Records per batch of a durable run. */
  batchSize: number;
  /** Cancels a run (when the caller's `signal` aborts). */
  cancel: (runId: string) => Promise<unknown>;
  /** Customer connections, for runs started with `connection`. */
  connections?: ConnectionResolver | undefined;
}

/** How a run is created: the start options and what triggered it. */
export type CreateRunOptions = Omit<StartRunOptions, "trigger"> & {
  trigger: Run["trigger"];
  replayOf?: string;
  /** The caller already checked `connection` (a poll resolved it to read the source). */
  connectionChecked?: boolean;
  /** A poll's: the source cursor to store when the run succeeds (`Run.sourceCursor`). */
  sourceCursor?: unknown;
};

/**
 * Creates a QUEUED run of the blueprint and queues it: every way a run starts (`start`,
 * `ingest`, `poll`, `subscribe`, a replay) comes here. Admission is checked before anything is
 * read or written; a store that is down refuses the run with {@link OverloadedError}.
 */
export async function createRun(
  deps: CreateRunDeps,
  blueprintId: string,
  given: unknown[] | AsyncIterable<unknown>,
  options: CreateRunOptions,
): Promise<Run> {
  // issue 16: refused before anything is read or written, so a refused run leaves no trace.
  await deps.admission.check();
  try {
    return await insertAndQueue(deps, blueprintId, given, options);
  } catch (error) {
    // The store cannot take the run now (down, restarting): a caller may try again shortly.
    if (!isStoreOutage(error)) throw error;
    throw new OverloadedError("the store is unavailable: the run was not created; try again shortly", {
      retryAfterMs: STORE_RETRY_AFTER_MS,
      resource: "store",
      cause: error,
    });
  }
}

async function insertAndQueue(
  deps: CreateRunDeps,
  blueprintId: string,
  given: unknown[] | AsyncIterable<unknown>,
  options: CreateRunOptions,
): Promise<Run> {
  const { store } = deps;
  if (!Array.isArray(given) && options.idempotencyKey !== undefined) refuseKeyOfManyRecords();
  // Streamed straight to the store only by a durable run; otherwise the run holds its records.
  const streamed = Array.isArray(given) || !deps.durable ? undefined : given;
  const records = Array.isArray(given) ? given : streamed === undefined ? await collect(given) : [];
  const oneRecord = takesOneRecordPath(deps, { ...options, records: streamed ? undefined : records });
  const cached = oneRecord ? deps.approvedRevisions.get(blueprintId) : undefined;
  const { projectId, revision } =
    cached ?? (await runnableRevision(deps, blueprintId, options.dryRun ?? false));
  if (streamed === undefined) requireRecords(records.length);
  if (options.connection !== undefined && options.connectionChecked !== true)
    await checkRunConnection(deps, projectId, options.connection);
  if (options.idempotencyKey !== undefined) {
    if (records.length !== 1) refuseKeyOfManyRecords();
    checkIdempotencyKeyLength(options.idempotencyKey, "idempotencyKey");
  }
  const now = createdAt.of(deps.clock().getTime());
  const run: Run = {
    id: newId("run"),
    blueprintId,
    projectId,
    revision,
    status: "QUEUED",
    dryRun: options.dryRun ?? false,
    trigger: options.trigger,
    counts: zeroCounts(records.length),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  // Set one by one, in the order they were spread before: a spread of a temporary object per
  // optional field cost an allocation and a copy each, per run (issue 21).
  if (options.idempotencyKey) run.idempotencyKey = options.idempotencyKey;
  if (options.replayOf) run.replayOf = options.replayOf;
  if (options.environment) run.environment = options.environment;
  if (options.connection) run.connection = options.connection;
  if (options.sourceCursor !== undefined) run.sourceCursor = options.sourceCursor;
  if (oneRecord) {
    if (await createOneRecordRun(deps, run, records[0])) {
      cancelOnAbort(deps, run.id, options.signal);
      return run;
    }
    // The blueprint changed since this process read it: read it again.
    if (cached !== undefined) return insertAndQueue(deps, blueprintId, given, options);
  }
  if (!deps.durable) {
    await store.insertRun(run);
    cancelOnAbort(deps, run.id, options.signal);
    const admission = await deps.admissionKeys?.(records, run);
    await deps.queue.enqueue({
      runId: run.id,
      records,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      ...(admission === undefined ? {} : { admission }),
    });
    deps.admission.queued(1);
    return run;
  }
  // Batches before the run row: a crash in between leaves unreferenced batches, never a run
  // with part of its records.
  let batches: WrittenBatch[];
  const keysOf = deps.admissionKeys;
  const admissionOf = keysOf && ((batch: readonly unknown[]) => keysOf(batch, run));
  if (streamed === undefined) {
    batches = await writeBatches(store, run.id, records, deps.batchSize, admissionOf);
  } else {
    const written = await writeStreamedBatches(store, run.id, streamed, deps.batchSize, admissionOf);
    run.counts.total = written.total;
    batches = written.batches;
    requireRecords(run.counts.total);
  }
  await store.insertRun(run);
  cancelOnAbort(deps, run.id, options.signal);
  await enqueueDurableRun(deps, run.id, batches);
  return run;
}

/** The revision a new run of the blueprint runs: the approved one (the head for a dry run). */
async function runnableRevision(
  deps: Pick<CreateRunDeps, "store" | "approvedRevisions">,
  blueprintId: string,
  dryRun: boolean,
): Promise<{ projectId: string; revision: number }> {
  const blueprint = await deps.store.getBlueprint(blueprintId);
  if (blueprint === undefined) throw new NotFoundError("blueprint", blueprintId);
  const revision = dryRun ? blueprint.revision : blueprint.approvedRevision;
  if (revision === undefined) {
    throw new LifecycleError(
      "run",
      blueprint.status,
      `blueprint "${blueprintId}" has no approved revision to run (dry runs may run a draft)`,
      { path: "/status" },
    );
  }
  if (blueprint.status === "ARCHIVED") {
    throw new LifecycleError("run", blueprint.status, `blueprint "${blueprintId}" is archived`, {
      path: "/status",
    });
  }
  if (!dryRun) deps.approvedRevisions.keep(blueprintId, { projectId: blueprint.projectId, revision });
  return { projectId: blueprint.projectId, revision };
}

/** Makes the run cancellable in this process, and cancels it when the caller's signal aborts. */
function cancelOnAbort(deps: CreateRunDeps, runId: string, signal: AbortSignal | undefined): void {
  deps.registry.controllerFor(runId);
  signal?.addEventListener("abort", () => void deps.cancel(runId).catch(() => {}), { once: true });
}

function refuseKeyOfManyRecords(): never {
  throw new ValidationError("idempotencyKey applies to single-record runs: pass one record", {
    path: "/idempotencyKey",
  });
}
