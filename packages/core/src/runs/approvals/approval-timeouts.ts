import type { Run } from "../../model/run";
import type { Store } from "../../store/types";
import type { RunRegistry } from "../run-registry";
import type { ApprovalSignal } from "../types";
import { type ApprovalRequest, listApprovalEvents, pendingApprovals } from "./approval-waits";

/** What approval timeouts need: where waits are, and how a decision is made. */
export interface ApprovalTimeoutDeps {
  store: Store;
  clock: () => Date;
  registry: RunRegistry;
  /** Decides a waiting record (`runs.signal`). */
  decide: (runId: string, signal: ApprovalSignal) => Promise<unknown>;
}

/**
 * Arms the timeout of a record that started waiting at an approval step: when it fires, the
 * record is decided as the step's `onTimeout` says, `by: "timeout"`. A step without
 * `timeoutMs` waits for a person forever.
 */
export function armApprovalTimeout(deps: ApprovalTimeoutDeps, runId: string, request: ApprovalRequest): void {
  if (request.timeoutMs === undefined) return;
  deps.registry.armApprovalTimer(request.timeoutMs, () => {
    deps
      .decide(runId, {
        step: request.step,
        recordKey: request.recordKey,
        approved: request.onTimeout === "approve",
        by: "timeout",
      })
      .catch(() => {
        // Decided by a person first, or the run was cancelled: the timeout has nothing to do.
      });
  });
}

/**
 * Re-arms, from the run's events, the timeouts of its records still waiting for approval (after
 * a restart, or in a process that did not start the run), each for the time it has left.
 */
export async function rearmApprovalTimeouts(deps: ApprovalTimeoutDeps, run: Run): Promise<void> {
  const revision = await deps.store.getRevision(run.blueprintId, run.revision);
  if (revision === undefined) return;
  for (const { request, wait } of pendingApprovals(await listApprovalEvents(deps.store, run.id))) {
    const step = revision.body.steps.find((s) => s.id === request.step);
    if (step?.kind !== "approval" || step.timeoutMs === undefined) continue;
    if (!deps.registry.markApprovalArmed(`${run.id}/${request.seq}`)) continue;
    const left = Math.max(0, Date.parse(request.at) + step.timeoutMs - deps.clock().getTime());
    armApprovalTimeout(deps, run.id, {
      step: step.id,
      recordKey: wait.recordKey,
      timeoutMs: left,
      onTimeout: step.onTimeout,
    });
  }
}
