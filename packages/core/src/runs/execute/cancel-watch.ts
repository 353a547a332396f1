import type { Store } from "../../store/types";
import { CancelledError } from "./cancelled-error";

/** How often a worker looks whether another process cancelled the run it works on. */
const CANCEL_CHECK_MS = 500;

/**
 * Aborts `controller` when another process cancels the run in the store. Returns the function
 * that stops watching.
 */
export function watchForCancel(store: Store, runId: string, controller: AbortController): () => void {
  const timer = setInterval(() => {
    store.getRun(runId).then(
      (run) => {
        if (run?.status === "CANCELLED") controller.abort(new CancelledError());
      },
      () => {
        // A failed check is retried on the next tick; the work goes on meanwhile.
      },
    );
  }, CANCEL_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
