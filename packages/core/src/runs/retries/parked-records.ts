import { ErrorCode, NotFoundError, SynapseError } from "../../errors";
import type { Run } from "../../model/run";
import type { ParkedRecord, Store } from "../../store/types";
import { keyOwner } from "../idempotency/idempotency-key";
import type { Redactor } from "../observe/redactor";
import type { ParkedRecords, ParkedRecordView } from "../types";

// The run API's view of parked records: list them, make them due now, cancel them. Resuming one
// is execute/resume-parked.ts; parking one is park-record.ts.

/** A typed error for `retryNow` or `cancelParked` naming a record that is not parked. */
export class RecordNotParkedError extends SynapseError {
  override name = "RecordNotParkedError";
  constructor(message: string, path = "/recordKey") {
    super(ErrorCode.RECORD_NOT_PARKED, message, { path });
  }
}

/** A parked record without its payloads (what callers may see of it). */
export function parkedView(parked: ParkedRecord): ParkedRecordView {
  return {
    runId: parked.runId,
    position: parked.position,
    step: parked.step,
    recordKey: parked.recordKey,
    attempts: parked.attempts,
    dueAt: parked.dueAt,
    parkedAt: parked.parkedAt,
    error: parked.error,
  };
}

/** The run's parked records, soonest due first, and when the next attempt is due. */
export async function listParked(store: Store, run: Run): Promise<ParkedRecords> {
  const items = (await store.listParkedRecords(run.id)).map(parkedView);
  const next = items[0]?.dueAt;
  return { items, ...(next === undefined ? {} : { nextAttemptAt: next }) };
}

/**
 * The run's parked records to act on: all of them, or the one of `recordKey`.
 * @throws RecordNotParkedError when none is parked (or none with that record key).
 */
export async function parkedOf(store: Store, run: Run, recordKey?: string): Promise<ParkedRecord[]> {
  const all = await store.listParkedRecords(run.id);
  const chosen = recordKey === undefined ? all : all.filter((p) => p.recordKey === recordKey);
  if (chosen.length === 0) {
    throw new RecordNotParkedError(
      recordKey === undefined
        ? `run "${run.id}" has no parked record`
        : `no record "${recordKey}" of run "${run.id}" is parked`,
      recordKey === undefined ? "/runId" : "/recordKey",
    );
  }
  return chosen;
}

/**
 * Makes the run's parked records (one record's when `recordKey` is given) due now, with a
 * `record.retry_now` event each; the sweep (woken by the caller) resumes them.
 * @throws NotFoundError for an unknown run, RecordNotParkedError when nothing matches.
 */
export async function retryParkedNow(
  store: Store,
  clock: () => Date,
  redactor: Redactor,
  runId: string,
  recordKey?: string,
): Promise<ParkedRecordView[]> {
  const run = await store.getRun(runId);
  if (run === undefined) throw new NotFoundError("run", runId);
  await parkedOf(store, run, recordKey);
  const now = clock();
  const made = await store.makeParkedRecordsDue(runId, now, recordKey);
  await store.appendRunEvents(
    runId,
    made.map((parked) => ({
      at: now.toISOString(),
      level: "info" as const,
      type: "record.retry_now",
      step: parked.step,
      // Shown as every event's record key is: through the redactor (issue 16).
      recordKey: redactor.redactText(parked.recordKey),
      data: { attempts: parked.attempts, dueAt: parked.dueAt },
    })),
  );
  return made.map(parkedView);
}

/**
 * A cancelled run's parked records: deleted, and their keys marked failed so a replay may run
 * them again (a key another worker holds by now is left alone).
 */
export async function dropParkedOfCancelledRun(store: Store, clock: () => Date, run: Run): Promise<void> {
  for (const parked of await store.deleteParkedRecords(run.id)) {
    if (parked.key === undefined || run.dryRun) continue;
    await store
      .failIdempotencyKey({
        scope: run.blueprintId,
        key: parked.key,
        owner: keyOwner(run.id, parked.position),
        now: clock(),
        error: { code: ErrorCode.CANCELLED, message: "the run was cancelled while the record was parked" },
      })
      .catch(() => {
        // The key's lease lapsed and another run holds it: its outcome stands.
      });
  }
}
