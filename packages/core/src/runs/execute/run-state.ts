import { ConflictError, NotFoundError } from "../../errors";
import type { Run, StoredError } from "../../model/run";
import type { Store } from "../../store/types";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Whether a run's status is final. */
export function isTerminal(status: Run["status"]): boolean {
  return TERMINAL.has(status);
}

/**
 * Reads, changes and writes a run with compare-and-set, retrying on a concurrent change (a
 * cancel, another counter update). `change` returns undefined to leave the run as it is.
 */
export async function updateRunWith(
  store: Store,
  runId: string,
  change: (run: Run) => Run | undefined,
): Promise<Run> {
  for (let tries = 0; ; tries += 1) {
    const run = await store.getRun(runId);
    if (run === undefined) throw new NotFoundError("run", runId);
    const next = change(run);
    if (next === undefined) return run;
    try {
      const written = { ...next, version: run.version + 1 };
      await store.updateRun(written, run.version);
      return written;
    } catch (error) {
      if (!(error instanceof ConflictError) || tries >= 20) throw error;
    }
  }
}

/** Ends a run that is not ended yet as FAILED with `error` (already redacted), `extra` merged in. */
export function failRun(
  store: Store,
  runId: string,
  error: StoredError,
  now: Date,
  extra: Partial<Run> = {},
): Promise<Run> {
  const at = now.toISOString();
  return updateRunWith(store, runId, (current) =>
    isTerminal(current.status)
      ? undefined
      : { ...current, ...extra, status: "FAILED", error, finishedAt: at, updatedAt: at },
  );
}

/** Ends a run that is not ended yet as CANCELLED. */
export function cancelRun(store: Store, runId: string, now: Date): Promise<Run> {
  const at = now.toISOString();
  return updateRunWith(store, runId, (current) =>
    isTerminal(current.status)
      ? undefined
      : { ...current, status: "CANCELLED", finishedAt: at, updatedAt: at },
  );
}
