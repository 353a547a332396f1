/** Runs `task` for each item with at most `limit` at once, in order of start. */
export async function forEachLimited<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let index = 0;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const current = index++;
      await task(next.value, current);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}
