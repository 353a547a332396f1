import type { IdempotencyRecord } from "../model/idempotency";

/**
 * The memory store's idempotency records, by scope and then by key. Two lookups instead of one
 * by `scope + key`: that joined key was a new string per claim and per completion, flattened and
 * hashed each time and kept per record (issue 21: 20,000 live records in the keyed bench), while
 * a scope and a key are strings the caller already holds, hashed once.
 *
 * Records are kept frozen (each write stores a new one), so reads hand them out without a copy:
 * changing one throws a `TypeError` and changes nothing stored.
 */
export class MemoryIdempotencyRecords {
  readonly #byScope = new Map<string, Map<string, IdempotencyRecord>>();

  /** The record of `key` in `scope`, if any. */
  get(scope: string, key: string): IdempotencyRecord | undefined {
    return this.#byScope.get(scope)?.get(key);
  }

  /** Keeps `record` (frozen, as given) under its own scope and key, replacing the one there. */
  set(record: IdempotencyRecord): void {
    let records = this.#byScope.get(record.scope);
    if (records === undefined) {
      records = new Map();
      this.#byScope.set(record.scope, records);
    }
    records.set(record.key, Object.freeze(record));
  }

  /** Removes the record of `key` in `scope`. */
  delete(scope: string, key: string): void {
    const records = this.#byScope.get(scope);
    if (records === undefined) return;
    records.delete(key);
    if (records.size === 0) this.#byScope.delete(scope);
  }

  /** Every record kept (a snapshot: the caller may write while it goes through them). */
  all(): IdempotencyRecord[] {
    const all: IdempotencyRecord[] = [];
    for (const records of this.#byScope.values()) for (const record of records.values()) all.push(record);
    return all;
  }
}
