import { createWorkerEvaluator, type WorkerEvaluator } from "@synapseops/mapping";

/**
 * Expressions API callers send (playground mappings, sandbox rules) are untrusted: they run in
 * worker threads with a hard deadline, never on the service's event loop (issue 16). Idle
 * workers do not keep the process alive.
 */
let shared: WorkerEvaluator | undefined;

/** The service's evaluation workers, started on first use. */
export function mappingSandbox(): WorkerEvaluator {
  shared ??= createWorkerEvaluator({ size: 2, graceMs: 50 });
  return shared;
}

/** Hard deadline of one playground explanation (every field and the whole mapping). */
export const PLAYGROUND_TIMEOUT_MS = 2000;

/** Time limit of a sandbox rule on one record. */
export const SANDBOX_RULE_TIMEOUT_MS = 100;
