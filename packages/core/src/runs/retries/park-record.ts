import type { ParkedRecord } from "../../store/types";
import type { RecordInFlight, RecordOutcome } from "../records/record-context";
import { storedError } from "./classify-error";
import type { RetryParked } from "./with-retries";

/**
 * How much longer than the wait a parked record's key is held: time for a sweep or a delayed
 * job to pick it up and for the attempt to start, before another run could take the key.
 */
const KEY_HOLD_MARGIN_MS = 10 * 60_000;

/** The id of a record's parked row: one per record of a run (`<runId>.<position>`). */
export function parkedRecordId(runId: string, position: number): string {
  return `${runId}.${position}`;
}

/**
 * Parks a record whose next retry waits long (issue 20): instead of sleeping in its worker, the
 * record — its value at the step, the attempts so far, its key and the due time — goes to the
 * store, its key stays held until after the due time, and a `record.parked` event says when it
 * runs again. A store sweep or a delayed job resumes it (execute/resume-parked.ts).
 */
export async function parkRecord(record: RecordInFlight, parked: RetryParked): Promise<RecordOutcome> {
  const { ctx, key, recordKey } = record;
  const { planned } = parked;
  const now = ctx.clock();
  const dueAt = new Date(now.getTime() + parked.delayMs).toISOString();
  const error = ctx.redactor.redact(storedError(parked.failure));
  if (key !== undefined && !ctx.run.dryRun) {
    // The wait outlasts the claim's lease: hold the key for it (the resume claims it again).
    await ctx.store.renewIdempotencyLease({
      scope: ctx.run.blueprintId,
      key,
      owner: record.owner,
      leaseMs: parked.delayMs + Math.max(ctx.idempotency.leaseMs, KEY_HOLD_MARGIN_MS),
      now,
    });
  }
  const row: ParkedRecord = {
    id: parkedRecordId(ctx.run.id, record.start.position),
    runId: ctx.run.id,
    blueprintId: ctx.run.blueprintId,
    position: record.start.position,
    ...(record.start.batch === undefined ? {} : { batch: record.start.batch }),
    stepIndex: planned.index,
    step: planned.step.id,
    recordKey,
    ...(key === undefined ? {} : { key }),
    record: record.start.record,
    value: record.value,
    attempts: parked.attempts,
    dueAt,
    parkedAt: now.toISOString(),
    error,
  };
  await ctx.store.parkRecord(row);
  ctx.metrics.stepRetry(planned.step.id);
  ctx.events.add(
    "warn",
    "record.parked",
    {
      attempt: parked.attempts,
      delayMs: parked.delayMs,
      delaySource: parked.delaySource,
      dueAt,
      error,
      idempotencyKey: key,
    },
    { step: planned.step.id, recordKey },
  );
  ctx.onRecordParked?.(row);
  return "parked";
}
