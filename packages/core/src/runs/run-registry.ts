import { cloneJson } from "../clone-json";
import type { Run } from "../model/run";
import type { PendingCreation } from "./create/pending-creation";
import type { ActiveRun } from "./execute/active-run";
import type { PreparedContexts } from "./execute/batch-executor";
import { RunController } from "./execute/run-controller";
import { unsettledRecords } from "./execute/run-counts";
import type { RecordContext } from "./records/record-context";

/** A one-record run this process created, kept for its executor (issue 21: no re-read). */
export interface HeldOneRecordRun {
  run: Run;
  record: unknown;
  /** Set while the run is not in the store yet: its executor writes it with its start. */
  creation?: PendingCreation;
}

/** Settled runs whose document is kept for `runs.wait` (the most recent ones). */
const SETTLED_KEPT = 1024;

/**
 * Everything this process holds about runs in memory, in one place: how to cancel them, the
 * in-memory runs being executed, poll cursors waiting for their run to succeed, callers waiting
 * for a run to settle, armed approval timeouts, durable runs' prepared contexts and the durable
 * runs with a job here. The store is the truth; this is what a process adds to it.
 */
export class RunRegistry implements PreparedContexts {
  private readonly controllers = new Map<string, RunController>();
  private readonly active = new Map<string, ActiveRun>();
  private readonly settleWaiters = new Map<string, Set<SettleWaiter>>();
  private readonly approvalTimers = new Set<NodeJS.Timeout>();
  private readonly armedApprovals = new Set<string>();
  private readonly contexts = new Map<string, Promise<RecordContext>>();
  private readonly durableJobs = new Set<string>();
  private readonly takeovers = new Map<string, Promise<ActiveRun>>();
  private readonly oneRecordRuns = new Map<string, HeldOneRecordRun | "executing">();
  private readonly settledRuns = new Map<string, Run>();

  /** Keeps a one-record run this process created for its executor here. */
  holdOneRecordRun(held: HeldOneRecordRun): void {
    this.oneRecordRuns.set(held.run.id, held);
  }

  /** The held one-record run, given out once: it is then executing here until `endOneRecordRun`. */
  takeOneRecordRun(runId: string): HeldOneRecordRun | undefined {
    const held = this.oneRecordRuns.get(runId);
    if (held === undefined || held === "executing") return undefined;
    this.oneRecordRuns.set(runId, "executing");
    return held;
  }

  /**
   * Fails the creation of every held run not yet written whose job never started (the queue
   * closed with it waiting): its creator throws `error`, and nothing of it is in the store.
   */
  abandonUnwrittenRuns(error: unknown): void {
    for (const [runId, held] of this.oneRecordRuns) {
      if (held === "executing" || held.creation === undefined) continue;
      held.creation.reject(error);
      this.oneRecordRuns.delete(runId);
    }
  }

  /** The one-record run's executor here is done (settled, or handed to the batch path). */
  endOneRecordRun(runId: string): void {
    this.oneRecordRuns.delete(runId);
  }

  /** Whether this process holds or executes the one-record run: it will wake its waiters. */
  settlesHere(runId: string): boolean {
    return this.oneRecordRuns.has(runId);
  }

  /**
   * Keeps the document a settled run was written with, for waiters (no read). A field, not a
   * method, so each job passes it on as it is instead of a closure made per job (issue 21).
   */
  readonly keepSettled = (run: Run): void => {
    this.settledRuns.delete(run.id);
    this.settledRuns.set(run.id, run);
    if (this.settledRuns.size > SETTLED_KEPT) this.settledRuns.delete(this.settledRuns.keys().next().value!);
  };

  /** The document this process wrote when the run settled, if it still keeps it. */
  settledRun(runId: string): Run | undefined {
    const run = this.settledRuns.get(runId);
    // A copy per waiter, as a read from the store would give.
    return run === undefined ? undefined : cloneJson(run);
  }

  /** The controller that cancels the run in this process (made on first use). */
  controllerFor(runId: string): RunController {
    let controller = this.controllers.get(runId);
    if (controller === undefined) {
      controller = new RunController();
      this.controllers.set(runId, controller);
    }
    return controller;
  }

  /** Aborts the run's work in this process, if any. */
  abort(runId: string): void {
    this.controllers.get(runId)?.abort();
  }

  /** The in-memory run this process executes (or took over for an approval). */
  activeRun(runId: string): ActiveRun | undefined {
    return this.active.get(runId);
  }

