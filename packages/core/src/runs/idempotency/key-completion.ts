import type { WriteIdempotency } from "../../connector";
import type { TransactionalIdempotency } from "../../store/types";
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
    result: storedResult(record, outcome, result),
  });
  if (ctx.deferCompletion === undefined) await completion;
  else ctx.deferCompletion(completion, record.start.position);
}

/**
 * What a key keeps of the record's outcome: the outcome and the redacted result, frozen all the
 * way down (the memory store then keeps it without a copy of its own).
 */
function storedResult(record: RecordInFlight, outcome: RecordOutcome, result: unknown) {
  return Object.freeze(
    result === undefined ? { outcome } : { outcome, result: record.ctx.redactor.redactFrozen(result) },
  );
}

/**
 * The hook that lets a target complete the record's key in its own transaction, when the store
 * offers it; the record then does not complete the key again (`completedByTarget`).
 */
export function transactionalCompletion(record: RecordInFlight, key: string): WriteIdempotency | undefined {
  const store = record.ctx.store.transactionalIdempotency;
  if (store === undefined || record.ctx.run.dryRun) return undefined;
  return new TargetCompletion(record, key, store);
}

/** One `sameDatabase` per store: targets cache the answer under it (and closures per record cost). */
const sameDatabaseOf = new WeakMap<TransactionalIdempotency, WriteIdempotency["sameDatabase"]>();

function sameDatabaseFor(store: TransactionalIdempotency): WriteIdempotency["sameDatabase"] {
  let sameDatabase = sameDatabaseOf.get(store);
  if (sameDatabase === undefined) {
    sameDatabase = (client) => store.sameDatabase(client);
    sameDatabaseOf.set(store, sameDatabase);
  }
  return sameDatabase;
}

/**
 * A class, not an object literal of closures: one is made per record sent, and the build keeps
 * function names (keepNames), so each closure would cost a property definition every time.
 */
class TargetCompletion implements WriteIdempotency {
  readonly engine: string;
  readonly sameDatabase: WriteIdempotency["sameDatabase"];
  readonly #record: RecordInFlight;
  readonly #key: string;
  readonly #store: TransactionalIdempotency;

  constructor(record: RecordInFlight, key: string, store: TransactionalIdempotency) {
    this.engine = store.engine;
    this.sameDatabase = sameDatabaseFor(store);
    this.#record = record;
    this.#key = key;
    this.#store = store;
  }

  async completeWith(client: unknown, result?: unknown): Promise<void> {
    const record = this.#record;
    const { ctx, owner } = record;
    await this.#store.completeIdempotencyKeyWith(client, {
      scope: ctx.run.blueprintId,
      key: this.#key,
      owner,
      now: ctx.clock(),
      result: storedResult(record, "completed", result),
    });
    record.completedByTarget = true;
  }
}
