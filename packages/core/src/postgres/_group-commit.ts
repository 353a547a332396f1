import { StoreError } from "../errors";

/** Options of {@link groupCommit}. */
export interface GroupCommitOptions<I> {
  /** Statements of this kind running at once; calls made meanwhile wait for the next group. */
  maxInFlight: number;
  /** Items in one statement at most. */
  maxGroup: number;
  /**
   * Items with the same identity never share a group, so each statement touches a row once and
   * two calls for one row are decided one after the other, as they would be without grouping.
   */
  identity: (item: I) => string;
}

/**
 * Group commit: concurrent calls are coalesced into one statement. A call made while
 * `maxInFlight` statements run waits and goes with every call made meanwhile in the next one.
 * Each caller still gets its own result only once its statement has committed, so a single
 * call's guarantee is unchanged; what changes is the number of round trips and commits under
 * load — one per group instead of one per call, which is what a durable run's per-record
 * idempotency claims and completions cost otherwise.
 *
 * `settle` runs one statement for a group and answers each item in order: a rejected entry
 * rejects that caller only; a throw rejects the whole group.
 */
export function groupCommit<I, O>(
  settle: (items: readonly I[]) => Promise<PromiseSettledResult<O>[]>,
  options: GroupCommitOptions<I>,
): (item: I) => Promise<O> {
  interface Waiting {
    item: I;
    resolve: (value: O) => void;
    reject: (reason: unknown) => void;
  }
  let pending: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  const takeGroup = (): Waiting[] => {
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    const seen = new Set<string>();
    for (const waiting of pending) {
      const id = options.identity(waiting.item);
      if (group.length >= options.maxGroup || seen.has(id)) rest.push(waiting);
      else {
        seen.add(id);
        group.push(waiting);
      }
    }
    pending = rest;
    return group;
  };

  const flush = (): void => {
    scheduled = false;
    while (inFlight < options.maxInFlight && pending.length > 0) {
      const group = takeGroup();
      inFlight += 1;
      settle(group.map((waiting) => waiting.item))
        .then(
          (results) => {
            group.forEach((waiting, i) => {
              const result = results[i];
              if (result?.status === "fulfilled") waiting.resolve(result.value);
              else
                waiting.reject(
                  result === undefined
                    ? new StoreError("postgres store: a grouped statement returned no result for a call")
                    : result.reason,
                );
            });
          },
          (error: unknown) => {
            for (const waiting of group) waiting.reject(error);
          },
        )
        .finally(() => {
          inFlight -= 1;
          flush();
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // After the current turn, so calls made together (records a result released at once) share
      // the first statement rather than the first call going alone.
      if (!scheduled && inFlight < options.maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
