import type { Run } from "../../model/run";
import { CancelledError } from "../execute/cancelled-error";
import { FirstFailure, forEachLimited } from "../execute/for-each-limited";
import type { LimitKey, RecordLimiter } from "./record-limiter";
import { Semaphore } from "./semaphore";

/** Records sharing the same limit keys, started in their order. */
interface Lane<T> {
  keys: LimitKey[];
  items: { item: T; index: number }[];
  next: number;
  /** Records of the lane waiting or running at once: its tightest concurrency, else `concurrency`. */
  width: number;
}

/**
 * Runs `task` for each record with at most `concurrency` at once, fairly between limit keys:
 * records are grouped by their keys into lanes, each lane waits for its keys' limits by itself,
 * and a record takes one of the `concurrency` slots only once its keys let it start. So a key
 * with 10,000 records has at most its own concurrency (or `concurrency`) records ahead of another
 * key's record in the queue for a slot, and a record waiting for its key holds no slot. Without
 * a limiter it is `forEachLimited`, in record order. As there, a failure stops further starts and
 * surfaces once the records already started have settled.
 */
export async function forEachFairly<T>(
  items: readonly T[],
  concurrency: number,
  fairness: { limiter: RecordLimiter | undefined; run: Run; signal: AbortSignal },
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const { limiter, run, signal } = fairness;
  if (limiter === undefined) return forEachLimited(items, concurrency, task);
  const lanes = new Map<string, Lane<T>>();
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index] as T;
    const keys = await limiter.keysOf(item, run);
    const id = keys.map((k) => k.key).join("\u0000");
    let lane = lanes.get(id);
    if (lane === undefined) {
      const widths = keys.flatMap((k) => (k.limit.concurrency === undefined ? [] : [k.limit.concurrency]));
      lane = { keys, items: [], next: 0, width: Math.min(concurrency, ...widths) };
      lanes.set(id, lane);
    }
    lane.items.push({ item, index });
  }
  const slots = new Semaphore(Math.max(1, concurrency));
  const failure = new FirstFailure();
  const drain = async (lane: Lane<T>): Promise<void> => {
    while (lane.next < lane.items.length && !signal.aborted && !failure.failed) {
      const { item, index } = lane.items[lane.next++]!;
      let leave: () => void;
      try {
        leave = await limiter.enter(lane.keys, signal);
      } catch (error) {
        if (error instanceof CancelledError) return;
        throw error;
      }
      try {
        const slot = await slots.acquire();
        try {
          if (!failure.failed) await task(item, index);
        } finally {
          slot();
        }
      } finally {
        leave();
      }
    }
  };
  await Promise.all(
    [...lanes.values()].flatMap((lane) =>
      Array.from({ length: lane.width }, () => failure.run(() => drain(lane))),
    ),
  );
  failure.rethrow();
}
