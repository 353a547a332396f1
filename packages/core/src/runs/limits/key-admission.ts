import type { Logger } from "../../logger";
import type { Run } from "../../model/run";
import type { KeyGate } from "./key-gate";
import type { SlotLease } from "./limit-backend";
import type { CompiledRecordLimit } from "./record-limits-options";

/**
 * How long a job refused admission waits before it is tried again: a random time in this band,
 * so a key's many refused batches come back spread out (one of them is due every few
 * milliseconds, so a freed admission is taken quickly) instead of all at once.
 */
const DEFER_MIN_MS = 1_000;
const DEFER_MAX_MS = 3_000;

/** Admission slots name the key under a prefix no limit name can start with (`~`). */
const ADMISSION_PREFIX = "~jobs:";

/** A rate-only limit admits one job of a key per this many starts per second of its rate. */
const STARTS_PER_ADMITTED_JOB = 10;

/** What admitting a job gives: the job runs and frees its admission after, or waits `deferMs`. */
export type JobAdmissionResult = { release: () => void } | { deferMs: number };

/**
 * Key-aware admission of queue jobs (issue 20): a job whose records all share their limit keys
 * carries those keys, and runs only while its keys have fewer such jobs running, over every
 * worker, than their width (a limit's `concurrency`). Otherwise the job holds no worker slot: it
 * goes back to the queue for a while, behind fresh jobs, and the slot takes other work. So a key
 * flooding the queue with batches holds at most its width of worker slots, and another key's
 * record finds a free one. Records inside an admitted job still wait for their record limits.
 */
export interface KeyAdmission {
  /**
   * The limit keys every one of `records` has (what a job of them carries); undefined when the
   * records differ in keys, fall under no limit, or there are none.
   */
  sharedKeys(records: readonly unknown[], run: Run): Promise<string[] | undefined>;
  /** Admits a job carrying `keys`, or says how long it waits before trying again. */
  admit(keys: readonly string[]): Promise<JobAdmissionResult>;
}

/** The admission of the runtime's record limits, over the same gate and backend. */
export function keyAdmission(
  limits: readonly CompiledRecordLimit[],
  /** The record limiter's `keysOf` (record-limiter.ts, which builds this admission). */
  keysOf: (record: unknown, run: Run) => Promise<readonly { key: string }[]>,
  gate: KeyGate,
  logger: Logger,
): KeyAdmission {
  const byName = new Map(limits.map((limit) => [limit.name, limit]));
  let failing = false;
  const deferral = (): { deferMs: number } => ({
    deferMs: DEFER_MIN_MS + Math.floor(Math.random() * (DEFER_MAX_MS - DEFER_MIN_MS)),
  });
  return {
    async sharedKeys(records, run) {
      let shared: string[] | undefined;
      let sharedId: string | undefined;
      for (const record of records) {
        const keys = (await keysOf(record, run)).map((k) => k.key);
        const id = keys.join("\u0000");
        if (sharedId === undefined) {
          shared = keys;
          sharedId = id;
        } else if (id !== sharedId) return undefined;
      }
      return shared === undefined || shared.length === 0 ? undefined : shared;
    },
    async admit(keys) {
      const held: SlotLease[] = [];
      const release = (): void => {
        for (const lease of held.splice(0)) gate.release(lease);
      };
      try {
        // In the keys' order, as record slots are taken, so two jobs never hold each other's.
        for (const key of keys) {
          const width = widthOf(byName.get(key.slice(0, key.indexOf(":"))));
          // A key this runtime does not limit (its limits changed since the job was queued).
          if (width === undefined) continue;
          const lease = await gate.tryHold(`${ADMISSION_PREFIX}${key}`, width);
          if (lease === undefined) {
            release();
            return deferral();
          }
          held.push(lease);
        }
        failing = false;
        return { release };
      } catch (error) {
        // The backend is down: the job waits, as its records would (nothing is lost or failed).
        release();
        if (!failing)
          logger.warn({ err: error, keys }, "the record limit backend failed; job admission waits");
        failing = true;
        return deferral();
      }
    },
  };
}

/** Jobs of one key admitted at once: the limit's concurrency, else one per 10 starts/s of its rate. */
function widthOf(limit: CompiledRecordLimit | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (limit.concurrency !== undefined) return limit.concurrency;
  if (limit.ratePerSecond !== undefined)
    return Math.max(1, Math.ceil(limit.ratePerSecond / STARTS_PER_ADMITTED_JOB));
  return undefined;
}
