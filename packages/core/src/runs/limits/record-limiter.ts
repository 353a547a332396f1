import { contentHash } from "../../json";
import type { Logger } from "../../logger";
import type { Run } from "../../model/run";
import { type KeyAdmission, keyAdmission } from "./key-admission";
import type { KeyGate } from "./key-gate";
import type { SlotLease } from "./limit-backend";
import type { CompiledRecordLimit } from "./record-limits-options";

/** The longest key a limit keeps (Redis keys and PostgreSQL rows stay small). */
const MAX_KEY_LENGTH = 200;

/** One limit a record falls under, with its key. */
export interface LimitKey {
  limit: CompiledRecordLimit;
  /** `<limit name>:<key value>`: where the limit's shared state for this key lives. */
  key: string;
}

/** Applies the runtime's `recordLimits` to records: their keys, and the wait before a record starts. */
export interface RecordLimiter {
  /** The limits `record` of `run` falls under (empty: it starts without waiting). */
  keysOf(record: unknown, run: Run): Promise<LimitKey[]>;
  /**
   * Waits until the record may start: a slot of each concurrency limit (in the configured
   * order, so two records never wait on each other's slots), then a start in each rate window.
   * @returns what frees the record's slots when it settles.
   */
  enter(keys: readonly LimitKey[], signal?: AbortSignal): Promise<() => void>;
  /** Which queue jobs may hold a worker slot now, by their records' keys (key-admission.ts). */
  admission: KeyAdmission;
}

/** The record limiter of a runtime; undefined when no limit is configured (records never wait). */
export function recordLimiter(
  limits: readonly CompiledRecordLimit[],
  gate: KeyGate,
  logger: Logger,
): RecordLimiter | undefined {
  if (limits.length === 0) return undefined;
  const keysOf = async (record: unknown, run: Run): Promise<LimitKey[]> => {
    const input = {
      record,
      run: {
        id: run.id,
        blueprintId: run.blueprintId,
        projectId: run.projectId,
        revision: run.revision,
        environment: run.environment,
        connection: run.connection,
      },
    };
    const keys: LimitKey[] = [];
    for (const limit of limits) {
      let value: unknown;
      try {
        value = await limit.key.evaluate(input);
      } catch (error) {
        // The record still runs (nothing is dropped), outside this limit, and the host hears of it.
        logger.warn(
          { err: error, limit: limit.name, runId: run.id },
          "a record limit's key expression failed on a record; the record runs outside that limit",
        );
        continue;
      }
      if (value === undefined || value === null) continue;
      const text = typeof value === "string" ? value : JSON.stringify(value);
      // A long key is replaced by its hash: the same value still shares the same state.
      const stored = text.length > MAX_KEY_LENGTH ? `#${contentHash(text)}` : text;
      keys.push({ limit, key: `${limit.name}:${stored}` });
    }
    return keys;
  };
  return {
    keysOf,
    admission: keyAdmission(limits, keysOf, gate, logger),
    async enter(keys, signal) {
      const leases: SlotLease[] = [];
      const release = (): void => {
        for (const lease of leases.splice(0)) gate.release(lease);
      };
      try {
        for (const { limit, key } of keys) {
          if (limit.concurrency !== undefined)
            leases.push(await gate.takeSlot(key, limit.concurrency, signal));
        }
        for (const { limit, key } of keys) {
          if (limit.ratePerSecond !== undefined) await gate.takeRate(key, limit.ratePerSecond, signal);
        }
      } catch (error) {
        release();
        throw error;
      }
      return release;
    },
  };
}
