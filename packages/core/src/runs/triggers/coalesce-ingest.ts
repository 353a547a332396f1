import { type CompiledExpression, compileExpression } from "@synapseops/mapping";
import { z } from "zod";
import { ValidationError } from "../../errors";
import type { Run } from "../../model/run";
import { type IngestEvent, ingestRecords } from "../create/run-input";
import type { RunService } from "../types";

/** Collapse a burst: one run once `quietMs` passed without a new event for the key. */
export interface DebounceTrigger {
  /** JSONata over each record giving its key; records of one key share a run. */
  key: string;
  debounce: {
    /** Quiet time after the last event before the run starts. */
    quietMs: number;
    /** Longest a first event waits, however long the burst lasts. @default 10 × quietMs */
    maxWaitMs?: number;
  };
}

/** At most `runs` runs per key per `windowMs`; events beyond wait for the next window, merged. */
export interface ThrottleTrigger {
  /** JSONata over each record giving its key; records of one key share a run. */
  key: string;
  throttle: { runs: number; windowMs: number };
}

/** Options of {@link coalesceIngests}. */
export type CoalesceOptions = (DebounceTrigger | ThrottleTrigger) & {
  /** Records of one key held at most; reaching it starts their run at once. @default 1_000 */
  maxRecords?: number;
};

/** What {@link coalesceIngests} returns: `ingest` as `runs.ingest`, and `flush` for shutdown. */
export interface CoalescedIngest {
  /**
   * Accepts an event: resolves with the run its records went into once that run is created, so a
   * webhook answered after it resolves never loses its records (if the process dies before, the
   * call fails and the sender delivers again). Records of different keys go to different runs.
   * @throws ValidationError for an event `runs.ingest` refuses, or one with an `idempotencyKey`
   *   (a merged run has several records; the blueprint's key expression still applies).
   */
  ingest(event: IngestEvent): Promise<Run>;
  /** Starts every held run now (before closing the runtime). */
  flush(): Promise<void>;
}

const positive = z.number().int().min(1);
const debounceSchema = z
  .object({
    key: z.string().min(1),
    debounce: z.object({ quietMs: positive, maxWaitMs: positive.optional() }).strict(),
    maxRecords: positive.optional(),
  })
  .strict();
const throttleSchema = z
  .object({
    key: z.string().min(1),
    throttle: z.object({ runs: positive, windowMs: positive }).strict(),
    maxRecords: positive.optional(),
  })
  .strict();

/** Records of one key (and connection) waiting for their run, and everyone waiting on it. */
interface Group {
  records: unknown[];
  connection: string | undefined;
  waiters: { resolve: (run: Run) => void; reject: (error: unknown) => void }[];
  firstAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Debounce or throttle of a blueprint's ingests, per key, in this process: a burst of webhooks
 * for one customer becomes one run of all their records. Nothing accepted is dropped: held
 * records go into the run that starts, in arrival order.
 *
 * @example
 * ```ts
 * import { coalesceIngests, type Runtime } from "@synapseops/core";
 *
 * declare const runtime: Runtime;
 * declare const blueprintId: string;
 * const orders = coalesceIngests(runtime.runs, blueprintId, {
 *   key: "customerId",
 *   debounce: { quietMs: 2_000, maxWaitMs: 30_000 },
 * });
 * const run = await orders.ingest({ record: { customerId: "c-1", total: 12 } }); // then answer 202
 * ```
 * @throws ValidationError (`INVALID_INPUT`) with the `path` of a malformed option or key expression.
 */
export function coalesceIngests(
  runs: Pick<RunService, "ingest">,
  blueprintId: string,
  options: CoalesceOptions,
  now: () => number = Date.now,
): CoalescedIngest {
  const parsed = ("throttle" in options ? throttleSchema : debounceSchema).safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map((part) => `/${String(part)}`).join("") ?? "";
    throw new ValidationError(`coalesceIngests${path}: ${issue?.message}`, { path: path || "/" });
  }
  let keyOf: CompiledExpression;
  try {
    keyOf = compileExpression(options.key);
  } catch (error) {
    throw new ValidationError(`coalesceIngests/key: "${options.key}" is not a valid expression`, {
      path: "/key",
      cause: error,
    });
  }
  const maxRecords = options.maxRecords ?? 1_000;
  const groups = new Map<string, Group>();
  /** Throttle: the runs started in each key's current window. */
  const windows = new Map<string, { openedAt: number; runs: number }>();

