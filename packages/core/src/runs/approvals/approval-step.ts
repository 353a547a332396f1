import type { PlannedApproval } from "../plan/run-plan";
import type { RecordInFlight } from "../records/record-context";
import type { ApprovalWait } from "./approval-waits";

/** How long an approval holds the record's key at least: a week, or the step's timeout if longer. */
const MIN_APPROVAL_LEASE_MS = 7 * 86_400_000;

/**
 * An approval step: when its `when` holds (or it has none), the record stops here and waits for
 * `runs.signal`. The wait is an `approval.requested` event carrying what the resume needs; the
 * key stays held for the approval's time and the timeout, if any, is armed.
 * @returns "waiting" when the record waits, undefined when it goes on.
 */
export async function requestApproval(
  record: RecordInFlight,
  planned: PlannedApproval,
): Promise<"waiting" | undefined> {
  const { ctx, key, recordKey, value } = record;
  const { step } = planned;
  if (planned.when !== undefined && !(await planned.when.evaluate(value))) return undefined;
  // issue 16: the data shown is redacted (a detector may hide the record key, an email or a
  // 32-hex id); the resume needs the exact value, key and record key: the payload.
  ctx.events.add(
    "info",
    "approval.requested",
    { stepIndex: planned.index, position: record.start.position, value, key },
    { step: step.id, recordKey },
    { value, recordKey, ...(key === undefined ? {} : { key }) } satisfies ApprovalWait,
  );
  if (key !== undefined && !ctx.run.dryRun) {
    // The wait can outlast the claim's lease: hold the key for the approval's time.
    await ctx.store.renewIdempotencyLease({
      scope: ctx.run.blueprintId,
      key,
      owner: record.owner,
      leaseMs: Math.max(step.timeoutMs ?? 0, MIN_APPROVAL_LEASE_MS),
      now: ctx.clock(),
    });
  }
  ctx.onApprovalRequested?.(ctx.run.id, {
    step: step.id,
    recordKey,
    onTimeout: step.onTimeout,
    ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
  });
  return "waiting";
}
