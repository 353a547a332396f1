import type { RunCounts } from "../../model/run";
import type { RecordOutcome } from "../records/record-context";

/** Empty counts of `total` records. */
export function zeroCounts(total = 0): RunCounts {
  return {
    total,
    completed: 0,
    failed: 0,
    filtered: 0,
    duplicates: 0,
    rejected: 0,
    deadLettered: 0,
    waiting: 0,
    parked: 0,
  };
}

/** `a` with `b`'s outcomes added (a batch's counts to its run's); `a.total` stays. */
export function addCounts(a: RunCounts, b: RunCounts): RunCounts {
  return {
    total: a.total,
    completed: a.completed + b.completed,
    failed: a.failed + b.failed,
    filtered: a.filtered + b.filtered,
    duplicates: a.duplicates + b.duplicates,
    rejected: a.rejected + b.rejected,
    deadLettered: a.deadLettered + b.deadLettered,
    waiting: a.waiting + b.waiting,
    // Runs stored before parking existed have no `parked`.
    parked: (a.parked ?? 0) + (b.parked ?? 0),
  };
}

/**
 * Records of the run not settled yet: waiting for an approval or parked until their next
 * attempt. A run ends only when this is 0.
 */
export function unsettledRecords(counts: RunCounts): number {
  return counts.waiting + (counts.parked ?? 0);
}

/** A parked record settled with `outcome`: it leaves `parked` and counts as its outcome. */
export function settleParkedCount(counts: RunCounts, outcome: RecordOutcome): void {
  counts.parked = Math.max(0, (counts.parked ?? 0) - 1);
  countOutcome(counts, outcome);
}

/** Adds one record's outcome to the run's counts. */
export function countOutcome(counts: RunCounts, outcome: RecordOutcome): void {
  switch (outcome) {
    case "completed":
      counts.completed += 1;
      break;
    case "filtered":
      counts.filtered += 1;
      break;
    case "duplicate":
      counts.duplicates += 1;
      break;
    case "rejected":
      counts.rejected += 1;
      break;
    case "failed":
      counts.failed += 1;
      break;
    case "deadLettered":
      counts.failed += 1;
      counts.deadLettered += 1;
      break;
    case "waiting":
      counts.waiting += 1;
      break;
    case "parked":
      counts.parked = (counts.parked ?? 0) + 1;
      break;
  }
}

/** The final status for a run's counts. */
export function finalStatus(counts: RunCounts): "SUCCEEDED" | "FAILED" {
  return counts.failed === 0 ? "SUCCEEDED" : "FAILED";
}
