import { NotFoundError } from "../errors";
import type { Run } from "../model/run";
import { type ApprovalDecisionDeps, decideApproval } from "./approvals/approval-decisions";
import {
  type ApprovalTimeoutDeps,
  armApprovalTimeout,
  rearmApprovalTimeouts,
} from "./approvals/approval-timeouts";
import type { Admission } from "./create/admission";
import { type CreateRunDeps, type CreateRunOptions, createRun } from "./create/create-run";
import { enqueueDurableRun } from "./create/enqueue-run";
import { ingestRecords } from "./create/run-input";
import { startRecords } from "./create/start-records";
import { deadLetterService } from "./dead-letters/dead-letter-service";
import { runJobHandler } from "./execute/job-handler";
import { resumeSweep } from "./execute/resume-sweep";
import type { ExecutorDeps } from "./execute/run-context";
import type { RunQueue } from "./execute/run-queue";
import { cancelRun } from "./execute/run-state";
import { runEventsPage } from "./queries/run-events-page";
import { blueprintRunStats } from "./queries/run-stats";
import { waitForRun } from "./queries/run-wait";
import { RunRegistry } from "./run-registry";
import { poll, savePollCursor, storedCursor } from "./triggers/poll";
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
}

/** Builds the run and dead-letter APIs and connects the queue to the executor. */
export function runServices(deps: RunServiceDeps): {
  runs: RunService;
  deadLetters: DeadLetterService;
  stopTimers: () => void;
  resume: () => Promise<number>;
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
    registry.notifySettled(id);
    return run;
  };
  // `runs.signal`; approval timeouts decide through it too.
  const signalApproval = async (id: string, signal: ApprovalSignal): Promise<Run> =>
    decideApproval(approvalDecisions, await load(id), signal);
  const approvalTimeouts: ApprovalTimeoutDeps = { store, clock, registry, decide: signalApproval };
  // Each run's executor deps arm the timeouts of its records that start waiting for approval.
  const executorDeps = (runId: string): ExecutorDeps => ({
    ...deps,
    onApprovalRequested: (request) => armApprovalTimeout(approvalTimeouts, runId, request),
  });
  const approvalDecisions: ApprovalDecisionDeps = { registry, executorDeps };
  const creation: CreateRunDeps = { ...deps, registry, cancel };
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
      afterJob: (runId) => savePollCursor(triggers, runId),
    }),
  );

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
    events: (id, request = {}) => runEventsPage(store, id, request),
    async metrics(id) {
      const run = await load(id);
      const current = registry.activeRun(id);
      return current ? current.context.metrics.snapshot(current.counts) : run.metrics;
    },
    wait: (id, options) =>
      waitForRun(
        { store, registry, durable: deps.durable, distributed: deps.queue.distributed === true },
        id,
        options,
      ),
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
    resume,
  };
}
