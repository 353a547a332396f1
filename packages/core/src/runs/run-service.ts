import type { Subscription } from "../connector";
import { ConnectorError } from "../connector-error";
import {
  ErrorCode,
  LifecycleError,
  NotFoundError,
  OverloadedError,
  SynapseError,
  ValidationError,
} from "../errors";
import { newId } from "../ids";
import { checkStoreInt } from "../input-guard";
import type { DeadLetter } from "../model/dead-letter";
import type { Environment } from "../model/environment";
import type { Run, RunEvent, RunMetrics } from "../model/run";
import {
  type DeadLetterFilter,
  type NewRunBatch,
  type Page,
  RUN_EVENT_PAYLOAD,
  type RunEventFilter,
  type RunFilter,
} from "../store/types";
import type { Admission } from "./admission";
import { listApprovalEvents, pendingApprovals, waitOf } from "./approval-waits";
import { type BatchExecutorDeps, executeBatches, isStoreOutage, toBatches } from "./batch-executor";
import { keyOwner } from "./record-keys";
import { processRecord, type RecordContext } from "./record-pipeline";
import {
  type ActiveRun,
  ApprovalNotPendingError,
  countOutcome,
  type ExecutorDeps,
  executeRun,
  isTerminal,
  prepareRun,
  settleRun,
  updateRunWith,
} from "./run-executor";
import { type IngestEvent, ingestRecords, requireRecords } from "./run-input";
import { type BoundConnector, bindConnectorRef } from "./run-plan";
import type { RunQueue } from "./run-queue";

/** What {@link RunService.start} takes. */
export interface StartRunOptions {
  /**
   * The records to process: an array, or an async iterable for runs too large to hold in memory.
   * A durable run reads an iterable a slice at a time (100 batches of `batchSize`) and writes
   * each slice to the store before reading on, so memory stays bounded however many records
   * come; a run kept in memory (memory store, inline queue) collects them first.
   */
  records?: unknown[] | AsyncIterable<unknown>;
  /** One record; shorthand for `records: [input]`. */
  input?: unknown;
  /** The idempotency key of a single-record run (overrides the blueprint's key expression). */
  idempotencyKey?: string;
  /** Run the head revision (even a draft) without calling `send`/`notify`. */
  dryRun?: boolean;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  /** The environment whose variables and secrets connectors get. */
  environment?: string;
}

/** A decision on a record waiting at an approval step. */
export interface ApprovalSignal {
  step: string;
  recordKey: string;
  approved: boolean;
  by: string;
  comment?: string;
}

/** Success rate and volume of a blueprint's runs over a window. */
export interface BlueprintRunStats {
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  successRate: number;
  records: number;
}

/**
 * The longest pause between two looks at the store of `runs.wait` for a run that another worker
 * may settle: a short one, so a waiter does not add up to a second to a run that took 300 ms.
 */
const WAIT_POLL_MAX_MS = 200;

/** What a run refused because the store is down tells its caller to wait. */
const STORE_RETRY_AFTER_MS = 5_000;

/** What {@link RunService.events} takes: the store's filter and a page cursor. */
export interface RunEventPageRequest extends RunEventFilter {
  /** The `nextCursor` of the previous page (the `seq` of its last event; same as `after`). */
  cursor?: string;
}

function parseEventCursor(cursor: string): number {
  const seq = /^\d{1,15}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new ValidationError(
      `event cursor must be a nextCursor from runs.events, got "${cursor.slice(0, 40)}"`,
      {
        path: "/cursor",
      },
    );
  }
  return seq;
}

