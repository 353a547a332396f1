import type { RunCounts } from "../../model/run";
import type { RecordContext } from "../records/record-context";

/** A run being executed in this process: what approvals and cancellation need. */
export interface ActiveRun {
  context: RecordContext;
  controller: AbortController;
  counts: RunCounts;
  /** Resolves when the record loop is done (waiting records may remain). */
  done: Promise<void>;
}
