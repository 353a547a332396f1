import { LeaseLostError } from "../../errors";
import type { Run } from "../../model/run";
import type { IdempotencyOutcome, OneRecordStarted, Store } from "../../store/types";
import { withResolvers } from "../../with-resolvers";
import { keyClaim } from "../idempotency/claim-key";
import { keyOwner, payloadHashOf, recordIdempotencyKey } from "../idempotency/idempotency-key";
import { forEachFairly } from "../limits/fair-dispatch";
import type { RecordContext, RecordOutcome } from "../records/record-context";
import { processRecord } from "../records/record-pipeline";
import type { HeldOneRecordRun } from "../run-registry";
import { type BatchExecutorDeps, executeBatches } from "./batch-executor";
import { handBackBatch, runLeasedRecords } from "./leased-batch";
import { prepareRun } from "./run-context";
import type { RunController } from "./run-controller";
import { addCounts, countOutcome, finalStatus, unsettledRecords, zeroCounts } from "./run-counts";
import type { RunJob } from "./run-queue";
import { cancelRun, isTerminal } from "./run-state";

// The one-record path (issue 21, docs/architecture-runs.md): the executor of the process that
// created a single-record run (durable, or kept in memory on the memory store) takes it from the registry and makes the batch path's
// state changes in two writes — start (RUNNING, batch lease, key claim, run.started; with the
// run's own insert when its creator left that here) and finish (key completion, batch DONE, run
// counts and status, events). Whatever it cannot do that way it
// hands to the batch path, which carries on from the same rows.

/** What the one-record executor needs beyond the batch executor's deps. */
export interface OneRecordExecutorDeps extends BatchExecutorDeps {
  /** Told of the run as its finish ended it (waiters here take it without a read). */
  onSettled: (run: Run) => void;
  /**
   * Whether a run handed back is resumed later (durable runs: the resume sweep). A run kept in
   * memory is not: aborted here (the runtime closing), it ends CANCELLED, as the in-memory
   * executor ends it.
   */
  durable: boolean;
}

/** Thrown inside a start that took nothing, so its events go back unwritten. */
const NOT_STARTED = Symbol("not started");
/** A start that took nothing because the plan's connector refs changed. */
const REFS_CHANGED = Symbol("refs changed");
/** A start with the run's write that wrote nothing: the blueprint's approved revision changed. */
const NOT_APPROVED = Symbol("not approved");

/**
 * Executes a one-record run held by this process. A run this path cannot start (the run was
 * cancelled, its batch taken by a sweep, its plan not made) goes to `executeBatches` instead.
 */
export async function executeOneRecordRun(
  deps: OneRecordExecutorDeps,
  held: HeldOneRecordRun,
  job: RunJob,
  controller: RunController,
): Promise<void> {
  const { run } = held;
  let context: RecordContext;
  try {
    context = await deps.contexts.contextFor(run.id, () =>
      prepareRun(deps, run, controller.signal, { keptPlan: true }),
    );
  } catch {
    // The batch path fails the run, or leaves it to a retry on a store outage, as for any run.
    if (!(await writeHeldRun(deps, held))) return;
    return executeBatches(deps, job, controller);
  }
  const started = await start(deps, context, held).catch((error: unknown) => {
    deps.contexts.forgetContext(run.id);
    throw error;
  });
  if (started === NOT_APPROVED) {
    deps.contexts.forgetContext(run.id);
    return;
  }
  if (started === REFS_CHANGED) {
    // A ref was put again (here or by another process) since the plan was bound: the batch
    // path binds it afresh, and the next run keeps the new plan.
    deps.plans?.forget(context.plan);
    deps.contexts.forgetContext(run.id);
    if (!(await writeHeldRun(deps, held))) return;
  }
  if (started === undefined || started === REFS_CHANGED) return executeBatches(deps, job, controller);
  await runAndFinish(deps, context, held, started, controller);
}

/**
 * Writes a held run its creator left unwritten (create-run's `createWithStart`) on its own, for
 * the batch path to carry on from, and tells the creator.
 * @returns false when the blueprint's guard refused it: nothing is written, nothing to run.
 */
async function writeHeldRun(deps: OneRecordExecutorDeps, { run, record, creation }: HeldOneRecordRun) {
  if (creation === undefined || !creation.open) return true;
  try {
    const created = await deps.store.oneRecordRuns!.createOneRecordRun(run, record);
    creation.resolve(created);
    return created;
  } catch (error) {
    creation.reject(error);
    throw error;
  }
}

