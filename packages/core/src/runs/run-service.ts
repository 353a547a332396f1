import { ErrorCode, NotFoundError, SynapseError } from "../errors";
import type { Run } from "../model/run";
import type { ParkedRecord } from "../store/types";
import { type ApprovalDecisionDeps, decideApproval } from "./approvals/approval-decisions";
import {
  type ApprovalTimeoutDeps,
  armApprovalTimeout,
  rearmApprovalTimeouts,
} from "./approvals/approval-timeouts";
import type { Admission } from "./create/admission";
import { ApprovedRevisions } from "./create/approved-revisions";
import { type CreateRunDeps, type CreateRunOptions, createRun } from "./create/create-run";
import { enqueueDurableRun } from "./create/enqueue-run";
import { ingestRecords } from "./create/run-input";
import { startRecords } from "./create/start-records";
import { deadLetterService } from "./dead-letters/dead-letter-service";
import { runJobHandler } from "./execute/job-handler";
import {
  giveUpParked,
  type ParkedSweepDeps,
  resumeParkedJob,
  singleFlight,
  sweepParked,
} from "./execute/parked-sweep";
import { resumeSweep } from "./execute/resume-sweep";
import type { ExecutorDeps } from "./execute/run-context";
import type { RunQueue } from "./execute/run-queue";
import { cancelRun } from "./execute/run-state";
import { runEventsPage } from "./queries/run-events-page";
import { blueprintRunStats } from "./queries/run-stats";
import { waitForRun } from "./queries/run-wait";
import { dropParkedOfCancelledRun, listParked, parkedOf, retryParkedNow } from "./retries/parked-records";
import { RunRegistry } from "./run-registry";
import { poll, storedCursor } from "./triggers/poll";
import { checkScheduleTrigger } from "./triggers/schedule-trigger";
import { subscribe } from "./triggers/subscribe";
import type { ApprovalSignal, DeadLetterService, RunService } from "./types";

// The runs module's composition root: it builds the in-process state (RunRegistry), hands each
// part the deps it needs, and connects the queue to the executor. Each method of the run API is
// one call into the file named after what it does (docs/architecture-runs.md lists them).

/** What the run service needs beyond the executor's deps. */
export interface RunServiceDeps extends ExecutorDeps {
  queue: RunQueue;
  /** Runs keep their records in the store, in batches that workers lease (see batch-executor). */
  durable: boolean;
  /** Records per batch of a durable run. */
  batchSize: number;
  /** Lease of a batch without a heartbeat. */
  batchLeaseMs: number;
  /** Refuses new runs while the queue holds too much unfinished work. */
  admission: Admission;
  /** Parked records (issue 20): how long a claim on one holds. */
  parking: { leaseMs: number };
}