  const fire = (id: string): Promise<void> => {
    const group = groups.get(id);
    if (group === undefined) return Promise.resolve();
    groups.delete(id);
    clearTimeout(group.timer);
    const event = {
      records: group.records,
      ...(group.connection === undefined ? {} : { connection: group.connection }),
    };
    return runs.ingest(blueprintId, event).then(
      (run) => {
        for (const waiter of group.waiters) waiter.resolve(run);
      },
      (error: unknown) => {
        for (const waiter of group.waiters) waiter.reject(error);
      },
    );
  };

  /** Throttle: whether the key may start a run now; counts it when so. */
  const throttleAllows = (id: string, limit: ThrottleTrigger["throttle"]): boolean => {
    const at = now();
    const window = windows.get(id);
    if (window === undefined || at - window.openedAt >= limit.windowMs) {
      windows.set(id, { openedAt: at, runs: 1 });
      return true;
    }
    if (window.runs >= limit.runs) return false;
    window.runs += 1;
    return true;
  };

  const schedule = (id: string, group: Group): void => {
    clearTimeout(group.timer);
    let delay: number;
    if ("debounce" in options) {
      const maxWait = options.debounce.maxWaitMs ?? 10 * options.debounce.quietMs;
      delay = Math.min(options.debounce.quietMs, group.firstAt + maxWait - now());
    } else {
      const window = windows.get(id);
      delay = window === undefined ? 0 : window.openedAt + options.throttle.windowMs - now();
    }
    group.timer = setTimeout(
      () => {
        if ("throttle" in options && !throttleAllows(id, options.throttle)) return schedule(id, group);
        void fire(id);
      },
      Math.max(0, delay),
    );
    group.timer.unref?.();
  };

  const join = async (id: string, records: unknown[], connection: string | undefined): Promise<Run> => {
    let group = groups.get(id);
    if (group === undefined) {
      if ("throttle" in options && throttleAllows(id, options.throttle))
        return runs.ingest(blueprintId, { records, ...(connection === undefined ? {} : { connection }) });
      group = { records: [], connection, waiters: [], firstAt: now(), timer: undefined };
      groups.set(id, group);
    }
    group.records.push(...records);
    const joined = group;
    const run = new Promise<Run>((resolve, reject) => joined.waiters.push({ resolve, reject }));
    if (joined.records.length >= maxRecords) void fire(id);
    else schedule(id, joined);
    return run;
  };

  /** Joins happen in call order, so held records keep the order events arrived in. */
  let arrivals: Promise<unknown> = Promise.resolve();

  const keyed = async (
    records: unknown[],
    connection: string | undefined,
  ): Promise<Map<string, unknown[]>> => {
    const byKey = new Map<string, unknown[]>();
    for (const record of records) {
      const value: unknown = await keyOf.evaluate(record);
      const id = JSON.stringify([connection ?? null, value ?? null]);
      byKey.set(id, [...(byKey.get(id) ?? []), record]);
    }
    return byKey;
  };

  return {
    async ingest(event) {
      const records = ingestRecords(event);
      if ("idempotencyKey" in event && event.idempotencyKey !== undefined)
        throw new ValidationError(
          "coalesceIngests: an event with an idempotencyKey cannot be merged with others; let the blueprint's key expression name records",
          { path: "/idempotencyKey" },
        );
      const keys = keyed(records, event.connection);
      const joined = arrivals.then(async () =>
        [...(await keys)].map(([id, list]) => join(id, list, event.connection)),
      );
      arrivals = joined.catch(() => {});
      const started = await Promise.all(await joined);
      // An event whose records have several keys went into several runs: the first stands for it.
      return started[0]!;
    },
    async flush() {
      await arrivals;
      await Promise.all([...groups.keys()].map((id) => fire(id)));
    },
  };
}