/**
 * The start write (with the run's, when its creator left that here); undefined when the run is
 * not QUEUED or its batch is leased elsewhere.
 */
async function start(
  deps: OneRecordExecutorDeps,
  context: RecordContext,
  { run, record, creation }: HeldOneRecordRun,
): Promise<
  (OneRecordStarted & { key: string | undefined }) | typeof REFS_CHANGED | typeof NOT_APPROVED | undefined
> {
  let key: string | undefined;
  try {
    key = await recordIdempotencyKey(context.plan, {
      record,
      position: 0,
      ...(run.idempotencyKey ? { callerKey: run.idempotencyKey } : {}),
    });
  } catch {
    // The record reports its invalid key itself when it runs.
  }
  const claim =
    key === undefined ? undefined : keyClaim(context, keyOwner(run.id, 0), key, payloadHashOf(record));
  const connectorRefs = deps.plans?.versionsOf(context.plan);
  const startedEvent = context.events.closing("info", "run.started", {
    records: run.counts.total,
    revision: run.revision,
    dryRun: run.dryRun,
  });
  try {
    const oneRecordRuns = deps.store.oneRecordRuns!;
    const withCreate = creation?.open === true;
    const started = await context.events.writeWith(
      async (events) => {
        const startArgs = {
          owner: deps.workerId,
          leaseMs: deps.batchLeaseMs,
          now: deps.clock(),
          ...(claim === undefined ? {} : { claim }),
          ...(connectorRefs === undefined ? {} : { connectorRefs }),
          events,
        };
        const taken = withCreate
          ? await oneRecordRuns.createStartedOneRecordRun!(run, record, startArgs)
          : await oneRecordRuns.startOneRecordRun({ runId: run.id, ...startArgs });
        if (taken === undefined) throw NOT_STARTED;
        if (taken === "refsChanged") throw REFS_CHANGED;
        if (taken === "notApproved") throw NOT_APPROVED;
        return taken;
      },
      [startedEvent],
    );
    creation?.resolve(true);
    return { ...started, key };
  } catch (error) {
    if (error === NOT_STARTED) return undefined;
    if (error === REFS_CHANGED) return REFS_CHANGED;
    if (error === NOT_APPROVED) {
      creation?.resolve(false);
      return NOT_APPROVED;
    }
    // Nothing was written (the statement failed): the creator throws it; the run never was.
    creation?.reject(error);
    throw error;
  }
}

/** The record through the pipeline, then the finish write (or the batch handed back). */
async function runAndFinish(
  deps: OneRecordExecutorDeps,
  context: RecordContext,
  { run, record }: HeldOneRecordRun,
  started: OneRecordStarted & { key: string | undefined },
  runController: RunController,
): Promise<void> {
  const lease = { runId: run.id, index: 0 };
  const completion = capturedCompletion(context.store);
  const counts = zeroCounts();
  const end = await runLeasedRecords(deps, context, lease, runController, counts, async (signal) => {
    const recordContext: RecordContext = {
      ...context,
      store: completion.store,
      signal,
      // The completion is written by the finish below; the pipeline need not wait for it.
      deferCompletion: ignoreRejection,
    };
    // Record limits hold the record until its keys let it start, as in a batch.
    const fairness = { limiter: deps.recordLimiter, run, signal };
    await forEachFairly([record], 1, fairness, async () => {
      const outcome: RecordOutcome = await processRecord(recordContext, {
        record,
        position: 0,
        batch: 0,
        ...(run.idempotencyKey ? { callerKey: run.idempotencyKey } : {}),
        ...(started.claim && started.key !== undefined
          ? { claim: { key: started.key, result: started.claim } }
          : {}),
      });
      countOutcome(counts, outcome);
    });
  });
  if (end.aborted) {
    // As a batch is handed back: an outcome the record reached is still stored.
    try {
      await handBackBatch(deps, context, lease, end, () => completion.writeAlone());
      if (!deps.durable && runController.signal.aborted) await cancelRun(deps.store, run.id, deps.clock());
    } finally {
      deps.contexts.forgetContext(run.id);
    }
    return;
  }
  await finish(deps, context, run, counts, completion);
}

