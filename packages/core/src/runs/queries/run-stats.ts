import type { Store } from "../../store/types";
import type { BlueprintRunStats } from "../types";

/** Runs read per page while counting. */
const PAGE = 500;

/** Success rate and volume of the blueprint's runs started since `since` (newest first, all pages). */
export async function blueprintRunStats(
  store: Store,
  blueprintId: string,
  options: { since?: Date } = {},
): Promise<BlueprintRunStats> {
  const since = options.since?.toISOString() ?? "";
  const stats: BlueprintRunStats = {
    runs: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    successRate: 0,
    records: 0,
  };
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({ blueprintId, limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const run of page.items) {
      if (run.createdAt < since) return withSuccessRate(stats);
      stats.runs += 1;
      stats.records += run.counts.total;
      if (run.status === "SUCCEEDED") stats.succeeded += 1;
      if (run.status === "FAILED") stats.failed += 1;
      if (run.status === "CANCELLED") stats.cancelled += 1;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return withSuccessRate(stats);
}

/** Succeeded among ended runs (cancelled ones are neither). */
function withSuccessRate(stats: BlueprintRunStats): BlueprintRunStats {
  const ended = stats.succeeded + stats.failed;
  return { ...stats, successRate: ended === 0 ? 0 : stats.succeeded / ended };
}
