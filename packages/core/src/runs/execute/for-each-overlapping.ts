import { Semaphore } from "../limits/semaphore";
import { FirstFailure } from "./for-each-limited";

/**
 * Runs `task` for each item, in order of start, with at most `limit` holding a place — as
 * `forEachLimited` does — except that a task may leave its place before it ends by calling
 * `vacate`: the next item starts while the task finishes its tail. At most `limit` more tasks
 * finish after vacating, so the work in flight stays bounded. As in `forEachLimited`, a failed
 * task stops further starts, and the promise rejects with the first failure once every started
 * task has settled.
 */
export async function forEachOverlapping<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T, vacate: () => void) => Promise<void>,
): Promise<void> {
  const places = new Semaphore(Math.max(1, limit));
  const inFlight = new Semaphore(2 * Math.max(1, limit));
  const failure = new FirstFailure();
  const started: Promise<void>[] = [];
  for (const item of items) {
    const held = await inFlight.acquire();
    const vacate = await places.acquire();
    if (failure.failed) {
      vacate();
      held();
      break;
    }
    started.push(
      failure
        .run(() => task(item, vacate))
        .finally(() => {
          vacate();
          held();
        }),
    );
  }
  await Promise.all(started);
  failure.rethrow();
}
