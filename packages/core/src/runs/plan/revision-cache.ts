import type { BlueprintRevision } from "../../model/blueprint";
import type { BlueprintStore } from "../../store/types";

/** Revisions kept at most. */
const KEPT = 256;

/**
 * Blueprint revisions read by this runtime's runs (issue 21). A revision is never changed once
 * written (an edit makes the next one), so a kept copy is never stale: each run of a blueprint
 * reads its revision once per process instead of once per run.
 */
export interface RevisionCache {
  /** The revision, from the store the first time. */
  read(
    store: Pick<BlueprintStore, "getRevision">,
    blueprintId: string,
    revision: number,
  ): Promise<BlueprintRevision | undefined>;
}

/** A {@link RevisionCache} holding the `KEPT` most recently used revisions. */
export function createRevisionCache(): RevisionCache {
  const entries = new Map<string, Promise<BlueprintRevision | undefined>>();
  return {
    read(store, blueprintId, revision) {
      const id = `${blueprintId}@${revision}`;
      let found = entries.get(id);
      if (found !== undefined) {
        entries.delete(id);
        entries.set(id, found);
        return found;
      }
      found = store.getRevision(blueprintId, revision);
      entries.set(id, found);
      // A failed or empty read is not kept: the next run asks the store again.
      found.then(
        (value) => value === undefined && entries.delete(id),
        () => entries.delete(id),
      );
      if (entries.size > KEPT) entries.delete(entries.keys().next().value!);
      return found;
    },
  };
}
