import { ErrorCode, SynapseError } from "../../errors";
import type { Run } from "../../model/run";
import { settleRun } from "../execute/finish-run";
import type { ExecutorDeps } from "../execute/run-context";
import { countOutcome } from "../execute/run-counts";
import { takeOverRun } from "../execute/take-over-run";
import { keyOwner } from "../idempotency/idempotency-key";
import { processRecord } from "../records/record-pipeline";
import type { RunRegistry } from "../run-registry";
import type { ApprovalSignal } from "../types";
import { listApprovalEvents, pendingApprovals, waitOf } from "./approval-waits";

/** A typed error for signals about records that are not waiting. */
export class ApprovalNotPendingError extends SynapseError {
  override name = "ApprovalNotPendingError";
  constructor(message: string, path = "/recordKey") {
    super(ErrorCode.APPROVAL_NOT_PENDING, message, { path });
  }
}

/** What deciding an approval needs. */
export interface ApprovalDecisionDeps {
  registry: RunRegistry;
  /** The executor's deps (with approval timeouts armed). */
  executorDeps: ExecutorDeps;
}

/**
 * Applies a decision to a record waiting at an approval step of a RUNNING run: approved, the
 * record goes on from the next step; rejected, its key is completed as rejected. Then the run's
 * counts are written, and the run ends when nothing waits any more. A process that did not
 * start the run (a restart, another host) takes it over.
 * @throws ApprovalNotPendingError when the run does not run, or no such record waits.
 */
export async function decideApproval(
  deps: ApprovalDecisionDeps,
  run: Run,
  signal: ApprovalSignal,
): Promise<Run> {
  if (run.status !== "RUNNING")
    throw new ApprovalNotPendingError(
      `run "${run.id}" is ${run.status}: no record waits for approval`,
      "/status",
    );
  const { registry } = deps;
  const { executorDeps } = deps;
  const { store } = executorDeps;
  const events = await listApprovalEvents(store, run.id, signal.step);
  const pending = pendingApprovals(events, { step: signal.step, recordKey: signal.recordKey })[0];
  if (pending === undefined) {
    const requested = events.some(
      (e) => e.type === "approval.requested" && waitOf(e)?.recordKey === signal.recordKey,
    );
    throw new ApprovalNotPendingError(
      requested
        ? `record "${signal.recordKey}" at step "${signal.step}" was already decided`
        : `no record "${signal.recordKey}" waits at step "${signal.step}" of run "${run.id}"`,
    );
  }
  const current = registry.activeRun(run.id) ?? (await takeOverRun(registry, executorDeps, run));
  await current.done;
  const { wait, position, stepIndex, request } = pending;
  current.context.events.add(
    "info",
    "approval.decided",
    {
      approved: signal.approved,
      by: signal.by,
      ...(signal.comment ? { comment: signal.comment } : {}),
      request: request.seq,
    },
    { step: signal.step, recordKey: signal.recordKey },
  );
  current.counts.waiting -= 1;
  if (signal.approved) {
    const outcome = await processRecord(current.context, {
      record: wait.value,
      position,
      resume: { stepIndex: stepIndex + 1, value: wait.value, key: wait.key, recordKey: wait.recordKey },
    });
    countOutcome(current.counts, outcome);
  } else {
    if (wait.key !== undefined) {
      await store.completeIdempotencyKey({
        scope: run.blueprintId,
        key: wait.key,
        owner: keyOwner(run.id, position),
        now: executorDeps.clock(),
        result: { outcome: "rejected", by: signal.by },
      });
    }
    countOutcome(current.counts, "rejected");
  }
  const settled = await settleRun(executorDeps, current);
  registry.notifySettled(run.id);
  registry.releaseUnlessWaiting(run.id);
  return settled;
}
