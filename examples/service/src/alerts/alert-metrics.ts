import type { Run, Runtime } from "@synapseops/core";
import type { AlertRule } from "./alert-rules";

/** Store pages one check reads at most, so a check stays bounded on a busy blueprint. */
const MAX_PAGES = 20;
const PAGE = 500;

/** The rule's metric for its blueprint now (see {@link AlertRule.metric}). */
export async function measure(runtime: Runtime, rule: AlertRule, now: Date): Promise<number> {
  const since = new Date(now.getTime() - rule.windowMinutes * 60_000);
  if (rule.metric === "deadLetters") return countDeadLetters(runtime, rule.blueprintId, since);
  if (rule.metric === "failureRate") return failureRate(await runsSince(runtime, rule.blueprintId, since));
  const queued = await oldestQueued(runtime, rule.blueprintId);
  return queued === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(queued.createdAt)) / 1000);
}

async function countDeadLetters(runtime: Runtime, blueprintId: string, since: Date): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const found = await runtime.deadLetters.list({
      blueprintId,
      replayed: false,
      since,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    count += found.items.length;
    cursor = found.nextCursor;
    if (cursor === undefined) break;
  }
  return count;
}

/** Finished runs of the blueprint created since `since` (runs are listed newest first). */
async function runsSince(runtime: Runtime, blueprintId: string, since: Date): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const found = await runtime.runs.list({ blueprintId, limit: PAGE, ...(cursor ? { cursor } : {}) });
    const recent = found.items.filter((run) => Date.parse(run.createdAt) >= since.getTime());
    runs.push(...recent.filter((run) => run.status === "SUCCEEDED" || run.status === "FAILED"));
    cursor = found.nextCursor;
    if (cursor === undefined || recent.length < found.items.length) break;
  }
  return runs;
}

function failureRate(runs: readonly Run[]): number {
  const total = runs.reduce((sum, run) => sum + run.counts.total, 0);
  // `failed` counts every failed record, the dead-lettered ones among them.
  const failed = runs.reduce((sum, run) => sum + run.counts.failed, 0);
  return total === 0 ? 0 : failed / total;
}

async function oldestQueued(runtime: Runtime, blueprintId: string): Promise<Run | undefined> {
  let oldest: Run | undefined;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const found = await runtime.runs.list({
      blueprintId,
      status: "QUEUED",
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    oldest = found.items.at(-1) ?? oldest;
    cursor = found.nextCursor;
    if (cursor === undefined) break;
  }
  return oldest;
}