/** The run API of the runtime. */
export interface RunService {
  /**
   * Creates a QUEUED run of the blueprint's approved revision and enqueues it.
   * @throws ValidationError (`path: "/records"`) when there is no record to run.
   */
  start(blueprintId: string, options?: StartRunOptions): Promise<Run>;
  get(id: string): Promise<Run>;
  list(filter?: RunFilter): Promise<Page<Run>>;
  /** Stops new records promptly and aborts in-flight connector calls. */
  cancel(id: string): Promise<Run>;
  /**
   * One page of the run's log, in order (`seq` ascending), shaped like every other list:
   * `nextCursor` is present when more events follow; pass it back as `cursor` for the next page.
   * @example
   * ```ts
   * for (let page = await runtime.runs.events(run.id); ; ) {
   *   for (const event of page.items) console.log(event.seq, event.type);
   *   if (page.nextCursor === undefined) break;
   *   page = await runtime.runs.events(run.id, { cursor: page.nextCursor });
   * }
   * ```
   */
  events(id: string, filter?: RunEventPageRequest): Promise<Page<RunEvent>>;
  /** Figures of a finished run, or of a running one so far. */
  metrics(id: string): Promise<RunMetrics | undefined>;
  /**
   * Resolves when the run is SUCCEEDED, FAILED or CANCELLED (or RUNNING with only waiting records,
   * with `untilWaiting`). A run settled by this process wakes the waiter at once; one settled by
   * another worker is seen at the next look at the store, within 200 ms.
   */
  wait(id: string, options?: { timeoutMs?: number; untilWaiting?: boolean }): Promise<Run>;
  /** Approves or rejects a record waiting at an approval step. */
  signal(id: string, signal: ApprovalSignal): Promise<Run>;
  /**
   * A run of the records a webhook or other event source delivered.
   * @throws ValidationError when the event carries no record (`{ record }` or a non-empty `{ records }`).
   */
  ingest(blueprintId: string, event: IngestEvent): Promise<Run>;
  /**
   * Reads new records from the blueprint's source connector from the stored cursor and runs them.
   * `fromStart: true` reads from the beginning instead — a forced full resync (backfill); the
   * cursor it ends at replaces the stored one when its run succeeds, as for any poll.
   */
  poll(
    blueprintId: string,
    options?: { maxRecords?: number; environment?: string; fromStart?: boolean },
  ): Promise<Run | undefined>;
  /** The source cursor `poll` stored for the blueprint (after its last successful run); undefined before any. */
  cursor(blueprintId: string): Promise<unknown>;
  /**
   * Consumes the blueprint's push source (its trigger connector, else its source) through the
   * connector's `subscribe`: each delivered batch becomes a run; the batch is acknowledged when
   * the run finished (failed records are dead letters here) and redelivered when the run could
   * not process it. Close the subscription to stop.
   */
  subscribe(blueprintId: string, options?: { environment?: string }): Promise<Subscription>;
  /** Success rate and volume over runs started since `since`. */
  stats(blueprintId: string, options?: { since?: Date }): Promise<BlueprintRunStats>;
}

