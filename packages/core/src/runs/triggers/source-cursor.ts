import type { Run } from "../../model/run";
import type { Store } from "../../store/types";

/**
 * Where a blueprint's source cursor is stored: one per blueprint, and one per (blueprint,
 * customer connection) for polls through a connection — each customer's account is read from
 * its own position.
 */
export function sourceCursorScope(blueprintId: string, connectionId?: string): string {
  return connectionId === undefined ? `${blueprintId}:source` : `${blueprintId}:source@${connectionId}`;
}

/**
 * Stores the cursor a polled run's poll read up to as its source's cursor. Called by whichever
 * worker ends the run, just before it writes SUCCEEDED: a waiter that sees SUCCEEDED and polls
 * again reads on from there. A crash in between leaves a RUNNING run the resume sweep ends, with
 * the same cursor; storing it twice changes nothing.
 */
export async function storeSourceCursor(
  store: Store,
  run: Pick<Run, "blueprintId" | "connection" | "sourceCursor">,
): Promise<void> {
  if (run.sourceCursor === undefined) return;
  await store.putCursor(sourceCursorScope(run.blueprintId, run.connection), run.sourceCursor);
}
