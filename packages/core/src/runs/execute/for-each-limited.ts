/**
 * The first failure among concurrent tasks. Once one fails no new task starts, and the failure
 * surfaces only after the tasks already started have settled: a caller that hands work back on a
 * failure (a batch on a store outage) must not hand back what is still in flight, or the work is
 * run again beside itself and a record's effect is applied twice.
 */
export class FirstFailure {
  #failure: { error: unknown } | undefined;

  /** Whether a task has failed: start nothing more. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Runs `task`, keeping its failure (the first one wins) instead of rejecting. */
  async run(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.keep(error);
    }
  }

  /** Keeps a task's failure (the first one wins). */
  keep(error: unknown): void {
    this.#failure ??= { error };
  }

  /** Throws the first failure, if any. Call once every started task has settled. */
  rethrow(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}

/**
 * Runs `task` for each item with at most `limit` at once, in order of start. A failed task stops
 * further starts; the promise rejects with that failure once the started tasks have settled.
 */
export async function forEachLimited<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  // One item (a one-record run, issue 21): its task is all there is to do or to fail.
  if (Array.isArray(items) && items.length === 1) return task(items[0] as T, 0);
  const lanes = new InOrderLanes(items[Symbol.iterator](), task);
  if (limit <= 1) await lanes.drain();
  else {
    const drains: Promise<void>[] = [];
    for (let lane = 0; lane < limit; lane += 1) drains.push(lanes.drain());
    await Promise.all(drains);
  }
  lanes.failure.rethrow();
}

/**
 * The items handed out in order to the lanes draining them. A class, not a closure per call: the
 * build keeps function names (keepNames), so a named closure costs a property definition each
 * time it is made, and a one-record run makes this once per run (issue 21).
 */
class InOrderLanes<T> {
  readonly failure = new FirstFailure();
  #index = 0;

  constructor(
    private readonly iterator: Iterator<T>,
    private readonly task: (item: T, index: number) => Promise<void>,
  ) {}

  /** Starts the next item once this lane's last one settled, until none is left or one failed. */
  async drain(): Promise<void> {
    for (let next = this.iterator.next(); !next.done && !this.failure.failed; next = this.iterator.next()) {
      const index = this.#index++;
      try {
        await this.task(next.value, index);
      } catch (error) {
        this.failure.keep(error);
      }
    }
  }
}
