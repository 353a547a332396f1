import type { RunEvent } from "../../model/run";
import { RUN_EVENT_PAYLOAD, type RunStore } from "../../store/types";

// Approval waits live in the run's events: `approval.requested` (with the wait as its payload)
// and `approval.decided` (naming the request's `seq`). issue 16: the events' `recordKey` is
// redacted for display, so a wait is matched on its payload's exact record key, never on it.

/** What an `approval.requested` event keeps as its payload (`RUN_EVENT_PAYLOAD`) to resume. */
export interface ApprovalWait {
  /** The record's value at the approval step. */
  value: unknown;
  /** The record key a signal names (the idempotency key, or `#<position>`). */
  recordKey: string;
  /** The idempotency key the record holds while it waits. */
  key?: string;
}

/** A record that started waiting at an approval step: what arming its timeout needs. */
export interface ApprovalRequest {
  step: string;
  recordKey: string;
  timeoutMs?: number;
  onTimeout: "approve" | "reject";
}

/** A record waiting at an approval step, as its `approval.requested` event keeps it. */
export interface PendingApproval {
  /** The `approval.requested` event. */
  request: RunEvent;
  wait: ApprovalWait;
  stepIndex: number;
  position: number;
}

/** The approval events of a run (of one step when given), every page of them, in order. */
export async function listApprovalEvents(store: RunStore, runId: string, step?: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (let after = 0; ; ) {
    const page = await store.listRunEvents(runId, {
      after,
      limit: 500,
      ...(step === undefined ? {} : { step }),
    });
    events.push(...page.filter((e) => e.type === "approval.requested" || e.type === "approval.decided"));
    if (page.length < 500) return events;
    after = page.at(-1)!.seq;
  }
}

/**
 * The wait an `approval.requested` event keeps; events written before the payload existed carry
 * it in their data (exact only where nothing was redacted). `undefined` once retention purged it.
 */
export function waitOf(request: RunEvent): ApprovalWait | undefined {
  const payload = request.data[RUN_EVENT_PAYLOAD] as ApprovalWait | undefined;
  if (payload !== undefined) return payload;
  if (request.recordKey === undefined || !Object.hasOwn(request.data, "value")) return undefined;
  const key = request.data.key as string | undefined;
  return { value: request.data.value, recordKey: request.recordKey, ...(key === undefined ? {} : { key }) };
}

/** The waits among `events` not decided yet, at `step` and for `recordKey` when given. */
export function pendingApprovals(
  events: readonly RunEvent[],
  filter: { step?: string; recordKey?: string } = {},
): PendingApproval[] {
  const decided = events.filter((e) => e.type === "approval.decided");
  const pending: PendingApproval[] = [];
  for (const request of events) {
    if (request.type !== "approval.requested") continue;
    if (filter.step !== undefined && request.step !== filter.step) continue;
    const wait = waitOf(request);
    if (wait === undefined || (filter.recordKey !== undefined && wait.recordKey !== filter.recordKey))
      continue;
    const isDecided = decided.some((d) =>
      typeof d.data.request === "number"
        ? d.data.request === request.seq
        : d.step === request.step && d.recordKey === request.recordKey,
    );
    if (isDecided) continue;
    pending.push({
      request,
      wait,
      stepIndex: request.data.stepIndex as number,
      position: request.data.position as number,
    });
  }
  return pending;
}
