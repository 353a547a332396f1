import { writeDeadLetter } from "../dead-letters/write-dead-letter";
import { releaseKey } from "../idempotency/claim-key";
import { type ClassifiedFailure, storedError } from "../retries/classify-error";
import type { RecordContext, RecordOutcome } from "./record-context";

/** How a record failed. */
export interface RecordFailure {
  owner: string;
  record: unknown;
  recordKey: string;
  key: string | undefined;
  /** The step that failed; absent when the record failed before its steps (its key). */
  step?: string;
  failure: ClassifiedFailure;
  attempts: number;
}

/**
 * Records a failure: the key is marked failed (so a replay may run the record again), and a
 * step's failure becomes a dead letter; a failure before any step (a bad key) is only logged.
 */
export async function failRecord(ctx: RecordContext, failed: RecordFailure): Promise<RecordOutcome> {
  const error = ctx.redactor.redact(storedError(failed.failure));
  await releaseKey(ctx, failed.owner, failed.key, failed.failure);
  if (failed.step === undefined) {
    ctx.events.add(
      "error",
      "record.failed",
      { error, attempts: failed.attempts },
      { recordKey: failed.recordKey },
    );
    return "failed";
  }
  await writeDeadLetter(ctx, {
    step: failed.step,
    record: failed.record,
    recordKey: failed.recordKey,
    error,
    attempts: failed.attempts,
  });
  return "deadLettered";
}
