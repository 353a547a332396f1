import type { WriteIdempotency } from "../../connector";
import type { RecordInFlight, RecordOutcome } from "../records/record-context";

// Completing a record's key with its outcome: by the pipeline after the last step, or by the
// target inside its own write transaction when the store and the target share a database.

/**
 * Stores the record's outcome under its key (not in a dry run, nor when the target already did).
 * With `deferCompletion` set (a durable batch), the completion commits while the next records run.
 */
export async function completeKey(
  record: RecordInFlight,
  outcome: RecordOutcome,
  result?: unknown,
): Promise<void> {
  const { ctx, key } = record;
  if (key === undefined || ctx.run.dryRun || record.completedByTarget) return;
  const completion = ctx.store.completeIdempotencyKey({
    scope: ctx.run.blueprintId,
    key,
    owner: record.owner,
    now: ctx.clock(),
    result: result === undefined ? { outcome } : { outcome, result: ctx.redactor.redact(result) },
  });
  if (ctx.deferCompletion === undefined) await completion;
  else ctx.deferCompletion(completion, record.start.position);
}

/**
 * The hook that lets a target complete the record's key in its own transaction, when the store
 * offers it; the record then does not complete the key again (`completedByTarget`).
 */
export function transactionalCompletion(record: RecordInFlight, key: string): WriteIdempotency | undefined {
  const { ctx, owner } = record;
  const store = ctx.store.transactionalIdempotency;
  if (store === undefined || ctx.run.dryRun) return undefined;
  return {
    engine: store.engine,
    sameDatabase: (client) => store.sameDatabase(client),
    async completeWith(client, result) {
      await store.completeIdempotencyKeyWith(client, {
        scope: ctx.run.blueprintId,
        key,
        owner,
        now: ctx.clock(),
        result:
          result === undefined
            ? { outcome: "completed" }
            : { outcome: "completed", result: ctx.redactor.redact(result) },
      });
      record.completedByTarget = true;
    },
  };
}
