import type { Subscription } from "../connector";
import type { DeadLetter } from "../model/dead-letter";
import type { Run, RunEvent, RunMetrics } from "../model/run";
import type { DeadLetterFilter, Page, ParkedRecord, RunEventFilter, RunFilter } from "../store/types";
import type { IngestEvent } from "./create/run-input";

/**
 * Marks a run as fired by a schedule's tick (set by the scheduler): `detail` is
 * `<scheduleId>@<tick ISO>`, which lets a worker taking over the tick find a run already started.
 */
export interface ScheduleRunTrigger {
  kind: "schedule";
  detail: string;
}

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
  /**
   * A customer connection (`runtime.connections`): calls to its connector ref use the
   * connection's credentials, renewed after a 401; a BROKEN or REVOKED connection fails the run
   * at once with `ConnectionBrokenError` instead of burning retries.
   */
  connection?: string;
  /** The run's trigger when a schedule starts it; `{ kind: "api" }` otherwise. */
  trigger?: ScheduleRunTrigger;
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

/** What {@link RunService.events} takes: the store's filter and a page cursor. */
export interface RunEventPageRequest extends RunEventFilter {
  /** The `nextCursor` of the previous page (the `seq` of its last event; same as `after`). */
  cursor?: string;
}

/** A parked record as the run API shows it: when it runs again, after what (no payloads). */
export type ParkedRecordView = Pick<
  ParkedRecord,
  "runId" | "position" | "step" | "recordKey" | "attempts" | "dueAt" | "parkedAt" | "error"
>;

/** A run's parked records, soonest due first. */
export interface ParkedRecords {
  items: ParkedRecordView[];
  /** When the soonest is due; absent when none is parked. */
  nextAttemptAt?: string;
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
  /**
   * Stops new records promptly and aborts in-flight connector calls. Parked records are dropped
   * and their keys released, so a replay may run them again.
   */
  cancel(id: string): Promise<Run>;
  /**
   * The run's records parked until their next attempt (a retry waiting `parkAfterMs` or more),
   * soonest due first, with the time of the next attempt. `run.counts.parked` counts them.
   */
  parked(id: string): Promise<ParkedRecords>;
  /**
   * Makes the run's parked records (the one of `recordKey` when given) due now: they are resumed
   * at the next sweep of any worker, which this call wakes in this process.
   * @throws RecordNotParkedError (`RECORD_NOT_PARKED`) when no such record is parked.
   */
  retryNow(id: string, recordKey?: string): Promise<ParkedRecordView[]>;
  /**
   * Gives up the run's parked records (the one of `recordKey` when given): each becomes a dead
   * letter now (replayable) and the run ends when nothing else is left. A record being resumed
   * at that moment is left to its attempt.
   * @throws RecordNotParkedError when no such record is parked.
   */
  cancelParked(id: string, recordKey?: string, options?: { by?: string }): Promise<Run>;
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
   * Resolves when the run is SUCCEEDED, FAILED or CANCELLED (or RUNNING with only records waiting
   * for approval or parked until their next attempt, with `untilWaiting`). A run settled by this process wakes the waiter at once; one settled by
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
   * With `connection`, the source is read with that customer connection's credentials from the
   * cursor kept for (blueprint, connection), and the run uses the connection; a BROKEN or REVOKED
   * connection fails at once with `ConnectionBrokenError` and leaves the cursor where it was.
   * @example
   * ```ts
   * const run = await runtime.runs.poll(blueprintId, { connection: connectionId });
   * ```
   */
  poll(
    blueprintId: string,
    options?: {
      maxRecords?: number;
      environment?: string;
      fromStart?: boolean;
      trigger?: ScheduleRunTrigger;
      connection?: string;
    },
  ): Promise<Run | undefined>;
  /**
   * The source cursor `poll` stored for the blueprint (after its last successful run), or for
   * (blueprint, `connection`); undefined before any.
   */
  cursor(blueprintId: string, options?: { connection?: string }): Promise<unknown>;
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