/** Dead letters: records that exhausted their attempts. */
export interface DeadLetterService {
  list(filter?: DeadLetterFilter): Promise<Page<DeadLetter>>;
  get(id: string): Promise<DeadLetter>;
  /** A new run, linked to the original, of only these records; completed ones are skipped by idempotency. */
  replay(selection: readonly string[] | DeadLetterFilter): Promise<Run>;
}

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
  active: Map<string, ActiveRun>;
  stopTimers: () => void;
  resume: () => Promise<number>;
} {
  const { store, clock } = deps;
  const active = new Map<string, ActiveRun>();
  const controllers = new Map<string, AbortController>();
  const cursors = new Map<string, unknown>();
  // Waiters of runs settling in this process are told at once; others poll the store.
  const waiters = new Map<string, Set<() => void>>();
  const notifySettled = (runId: string): void => {
    for (const wake of waiters.get(runId) ?? []) wake();
    waiters.delete(runId);
  };
  const settledSignal = (runId: string, ms: number): Promise<void> =>
    new Promise((resolve) => {
      const set = waiters.get(runId) ?? new Set();
      const wake = (): void => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
      waiters.set(runId, set);
    });

  const approvalTimers = new Set<NodeJS.Timeout>();
  const armApprovalTimeout =
    (runId: string) =>
    (request: {
      step: string;
      recordKey: string;
      timeoutMs?: number;
      onTimeout: "approve" | "reject";
    }): void => {
      if (request.timeoutMs === undefined) return;
      const timer = setTimeout(() => {
        approvalTimers.delete(timer);
        runs
          .signal(runId, {
            step: request.step,
            recordKey: request.recordKey,
            approved: request.onTimeout === "approve",
            by: "timeout",
          })
          .catch(() => {
            // Decided by a person first, or the run was cancelled: the timeout has nothing to do.
          });
      }, request.timeoutMs);
      timer.unref();
      approvalTimers.add(timer);
    };
  const executorDeps = (runId: string): RunServiceDeps => ({
    ...deps,
    onApprovalRequested: armApprovalTimeout(runId),
  });
  // Durable runs: one prepared context per run in this process, shared by its batches.
  const contexts = new Map<string, Promise<RecordContext>>();
  const batchDeps = (runId: string): BatchExecutorDeps => ({ ...executorDeps(runId), contexts });
  // Runs this process works on through the inline queue, so a sweep does not queue them twice.
  const inFlight = new Set<string>();

  deps.queue.start(async (job, queueSignal) => {
    const controller = controllers.get(job.runId) ?? new AbortController();
    controllers.set(job.runId, controller);
    const onQueueAbort = (): void => controller.abort();
    queueSignal.addEventListener("abort", onQueueAbort, { once: true });
    try {
      if (job.records === undefined) {
        inFlight.add(job.runId);
        await executeBatches(batchDeps(job.runId), job, controller);
      } else {
        await executeRun(executorDeps(job.runId), job, controller, (run) => active.set(job.runId, run));
      }
      const pollCursor = cursors.get(job.runId);
      if (pollCursor !== undefined) {
        const run = await store.getRun(job.runId);
        if (run?.status === "SUCCEEDED")
          await store.putCursor(sourceCursorScope(run.blueprintId), pollCursor);
        cursors.delete(job.runId);
      }
    } finally {
      if (job.records === undefined && job.batch === undefined) inFlight.delete(job.runId);
      if (job.batch === undefined) cursors.delete(job.runId);
      notifySettled(job.runId);
      queueSignal.removeEventListener("abort", onQueueAbort);
      const run = active.get(job.runId);
      if (run === undefined || run.counts.waiting === 0) {
        active.delete(job.runId);
        controllers.delete(job.runId);
      }
    }
  });

  async function load(id: string): Promise<Run> {
    const run = await store.getRun(id);
    if (run === undefined) throw new NotFoundError("run", id);
    return run;
  }

  async function createRun(
    blueprintId: string,
    given: unknown[] | AsyncIterable<unknown>,
    options: StartRunOptions & { trigger: Run["trigger"]; replayOf?: string },
  ): Promise<Run> {
    // issue 16: refused before anything is read or written, so a refused run leaves no trace.
    await deps.admission.check();
    try {
      return await insertAndQueue(blueprintId, given, options);
    } catch (error) {
      // The store cannot take the run now (down, restarting): a caller may try again shortly.
      if (!isStoreOutage(error)) throw error;
      throw new OverloadedError("the store is unavailable: the run was not created; try again shortly", {
        retryAfterMs: STORE_RETRY_AFTER_MS,
        resource: "store",
        cause: error,
      });
    }
  }

  async function insertAndQueue(
    blueprintId: string,
    given: unknown[] | AsyncIterable<unknown>,
    options: StartRunOptions & { trigger: Run["trigger"]; replayOf?: string },
  ): Promise<Run> {
    if (!Array.isArray(given) && options.idempotencyKey !== undefined) {
      throw new ValidationError("idempotencyKey applies to single-record runs: pass one record", {
        path: "/idempotencyKey",
      });
    }
    // Streamed straight to the store only by a durable run; otherwise the run holds its records.
    const streamed = Array.isArray(given) || !deps.durable ? undefined : given;
    const records = Array.isArray(given) ? given : streamed === undefined ? await collect(given) : [];
    const blueprint = await store.getBlueprint(blueprintId);
    if (blueprint === undefined) throw new NotFoundError("blueprint", blueprintId);
    const revision = options.dryRun ? blueprint.revision : blueprint.approvedRevision;
    if (revision === undefined) {
      throw new LifecycleError(
        "run",
        blueprint.status,
        `blueprint "${blueprintId}" has no approved revision to run (dry runs may run a draft)`,
        {
          path: "/status",
        },
      );
    }
    if (blueprint.status === "ARCHIVED") {
      throw new LifecycleError("run", blueprint.status, `blueprint "${blueprintId}" is archived`, {
        path: "/status",
      });
    }
    if (streamed === undefined) requireRecords(records.length);
    if (options.idempotencyKey !== undefined && records.length !== 1) {
      throw new ValidationError("idempotencyKey applies to single-record runs: pass one record", {
        path: "/idempotencyKey",
      });
    }
    if (
      options.idempotencyKey !== undefined &&
      (options.idempotencyKey.length === 0 || options.idempotencyKey.length > 255)
    ) {
      throw new ValidationError(
        `idempotencyKey has ${options.idempotencyKey.length} characters (1 to 255 allowed)`,
        {
          code: ErrorCode.IDEMPOTENCY_KEY_INVALID,
          path: "/idempotencyKey",
        },
      );
    }
    const now = clock().toISOString();
    const run: Run = {
      id: newId("run"),
      blueprintId,
      projectId: blueprint.projectId,
      revision,
      status: "QUEUED",
      dryRun: options.dryRun ?? false,
      trigger: options.trigger,
      counts: {
        total: records.length,
        completed: 0,
        failed: 0,
        filtered: 0,
        duplicates: 0,
        rejected: 0,
        deadLettered: 0,
        waiting: 0,
      },
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      ...(options.replayOf ? { replayOf: options.replayOf } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
    };
    if (!deps.durable) {
      await store.insertRun(run);
      const controller = new AbortController();
      controllers.set(run.id, controller);
      options.signal?.addEventListener("abort", () => void runs.cancel(run.id).catch(() => {}), {
        once: true,
      });
      await deps.queue.enqueue({
        runId: run.id,
        records,
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      });
      deps.admission.queued(1);
      return run;
    }
    // Batches before the run row: a crash in between leaves unreferenced batches, never a run
    // with part of its records. Written a slice at a time so one statement stays small.
    const batches: { index: number; attempts: number }[] = [];
    if (streamed === undefined) {
      const all = toBatches(records, deps.batchSize);
      for (let start = 0; start < all.length; start += 100) {
        await store.insertRunBatches(run.id, all.slice(start, start + 100));
      }
      batches.push(...all.map((b) => ({ index: b.index, attempts: 0 })));
    } else {
      run.counts.total = await writeStreamedBatches(run.id, streamed, batches);
      requireRecords(run.counts.total);
    }
    await store.insertRun(run);
    const controller = new AbortController();
    controllers.set(run.id, controller);
    options.signal?.addEventListener("abort", () => void runs.cancel(run.id).catch(() => {}), { once: true });
    await enqueueDurable(run.id, batches);
    return run;
  }

  /**
   * Reads an async iterable into batches and writes them 100 at a time (backpressure: the next
   * records are read only after the store took the previous slice). Returns the record count.
   */
  async function writeStreamedBatches(
    runId: string,
    records: AsyncIterable<unknown>,
    written: { index: number; attempts: number }[],
  ): Promise<number> {
    let total = 0;
    let slice: NewRunBatch[] = [];
    let current: unknown[] = [];
    const close = (): void => {
      if (current.length === 0) return;
      slice.push({ index: written.length + slice.length, firstPosition: total, records: current });
      total += current.length;
      current = [];
    };
    const write = async (): Promise<void> => {
      if (slice.length === 0) return;
      await store.insertRunBatches(runId, slice);
      written.push(...slice.map((b) => ({ index: b.index, attempts: 0 })));
      slice = [];
    };
    for await (const record of records) {
      current.push(record);
      if (current.length >= deps.batchSize) close();
      if (slice.length >= 100) await write();
    }
    close();
    await write();
    return total;
  }

  /** Queues a durable run: one job per batch on a distributed queue, one job per run otherwise. */
  async function enqueueDurable(
    runId: string,
    indexes: readonly { index: number; attempts: number }[],
  ): Promise<void> {
    if (!deps.queue.distributed || indexes.length === 0) {
      if (inFlight.has(runId)) return;
      inFlight.add(runId);
      await deps.queue.enqueue({ runId });
      deps.admission.queued(1);
      return;
    }
    const jobs = indexes.map((b) => ({ runId, batch: b.index, attempt: b.attempts }));
    for (let start = 0; start < jobs.length; start += 500) {
      const slice = jobs.slice(start, start + 500);
      if (deps.queue.enqueueMany) await deps.queue.enqueueMany(slice);
      else for (const job of slice) await deps.queue.enqueue(job);
      deps.admission.queued(slice.length);
    }
  }

  const armedTimeouts = new Set<string>();
  /**
   * Picks up every unfinished durable run: batches no live worker holds are queued again (a
   * distributed queue drops the duplicates by job id), and approval timeouts are re-armed from
   * the events. Called on start and then periodically; returns how many runs it looked at.
   */
  async function resume(): Promise<number> {
    if (!deps.durable) return 0;
    let seen = 0;
    for (const status of ["QUEUED", "RUNNING"] as const) {
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ status, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const run of page.items) {
          seen += 1;
          const now = clock().getTime();
          const batches = await store.listRunBatches(run.id);
          const free = batches.filter(
            (b) => b.state === "PENDING" && (b.lease === undefined || Date.parse(b.lease.expiresAt) <= now),
          );
          // All DONE but not ended (its worker died before the final status): a run-wide job ends it.
          const unended = batches.every((b) => b.state === "DONE") && run.counts.waiting === 0;
          if (free.length > 0 || unended) await enqueueDurable(run.id, free);
          if (run.status === "RUNNING" && run.counts.waiting > 0) await rearmApprovals(run);
        }
        cursor = page.nextCursor;
      } while (cursor);
    }
    return seen;
  }

  async function rearmApprovals(run: Run): Promise<void> {
    const revision = await store.getRevision(run.blueprintId, run.revision);
    if (revision === undefined) return;
    for (const { request, wait } of pendingApprovals(await listApprovalEvents(store, run.id))) {
      const armed = `${run.id}/${request.seq}`;
      if (armedTimeouts.has(armed)) continue;
      const step = revision.body.steps.find((s) => s.id === request.step);
      if (step?.kind !== "approval" || step.timeoutMs === undefined) continue;
      armedTimeouts.add(armed);
      const left = Math.max(0, Date.parse(request.at) + step.timeoutMs - clock().getTime());
      armApprovalTimeout(run.id)({
        step: step.id,
        recordKey: wait.recordKey,
        timeoutMs: left,
        onTimeout: step.onTimeout,
      });
    }
  }

  const recordsOf = (options: StartRunOptions): unknown[] | AsyncIterable<unknown> => {
    if (options.records !== undefined && options.input !== undefined) {
      throw new ValidationError('give "records" or "input", not both', { path: "/input" });
    }
    if (options.records !== undefined && !Array.isArray(options.records) && !isAsyncIterable(options.records))
      throw new ValidationError("records must be an array or an async iterable", { path: "/records" });
    return options.records ?? (options.input === undefined ? [] : [options.input]);
  };

  const withoutPayload = (event: RunEvent): RunEvent => {
    if (!Object.hasOwn(event.data, RUN_EVENT_PAYLOAD)) return event;
    const { [RUN_EVENT_PAYLOAD]: _payload, ...data } = event.data;
    return { ...event, data };
  };

  async function resumeApproval(run: Run, signal: ApprovalSignal): Promise<Run> {
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
    let current = active.get(run.id);
    if (current === undefined) {
      // A process that did not start the run (a restart, another host) takes it over.
      const controller = controllers.get(run.id) ?? new AbortController();
      const { context } = await prepareRun(executorDeps(run.id), run, controller.signal);
      current = { context, controller, counts: { ...run.counts }, done: Promise.resolve() };
      active.set(run.id, current);
    }
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
        resume: {
          stepIndex: stepIndex + 1,
          value: wait.value,
          key: wait.key,
          recordKey: wait.recordKey,
        },
      });
      countOutcome(current.counts, outcome);
    } else {
      if (wait.key !== undefined) {
        await store.completeIdempotencyKey({
          scope: run.blueprintId,
          key: wait.key,
          owner: keyOwner(run.id, position),
          now: clock(),
          result: { outcome: "rejected", by: signal.by },
        });
      }
      countOutcome(current.counts, "rejected");
    }
    const settled = await settleRun(deps, current);
    notifySettled(run.id);
    if (current.counts.waiting === 0) {
      active.delete(run.id);
      controllers.delete(run.id);
    }
    return settled;
  }

  /** The approved revision's source (or trigger) connector, bound for calls. */
  async function bindTriggerSource(
    blueprintId: string,
    environmentName: string | undefined,
    side: "source" | "trigger",
  ): Promise<{ environment: Environment | undefined; source: BoundConnector; path: string }> {
    const blueprint = await store.getBlueprint(blueprintId);
    if (blueprint === undefined) throw new NotFoundError("blueprint", blueprintId);
    if (blueprint.approvedRevision === undefined) {
      throw new LifecycleError(
        "run",
        blueprint.status,
        `blueprint "${blueprintId}" has no approved revision to run`,
        {
          path: "/status",
        },
      );
    }
    const revision = await store.getRevision(blueprintId, blueprint.approvedRevision);
    if (revision === undefined)
      throw new NotFoundError("blueprint revision", `${blueprintId}@${blueprint.approvedRevision}`);
    const environment =
      environmentName === undefined
        ? undefined
        : await store.getEnvironment(blueprint.projectId, environmentName);
    if (environmentName !== undefined && environment === undefined)
      throw new NotFoundError("environment", environmentName);
    const useTrigger = side === "trigger" && revision.body.trigger.connector !== undefined;
    const path = useTrigger ? "/trigger/connector" : "/source/connector";
    const id = useTrigger ? revision.body.trigger.connector! : revision.body.source.connector;
    return {
      environment,
      source: await bindConnectorRef(deps, blueprint.projectId, id, environment, path),
      path,
    };
  }

  const runs: RunService = {
    async start(blueprintId, options = {}) {
      return createRun(blueprintId, recordsOf(options), { ...options, trigger: { kind: "api" } });
    },
    get: load,
    list: (filter) => store.listRuns(filter),
    async cancel(id) {
      const run = await updateRunWith(store, id, (current) =>
        isTerminal(current.status)
          ? undefined
          : {
              ...current,
              status: "CANCELLED",
              finishedAt: clock().toISOString(),
              updatedAt: clock().toISOString(),
            },
      );
      controllers.get(id)?.abort();
      notifySettled(id);
      return run;
    },
    async events(id, request = {}) {
      const { cursor, ...filter } = request;
      // A cursor is the `seq` of the page's last event: the same as `after`.
      if (cursor !== undefined) filter.after = parseEventCursor(cursor);
      // issue 16: `after` is compared with an `integer` column.
      checkStoreInt(filter.after, "after", "/after");
      await load(id);
      const limit = filter.limit ?? 100;
      // An event's payload is a run payload (an approval wait's record): never shown.
      const items = (await store.listRunEvents(id, { ...filter, limit })).map(withoutPayload);
      const last = items.at(-1);
      if (last === undefined || items.length < limit) return { items };
      // issue 18: a full page says nothing about the next one: look for one more event.
      const more = await store.listRunEvents(id, { ...filter, after: last.seq, limit: 1 });
      return more.length === 0 ? { items } : { items, nextCursor: String(last.seq) };
    },
    async metrics(id) {
      const run = await load(id);
      const current = active.get(id);
      return current ? current.context.metrics.snapshot(current.counts) : run.metrics;
    },
    async wait(id, options = {}) {
      const deadline =
        options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
      for (let delay = 10; ; delay = Math.min(delay * 2, WAIT_POLL_MAX_MS)) {
        const run = await load(id);
        const waitingOnly =
          options.untilWaiting &&
          run.status === "RUNNING" &&
          run.counts.waiting > 0 &&
          !active.get(id)?.controller.signal.aborted &&
          (await isLoopDone(id)) &&
          (!deps.durable || (await store.listRunBatches(id)).every((b) => b.state === "DONE"));
        // A polled run is SUCCEEDED in the store a moment before its cursor is: a caller that polls
        // again right after wait() must not read the same records twice.
        const cursorPending = run.status === "SUCCEEDED" && !deps.queue.distributed && cursors.has(id);
        if ((isTerminal(run.status) && !cursorPending) || waitingOnly) return run;
        if (Date.now() >= deadline)
          throw new SynapseError(
            ErrorCode.CONFLICT,
            `run "${id}" is still ${run.status} after ${options.timeoutMs} ms`,
          );
        await settledSignal(id, Math.min(delay, deadline - Date.now()));
      }
    },
    async signal(id, signal) {
      const run = await load(id);
      if (run.status !== "RUNNING")
        throw new ApprovalNotPendingError(
          `run "${id}" is ${run.status}: no record waits for approval`,
          "/status",
        );
      return resumeApproval(run, signal);
    },
    async ingest(blueprintId, event) {
      const records = ingestRecords(event);
      return createRun(blueprintId, records, {
        trigger: { kind: "webhook" },
        ...(event.idempotencyKey ? { idempotencyKey: event.idempotencyKey } : {}),
      });
    },
    async poll(blueprintId, options = {}) {
      const { environment, source } = await bindTriggerSource(blueprintId, options.environment, "source");
      if (source.connector.read === undefined) {
        throw new ValidationError(
          `source connector "${source.ref.id}" (type ${source.ref.type}) cannot read`,
          { path: "/source/connector" },
        );
      }
      // Refused before the source is read: records read now would only be read again later.
      await deps.admission.check();
      const max = options.maxRecords ?? 1000;
      const records: unknown[] = [];
      let cursor = options.fromStart ? undefined : await store.getCursor(sourceCursorScope(blueprintId));
      const context = {
        logger: deps.logger.child({ blueprintId, trigger: "poll" }),
        signal: AbortSignal.timeout(60_000),
        secrets: source.secrets,
        attempt: 1,
        environment: { name: environment?.name ?? "default", variables: environment?.variables ?? {} },
      };
      for await (const batch of source.connector.read(
        source.config,
        context,
        cursor === undefined ? {} : { cursor },
      )) {
        records.push(...batch.records);
        cursor = batch.cursor;
        if (records.length >= max) break;
      }
      if (records.length === 0) return undefined;
      const started = await createRun(blueprintId, records, {
        trigger: { kind: "poll" },
        ...(options.environment ? { environment: options.environment } : {}),
      });
      cursors.set(started.id, cursor);
      return started;
    },
    async cursor(blueprintId) {
      if ((await store.getBlueprint(blueprintId)) === undefined)
        throw new NotFoundError("blueprint", blueprintId);
      return store.getCursor(sourceCursorScope(blueprintId));
    },
    async subscribe(blueprintId, options = {}) {
      const { environment, source, path } = await bindTriggerSource(
        blueprintId,
        options.environment,
        "trigger",
      );
      if (source.connector.subscribe === undefined) {
        throw new ValidationError(
          `connector "${source.ref.id}" (type ${source.ref.type}) cannot subscribe: it is not a push source`,
          { path },
        );
      }
      const stop = new AbortController();
      const context = {
        logger: deps.logger.child({ blueprintId, trigger: "queue" }),
        signal: stop.signal,
        secrets: source.secrets,
        attempt: 1,
        environment: { name: environment?.name ?? "default", variables: environment?.variables ?? {} },
      };
      const subscription = await source.connector.subscribe(source.config, context, async (batch) => {
        if (batch.records.length === 0) return;
        const run = await createRun(blueprintId, batch.records, {
          trigger: { kind: "queue", detail: source.ref.id },
          ...(options.environment ? { environment: options.environment } : {}),
        });
        const done = await runs.wait(run.id);
        // Records that failed are dead letters here (replayable), so the batch is acknowledged;
        // only a run that never processed its records asks the source to deliver them again.
        if (done.status === "CANCELLED" || (done.status === "FAILED" && done.error !== undefined)) {
          throw new ConnectorError(`run "${run.id}" of the delivered batch ended ${done.status}`, {
            retryable: true,
          });
        }
      });
      return {
        async close() {
          stop.abort();
          await subscription.close();
        },
      };
    },
    async stats(blueprintId, options = {}) {
      const since = options.since?.toISOString() ?? "";
      const stats: BlueprintRunStats = {
        runs: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
        successRate: 0,
        records: 0,
      };
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ blueprintId, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const run of page.items) {
          if (run.createdAt < since) return finishStats(stats);
          stats.runs += 1;
          stats.records += run.counts.total;
          if (run.status === "SUCCEEDED") stats.succeeded += 1;
          if (run.status === "FAILED") stats.failed += 1;
          if (run.status === "CANCELLED") stats.cancelled += 1;
        }
        cursor = page.nextCursor;
      } while (cursor);
      return finishStats(stats);
    },
  };

  async function isLoopDone(id: string): Promise<boolean> {
    const current = active.get(id);
    if (current === undefined) return true;
    let done = false;
    await Promise.race([current.done.then(() => (done = true)), Promise.resolve()]);
    return done;
  }

  const deadLetters: DeadLetterService = {
    list: (filter) => store.listDeadLetters(filter),
    async get(id) {
      const found = await store.getDeadLetter(id);
      if (found === undefined) throw new NotFoundError("dead letter", id);
      return found;
    },
    async replay(selection) {
      const chosen: DeadLetter[] = [];
      if (Array.isArray(selection)) {
        for (const id of selection as readonly string[]) chosen.push(await deadLetters.get(id));
      } else {
        let cursor: string | undefined;
        do {
          const page = await store.listDeadLetters({
            ...(selection as DeadLetterFilter),
            limit: 500,
            ...(cursor ? { cursor } : {}),
          });
          chosen.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
      }
      if (chosen.length === 0) throw new ValidationError("no dead letters match the selection", { path: "" });
      const blueprints = new Set(chosen.map((dl) => dl.blueprintId));
      if (blueprints.size > 1)
        throw new ValidationError("a replay takes dead letters of one blueprint", { path: "" });
      const replayed = chosen.find((dl) => dl.replayedAt !== undefined);
      if (replayed)
        throw new ValidationError(
          `dead letter "${replayed.id}" was already replayed by run "${replayed.replayRunId}"`,
          { path: "" },
        );
      const purged = chosen.find((dl) => dl.recordPurgedAt !== undefined);
      if (purged)
        throw new ValidationError(
          `dead letter "${purged.id}" has no record to replay: retention purged it at ${purged.recordPurgedAt}`,
          { path: "" },
        );
      const run = await createRun(
        chosen[0]!.blueprintId,
        chosen.map((dl) => dl.record),
        {
          trigger: { kind: "replay", detail: chosen.map((dl) => dl.id).join(",") },
          replayOf: chosen[0]!.runId,
        },
      );
      await store.markDeadLettersReplayed(
        chosen.map((dl) => dl.id),
        run.id,
        clock(),
      );
      return run;
    },
  };

  const stopTimers = (): void => {
    for (const timer of approvalTimers) clearTimeout(timer);
    approvalTimers.clear();
  };
  return { runs, deadLetters, active, stopTimers, resume };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

async function collect(records: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** Where a blueprint's source cursor is stored. */
export function sourceCursorScope(blueprintId: string): string {
  return `${blueprintId}:source`;
}

function finishStats(stats: BlueprintRunStats): BlueprintRunStats {
  const ended = stats.succeeded + stats.failed;
  return { ...stats, successRate: ended === 0 ? 0 : stats.succeeded / ended };
}
