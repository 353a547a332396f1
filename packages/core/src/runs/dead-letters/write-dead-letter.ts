import { newId } from "../../ids";
import type { StoredError } from "../../model/run";
import type { RecordContext } from "../records/record-context";

/** A record that used up its attempts at a step, as it becomes a dead letter. */
export interface DeadLetterEntry {
  step: string;
  record: unknown;
  recordKey: string;
  /** The last failure, already redacted. */
  error: StoredError;
  attempts: number;
}

/**
 * Stores a dead letter (replayable by `deadLetters.replay`) with the record and its key
 * redacted, counts it and logs `record.dead_lettered`.
 */
export async function writeDeadLetter(ctx: RecordContext, entry: DeadLetterEntry): Promise<void> {
  const id = newId("dl");
  await ctx.store.insertDeadLetter({
    id,
    runId: ctx.run.id,
    blueprintId: ctx.run.blueprintId,
    step: entry.step,
    recordKey: ctx.redactor.redactText(entry.recordKey),
    record: ctx.redactor.redactRecord(entry.record),
    error: entry.error,
    attempts: entry.attempts,
    createdAt: ctx.clock().toISOString(),
  });
  ctx.metrics.deadLetters += 1;
  ctx.events.add(
    "error",
    "record.dead_lettered",
    { deadLetterId: id, error: entry.error, attempts: entry.attempts },
    { step: entry.step, recordKey: entry.recordKey },
  );
}