/** The finish write; a key or batch lost meanwhile hands the batch back (LeaseLostError). */
async function finish(
  deps: OneRecordExecutorDeps,
  context: RecordContext,
  run: Run,
  batchCounts: ReturnType<typeof zeroCounts>,
  completion: CapturedCompletion,
): Promise<void> {
  const counts = addCounts(run.counts, batchCounts);
  const settled = unsettledRecords(counts) === 0;
  const status = settled ? finalStatus(counts) : "RUNNING";
  const closing = settled
    ? [context.events.closing(status === "SUCCEEDED" ? "info" : "warn", "run.finished", { status, counts })]
    : [];
  try {
    const written = await context.events.writeWith(async (events) => {
      const finished = await deps.store.oneRecordRuns!.finishOneRecordRun({
        runId: run.id,
        owner: deps.workerId,
        now: deps.clock(),
        ...(completion.outcome === undefined ? {} : { completion: completion.outcome }),
        batchCounts,
        counts,
        status,
        metrics: context.metrics.snapshot(counts),
        events,
      });
      if (finished.outcome !== "finished")
        throw new LeaseLostError(`run "${run.id}" batch 0 or its record's key`, deps.workerId);
      return finished.run;
    }, closing);
    completion.settle(undefined);
    deps.contexts.forgetContext(run.id);
    if (isTerminal(written.status)) deps.onSettled(written);
  } catch (error) {
    completion.settle(error);
    // Handed back whole: the batch path (a resume) re-runs it, and a completed key is found.
    await deps.store.releaseRunBatch(run.id, 0, deps.workerId).catch(() => {});
    await context.events.flush().catch(() => {});
    deps.contexts.forgetContext(run.id);
    throw error;
  }
}

/** The record's key completion, taken from the pipeline to be written with the finish. */
interface CapturedCompletion {
  /** The store the record runs with: its `completeIdempotencyKey` is captured. */
  store: Store;
  outcome: IdempotencyOutcome | undefined;
  /** Settles the completion the pipeline holds: written (no error) or not. */
  settle(error: unknown): void;
  /** Writes the captured completion on its own (the finish will not run). */
  writeAlone(): Promise<void>;
}

/** Leaves a completion the finish writes to settle on its own (its failure is the finish's). */
function ignoreRejection(pending: Promise<unknown>): void {
  pending.catch(noop);
}

function noop(): void {}

/**
 * Each store's methods bound once (a `WeakMap` per store), not on every call through a
 * captured completion's proxy: a bound function made per property read was a cost per run.
 */
const boundMethods = new WeakMap<Store, Map<PropertyKey, unknown>>();

function boundMethodOf(store: Store, property: PropertyKey, value: unknown): unknown {
  if (typeof value !== "function") return value;
  let bound = boundMethods.get(store);
  if (bound === undefined) {
    bound = new Map();
    boundMethods.set(store, bound);
  }
  let method = bound.get(property);
  if (method === undefined) {
    method = value.bind(store);
    bound.set(property, method);
  }
  return method;
}

/** The proxy's handler: `completeIdempotencyKey` is the captured one, the rest the store's. */
class CaptureCompletion implements ProxyHandler<Store> {
  constructor(private readonly complete: (outcome: IdempotencyOutcome) => Promise<void>) {}

  get(target: Store, property: PropertyKey, receiver: unknown): unknown {
    if (property === "completeIdempotencyKey") return this.complete;
    return boundMethodOf(target, property, Reflect.get(target, property, receiver));
  }
}

function capturedCompletion(store: Store): CapturedCompletion {
  const { promise: pending, resolve, reject } = withResolvers<void>();
  pending.catch(noop);
  const captured: CapturedCompletion & { capture(outcome: IdempotencyOutcome): Promise<void> } = {
    outcome: undefined,
    store,
    capture(outcome) {
      captured.outcome = outcome;
      return pending;
    },
    settle(error) {
      if (error === undefined) resolve();
      else reject(error);
    },
    async writeAlone() {
      if (captured.outcome === undefined) return;
      try {
        await store.completeIdempotencyKey(captured.outcome);
        resolve();
      } catch (error) {
        reject(error);
        throw error;
      }
    },
  };
  captured.store = new Proxy(store, new CaptureCompletion(captured.capture));
  return captured;
}
