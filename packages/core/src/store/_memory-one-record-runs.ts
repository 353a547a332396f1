import { cloneJson } from "../clone-json";
import { ConflictError } from "../errors";
import type { Blueprint } from "../model/blueprint";
import type { NewRunEvent, Run } from "../model/run";
import type { MemoryIdempotencyRecords } from "./_memory-idempotency-records";
import { canTakeLease, decideIdempotencyClaim, holdsIdempotencyLease } from "./idempotency-claim";
import { LastInstantIso } from "./last-instant-iso";
import type { IdempotencyOutcome, OneRecordRunStore, RunBatch } from "./types";

/** The memory store's maps the one-record path reads and writes. */
export interface MemoryOneRecordState {
  blueprints: Map<string, Blueprint>;
  runs: Map<string, Run>;
  batches: Map<string, RunBatch[]>;
  idempotency: MemoryIdempotencyRecords;
  /** Each connector ref's version: bumped by every put, removed with the ref. */
  connectorRefVersions: ReadonlyMap<string, number>;
  /** Keeps copies of the events, numbered after the run's last one. */
  appendEvents(runId: string, events: readonly NewRunEvent[]): unknown;
  completeKey(outcome: IdempotencyOutcome): void;
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

// The texts of the instants written, made once per millisecond: a run's start and finish (and the
// next run's) mostly fall in the same one (issue 21).
const startedAt = new LastInstantIso();
const finishedAt = new LastInstantIso();
const leaseEndsAt = new LastInstantIso();

/**
 * The memory store's {@link OneRecordRunStore}: every method decides and writes without
 * awaiting anything, so each is atomic as the PostgreSQL store's single statements are.
 */
export function memoryOneRecordRuns(state: MemoryOneRecordState): OneRecordRunStore {
  const { blueprints, runs, batches, idempotency } = state;
  return {
    async createOneRecordRun(run, record) {
      const blueprint = blueprints.get(run.blueprintId);
      if (blueprint?.approvedRevision !== run.revision || blueprint.status === "ARCHIVED") return false;
      if (runs.has(run.id)) throw new ConflictError(`run "${run.id}" already exists`);
      runs.set(run.id, cloneJson(run));
      batches.set(run.id, [
        {
          runId: run.id,
          index: 0,
          firstPosition: 0,
          records: [cloneJson(record)],
          state: "PENDING",
          attempts: 0,
        },
      ]);
      return true;
    },
    async startOneRecordRun({ runId, owner, leaseMs, now, claim, events, connectorRefs }) {
      if (connectorRefs !== undefined && refsChanged(state.connectorRefVersions, connectorRefs))
        return "refsChanged";
      const run = runs.get(runId);
      const batch = firstBatch(batches.get(runId));
      if (run?.status !== "QUEUED" || batch === undefined || batch.state === "DONE") return undefined;
      if (!canTakeLease(batch.lease, owner, now)) return undefined;
      batch.lease = { owner, expiresAt: leaseEndsAt.of(now.getTime() + leaseMs) };
      batch.attempts += 1;
      const at = startedAt.of(now.getTime());
      const next: Run = {
        ...run,
        status: "RUNNING",
        startedAt: run.startedAt ?? at,
        updatedAt: at,
        version: run.version + 1,
      };
      runs.set(runId, next);
      let claimed: ReturnType<typeof decideIdempotencyClaim> | undefined;
      if (claim !== undefined && idempotency.get(claim.scope, claim.key) === undefined) {
        claimed = decideIdempotencyClaim(undefined, claim);
        idempotency.set(claimed.record);
      }
      state.appendEvents(runId, events);
      // The claim's record is kept frozen: it is handed out as it is.
      return claimed === undefined ? {} : { claim: claimed };
    },
    async connectorRefVersions(ids) {
      return ids.flatMap((id) => {
        const version = state.connectorRefVersions.get(id);
        return version === undefined ? [] : [{ id, version }];
      });
    },
    async finishOneRecordRun({
      runId,
      owner,
      now,
      completion,
      batchCounts,
      counts,
      status,
      metrics,
      events,
    }) {
      if (completion !== undefined) {
        const held = idempotency.get(completion.scope, completion.key);
        if (!holdsIdempotencyLease(held, completion.owner)) return { outcome: "keyLost" };
        state.completeKey(completion);
      }
      const run = runs.get(runId);
      const batch = firstBatch(batches.get(runId));
      if (run === undefined || batch === undefined || batch.state === "DONE" || batch.lease?.owner !== owner)
        return { outcome: "batchLost" };
      batch.state = "DONE";
      batch.counts = { ...batchCounts };
      delete batch.lease;
      const at = finishedAt.of(now.getTime());
      const ended = TERMINAL.has(run.status);
      const next: Run = { ...run, counts: { ...counts }, version: run.version + 1 };
      // Set one by one, in the order they were spread before (new keys land after the run's):
      // temporary objects spread per finish cost more than the rest of it (issue 21).
      // The metrics are kept as given: the finish makes the snapshot for this call and keeps no
      // reference to it (one-record-executor.ts), and a run document is never changed in place.
      if (metrics !== undefined) next.metrics = metrics;
      if (!ended) {
        next.status = status;
        next.updatedAt = at;
        if (TERMINAL.has(status)) next.finishedAt = at;
      }
      runs.set(runId, next);
      state.appendEvents(runId, events);
      // Not copied: the store replaces a run document, never changes one in place, and the
      // caller keeps it for waiters, who each get a copy (run-registry.ts `settledRun`).
      return { outcome: "finished", run: next };
    },
  };
}

// Module functions rather than closures made per start and finish (issue 21).

/** The run's batch 0 (a one-record run's only one). */
function firstBatch(list: readonly RunBatch[] | undefined): RunBatch | undefined {
  if (list === undefined) return undefined;
  for (const batch of list) if (batch.index === 0) return batch;
  return undefined;
}

/** Whether a ref the plan bound was put again (or removed) since. */
function refsChanged(
  versions: ReadonlyMap<string, number>,
  refs: readonly { id: string; version: number }[],
): boolean {
  for (const ref of refs) if (versions.get(ref.id) !== ref.version) return true;
  return false;
}