  setActive(runId: string, run: ActiveRun): void {
    this.active.set(runId, run);
  }

  /**
   * The in-memory run this process executes, or the one `takeOver` prepares here — once, however
   * many callers ask at the same time (parked records of one run resume side by side, and each
   * must count into the same run).
   */
  activeOrTakeOver(runId: string, takeOver: () => Promise<ActiveRun>): Promise<ActiveRun> {
    const active = this.active.get(runId);
    if (active !== undefined) return Promise.resolve(active);
    let pending = this.takeovers.get(runId);
    if (pending === undefined) {
      pending = takeOver().finally(() => this.takeovers.delete(runId));
      this.takeovers.set(runId, pending);
    }
    return pending;
  }

  /** Forgets the run's controller and in-memory state, unless records still wait or are parked. */
  releaseUnlessWaiting(runId: string): void {
    const run = this.active.get(runId);
    if (run === undefined || unsettledRecords(run.counts) === 0) {
      this.active.delete(runId);
      this.controllers.delete(runId);
    }
  }

  /** Wakes every caller waiting for the run to settle. */
  notifySettled(runId: string): void {
    for (const waiter of this.settleWaiters.get(runId) ?? []) waiter.wake();
    this.settleWaiters.delete(runId);
  }

  /** Resolves when the run settles in this process, or after `ms` at the latest. */
  settledOrAfter(runId: string, ms: number): Promise<void> {
    let waiters = this.settleWaiters.get(runId);
    if (waiters === undefined) {
      waiters = new Set();
      this.settleWaiters.set(runId, waiters);
    }
    const waiter = new SettleWaiter(waiters, ms);
    waiters.add(waiter);
    return waiter.settled;
  }

  /** Calls `fire` after `ms`, unless the runtime stops first; the timer keeps no process alive. */
  armApprovalTimer(ms: number, fire: () => void): void {
    const timer = setTimeout(() => {
      this.approvalTimers.delete(timer);
      fire();
    }, ms);
    timer.unref();
    this.approvalTimers.add(timer);
  }

  /** Marks a pending approval (`runId/seq`) as armed; false when it already was. */
  markApprovalArmed(id: string): boolean {
    if (this.armedApprovals.has(id)) return false;
    this.armedApprovals.add(id);
    return true;
  }

  /** Clears every armed approval timeout (the runtime is closing). */
  stopTimers(): void {
    for (const timer of this.approvalTimers) clearTimeout(timer);
    this.approvalTimers.clear();
  }

  contextFor(runId: string, prepare: () => Promise<RecordContext>): Promise<RecordContext> {
    let prepared = this.contexts.get(runId);
    if (prepared === undefined) {
      prepared = prepare();
      this.contexts.set(runId, prepared);
      // A failed preparation is made again by the next batch.
      prepared.catch(() => this.contexts.delete(runId));
    }
    return prepared;
  }

  forgetContext(runId: string): void {
    this.contexts.delete(runId);
  }

  /**
   * Notes that this process queued a run-wide job for the durable run, so a sweep does not queue
   * it twice; false when the run has one (or a job of it runs here) already.
   */
  claimRunWideJob(runId: string): boolean {
    if (this.durableJobs.has(runId)) return false;
    this.durableJobs.add(runId);
    return true;
  }

  /**
   * Notes that a job of the durable run (run-wide or one batch) runs here. Only a run-wide job's
   * end releases the note (as before the rebuild; see docs/architecture-runs.md, known gaps).
   */
  markDurableJob(runId: string): void {
    this.durableJobs.add(runId);
  }

  /** The run-wide job of the durable run ended: a sweep may queue it again. */
  releaseRunWideJob(runId: string): void {
    this.durableJobs.delete(runId);
  }
}

/**
 * A caller waiting for a run to settle, woken by the run or after its time. A class, not named
 * closures per wait: the build keeps function names (keepNames), a cost per run (issue 21).
 */
class SettleWaiter {
  readonly settled: Promise<void>;
  #resolve!: () => void;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly waiters: Set<SettleWaiter>,
    ms: number,
  ) {
    this.settled = new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
    this.#timer = setTimeout(wakeWaiter, ms, this);
  }

  wake(): void {
    clearTimeout(this.#timer);
    this.waiters.delete(this);
    this.#resolve();
  }
}

function wakeWaiter(waiter: SettleWaiter): void {
  waiter.wake();
}