/** Builds the run and dead-letter APIs and connects the queue to the executor. */
export function runServices(deps: RunServiceDeps): {
  runs: RunService;
  deadLetters: DeadLetterService;
  stopTimers: () => void;
  /** After the queue closed: fails the creation of held runs whose write never started. */
  abandonUnwrittenRuns: () => void;
  resume: () => Promise<number>;
  /** Resumes the parked records that are due (single-flight); how many it resumed. */
  resumeParked: () => Promise<number>;
} {
  const { store, clock } = deps;
  const registry = new RunRegistry();

  const load = async (id: string): Promise<Run> => {
    const run = await store.getRun(id);
    if (run === undefined) throw new NotFoundError("run", id);
    return run;
  };
  const cancel = async (id: string): Promise<Run> => {
    const run = await cancelRun(store, id, clock());
    registry.abort(id);
    if (run.status === "CANCELLED") await dropParkedOfCancelledRun(store, clock, run);
    registry.notifySettled(id);
    return run;
  };
  // `runs.signal`; approval timeouts decide through it too.
  const signalApproval = async (id: string, signal: ApprovalSignal): Promise<Run> =>
    decideApproval(approvalDecisions, await load(id), signal);
  const approvalTimeouts: ApprovalTimeoutDeps = { store, clock, registry, decide: signalApproval };
  // With a queue that delays jobs, each parked record also gets a delayed job for its due time.
  const queueParkedJob = (parked: ParkedRecord): void => {
    const delayMs = Math.max(0, Date.parse(parked.dueAt) - clock().getTime());
    deps.queue
      .enqueue({ runId: parked.runId, parked: parked.id, attempt: parked.attempts, delayMs })
      .catch(() => {
        // The store sweep resumes the record anyway.
      });
  };
  // The executor's deps arm the timeouts of records that start waiting for approval. Made once
  // for every run: a copy of some thirty fields and a closure per job counted on the one-record
  // path (issue 21).
  const executorDeps: ExecutorDeps = {
    ...deps,
    onApprovalRequested: (runId, request) => armApprovalTimeout(approvalTimeouts, runId, request),
    ...(deps.queue.delayedJobs ? { onRecordParked: queueParkedJob } : {}),
  };
  const parking: ParkedSweepDeps = {
    store,
    clock,
    registry,
    executorDeps,
    durable: deps.durable,
    workerId: deps.workerId,
    leaseMs: deps.parking.leaseMs,
    concurrency: deps.recordConcurrency,
  };
  const resumeParked = singleFlight(() => sweepParked(parking));
  const approvalDecisions: ApprovalDecisionDeps = { registry, executorDeps };
  // Key-aware admission (issue 20) needs a queue that delivers a deferred job again.
  const admission = deps.queue.deferrals ? deps.recordLimiter?.admission : undefined;
  const creation: CreateRunDeps = {
    ...deps,
    registry,
    cancel,
    approvedRevisions: new ApprovedRevisions(),
    ...(admission === undefined ? {} : { admissionKeys: admission.sharedKeys }),
  };
  const create = (
    blueprintId: string,
    records: unknown[] | AsyncIterable<unknown>,
    options: CreateRunOptions,
  ): Promise<Run> => createRun(creation, blueprintId, records, options);
  const triggers = { ...deps, registry, createRun: create };

  deps.queue.start(
    runJobHandler({
      registry,
      executorDeps,
      batchLeaseMs: deps.batchLeaseMs,
      durable: deps.durable,
      resumeParked: (id, attempts) => resumeParkedJob(parking, id, attempts),
      admission,
    }),
  );

  const waiting = { store, registry, durable: deps.durable };
  const runs: RunService = {
    // async, so that bad options reject the promise instead of throwing.
    start: async (blueprintId, options = {}) =>
      create(blueprintId, startRecords(options), {
        ...options,
        trigger: checkScheduleTrigger(options.trigger) ?? { kind: "api" },
        // Only a poll, which resolved the connection itself, may skip its check.
        connectionChecked: false,
      }),
    get: load,
    list: (filter) => store.listRuns(filter),
    cancel,
    parked: async (id) => listParked(store, await load(id)),
    async retryNow(id, recordKey) {
      const made = await retryParkedNow(store, clock, deps.redactor, id, recordKey);
      resumeParked().catch(() => {
        // The periodic sweep tries again.
      });
      return made;
    },
    async cancelParked(id, recordKey, options = {}) {
      await giveUpParked(parking, await parkedOf(store, await load(id), recordKey), options.by ?? "api");
      return load(id);
    },
    events: (id, request = {}) => runEventsPage(store, id, request),
    async metrics(id) {
      const run = await load(id);
      const current = registry.activeRun(id);
      return current ? current.context.metrics.snapshot(current.counts) : run.metrics;
    },
    wait: (id, options) => waitForRun(waiting, id, options),
    signal: signalApproval,
    ingest: async (blueprintId, event) =>
      create(blueprintId, ingestRecords(event), {
        trigger: { kind: "webhook" },
        ...(event.idempotencyKey ? { idempotencyKey: event.idempotencyKey } : {}),
        ...(event.connection ? { connection: event.connection } : {}),
      }),
    poll: (blueprintId, options) => poll(triggers, blueprintId, options),
    cursor: (blueprintId, options) => storedCursor(triggers, blueprintId, options),
    subscribe: (blueprintId, options) =>
      subscribe({ ...triggers, wait: (id) => runs.wait(id) }, blueprintId, options),
    stats: (blueprintId, options) => blueprintRunStats(store, blueprintId, options),
  };

  const resume = async (): Promise<number> => {
    if (!deps.durable) return 0;
    return resumeSweep({
      store,
      clock,
      enqueue: (runId, batches) => enqueueDurableRun(creation, runId, batches),
      rearmApprovals: (run) => rearmApprovalTimeouts(approvalTimeouts, run),
    });
  };

  return {
    runs,
    deadLetters: deadLetterService({ store, clock, createRun: create }),
    stopTimers: () => registry.stopTimers(),
    abandonUnwrittenRuns: () =>
      registry.abandonUnwrittenRuns(
        new SynapseError(ErrorCode.CLOSED, "the runtime is shutting down: the run was not created"),
      ),
    resume,
    resumeParked,
  };
}
