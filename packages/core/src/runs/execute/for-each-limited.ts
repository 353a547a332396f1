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
      this.#failure ??= { error };
    }
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
  const iterator = items[Symbol.iterator]();
  const failure = new FirstFailure();
  let index = 0;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done && !failure.failed; next = iterator.next()) {
      const current = index++;
      const item = next.value;
      await failure.run(() => task(item, current));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  failure.rethrow();
}
