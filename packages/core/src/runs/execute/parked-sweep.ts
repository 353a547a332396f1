import type { ParkedRecord } from "../../store/types";
import { FirstFailure, forEachLimited } from "./for-each-limited";
import { type ResumeParkedDeps, resumeParked } from "./resume-parked";

/** What the parked-record sweep needs beyond resuming one record. */
export interface ParkedSweepDeps extends ResumeParkedDeps {
  /** Parked records resumed at once by this worker. */
  concurrency: number;
}

/** A delayed job up to this much earlier than its record's due time waits for it. */
const EARLY_WAIT_MS = 1_000;

/**
 * Resumes every parked record that is due: claims them from the store under a lease, a page at a
 * time (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers sweeping together take different
 * records), and resumes each (resume-parked.ts). Called by the runtime every
 * `parking.sweepEveryMs`; returns how many records it resumed. A record whose resume fails (the
 * store went away) is released for the next sweep; the first such error is thrown at the end.
 */
export async function sweepParked(deps: ParkedSweepDeps): Promise<number> {
  const page = Math.max(1, deps.concurrency * 2);
  let resumed = 0;
  // One record's failure does not stop the others of its page; the first one is thrown after it.
  const failure = new FirstFailure();
  for (;;) {
    const due = await deps.store.claimDueParkedRecords({
      owner: deps.workerId,
      leaseMs: deps.leaseMs,
      now: deps.clock(),
      limit: page,
    });
    await forEachLimited(due, deps.concurrency, (parked) =>
      failure.run(async () => {
        if ((await resumeParked(deps, parked)) !== undefined) resumed += 1;
      }),
    );
    failure.rethrow();
    if (due.length < page) return resumed;
  }
}

/**
 * Resumes the parked record a delayed job names (BullMQ: job id from the parked record's id and
 * attempts), if it is still there, free and due; a job for an earlier parking of the record, or
 * one the sweep beat, finds nothing to do.
 */
export async function resumeParkedJob(deps: ParkedSweepDeps, id: string, attempts?: number): Promise<void> {
  const now = deps.clock();
  const parked: ParkedRecord | undefined = await deps.store.claimParkedRecord(id, {
    owner: deps.workerId,
    leaseMs: deps.leaseMs,
    now,
  });
  if (parked === undefined) return;
  const stale = attempts !== undefined && parked.attempts !== attempts;
  // Never earlier than due (a Retry-After is a floor): a job a little early (the clocks' skew)
  // waits for the due time; one much earlier, or for an earlier parking, leaves it to the sweep.
  const early = Date.parse(parked.dueAt) - now.getTime();
  if (stale || early > EARLY_WAIT_MS) {
    await deps.store.releaseParkedRecord(id, deps.workerId);
    return;
  }
  if (early > 0) {
    await new Promise((resolve) => setTimeout(resolve, early));
    if (Date.parse(parked.dueAt) > deps.clock().getTime()) {
      await deps.store.releaseParkedRecord(id, deps.workerId);
      return;
    }
  }
  await resumeParked(deps, parked);
}

/**
 * `sweep` made single-flight: a call while a sweep runs does not start a second one beside it
 * but one more after it (a record made due meanwhile is not missed), and shares its promise.
 */
export function singleFlight(sweep: () => Promise<number>): () => Promise<number> {
  let running: Promise<number> | undefined;
  let again: Promise<number> | undefined;
  return () => {
    if (running === undefined) {
      running = sweep().finally(() => (running = undefined));
      return running;
    }
    again ??= running
      .catch(() => 0)
      .then(() => {
        again = undefined;
        running = sweep().finally(() => (running = undefined));
        return running;
      });
    return again;
  };
}

/**
 * Gives up parked records (`runs.cancelParked`): each one free is claimed and dead-lettered now
 * (resume-parked.ts); one being resumed at that moment is left to its attempt.
 */
export async function giveUpParked(
  deps: ParkedSweepDeps,
  records: readonly ParkedRecord[],
  by: string,
): Promise<void> {
  for (const parked of records) {
    const claimed = await deps.store.claimParkedRecord(parked.id, {
      owner: deps.workerId,
      leaseMs: deps.leaseMs,
      now: deps.clock(),
    });
    if (claimed !== undefined) await resumeParked(deps, claimed, { kind: "give-up", by });
  }
}
