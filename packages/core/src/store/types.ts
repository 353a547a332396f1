import type { ConnectionFilter, PendingAuthorization, StoredConnection } from "../connections/connection";
import type { Artifact } from "../model/artifact";
import type { AuditEntry } from "../model/audit";
import type { Blueprint, BlueprintRevision, BlueprintStatus } from "../model/blueprint";
import type { ConnectorRef } from "../model/connector-ref";
import type { DeadLetter } from "../model/dead-letter";
import type { Environment } from "../model/environment";
import type { IdempotencyRecord } from "../model/idempotency";
import type { Project } from "../model/project";
import type {
  NewRunEvent,
  Run,
  RunCounts,
  RunEvent,
  RunEventLevel,
  RunStatus,
  StoredError,
} from "../model/run";
import type { TestRun } from "../model/test-run";
import type { Trace } from "../model/trace";
import type { LimitBackend } from "../runs/limits/limit-backend";
import type { Schedule, ScheduleFire, ScheduleFireState } from "../schedules/schedule";

/** Cursor pagination: pass a page's `nextCursor` back to get the next page. */
export interface PageRequest {
  /**
   * Items per page.
   * @default 50
   */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** Filters of {@link BlueprintStore.listBlueprints}. */
export interface BlueprintFilter extends PageRequest {
  status?: BlueprintStatus;
}

/** Filters of {@link BlueprintStore.listAudit}. */
export interface AuditFilter extends PageRequest {
  entityId?: string;
  projectId?: string;
}

/** A change of a blueprint's head record, applied only if nobody changed it since `expectedVersion`. */
export interface BlueprintWrite {
  blueprint: Blueprint;
  /** The `version` the caller read; a different stored version is a ConflictError. */
  expectedVersion: number;
  /** A new revision written with the change; an existing (blueprintId, revision) is a ConflictError. */
  revision?: BlueprintRevision;
  audit: AuditEntry;
}

/**
 * The port for the design-time model: projects, environments, connector refs, blueprints,
 * revisions, the audit log and artifacts. Every write is atomic with its audit entry: a rejected
 * write changes nothing. Audit entry ids are unique (a reused id is a ConflictError).
 */
export interface BlueprintStore {
  /** @throws ConflictError when the id exists. */
  insertProject(project: Project, audit: AuditEntry): Promise<void>;
  /** @throws NotFoundError when the project does not exist. */
  updateProject(project: Project, audit: AuditEntry): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  /** Oldest first. */
  listProjects(page?: PageRequest): Promise<Page<Project>>;

  /** Creates or replaces the environment `(projectId, name)`. */
  putEnvironment(environment: Environment, audit: AuditEntry): Promise<void>;
  getEnvironment(projectId: string, name: string): Promise<Environment | undefined>;
  listEnvironments(projectId: string): Promise<Environment[]>;
  /** @throws NotFoundError when it does not exist. */
  deleteEnvironment(projectId: string, name: string, audit: AuditEntry): Promise<void>;

  /** Creates or replaces a connector ref (by id). */
  putConnectorRef(ref: ConnectorRef, audit: AuditEntry): Promise<void>;
  getConnectorRef(id: string): Promise<ConnectorRef | undefined>;
  listConnectorRefs(projectId: string): Promise<ConnectorRef[]>;
  /** @throws NotFoundError when it does not exist. */
  deleteConnectorRef(id: string, audit: AuditEntry): Promise<void>;

  /** Creates a blueprint with its first revision. @throws ConflictError when the id exists. */
  insertBlueprint(blueprint: Blueprint, revision: BlueprintRevision, audit: AuditEntry): Promise<void>;
  /** Compare-and-set on `version`. @throws ConflictError, NotFoundError. */
  saveBlueprint(write: BlueprintWrite): Promise<void>;
  getBlueprint(id: string): Promise<Blueprint | undefined>;
  /** Oldest first. */
  listBlueprints(projectId: string, filter?: BlueprintFilter): Promise<Page<Blueprint>>;
  getRevision(blueprintId: string, revision: number): Promise<BlueprintRevision | undefined>;
  /** Oldest revision first. */
  listRevisions(blueprintId: string, page?: PageRequest): Promise<Page<BlueprintRevision>>;

  /** Oldest first. */
  listAudit(filter?: AuditFilter): Promise<Page<AuditEntry>>;

  insertArtifact(artifact: Artifact, audit: AuditEntry): Promise<void>;
  getArtifact(id: string): Promise<Artifact | undefined>;
  /** Oldest first. */
  listArtifacts(blueprintId: string, page?: PageRequest): Promise<Page<Artifact>>;
}

/** Filters of {@link RunStore.listRuns}. */
export interface RunFilter extends PageRequest {
  blueprintId?: string;
  projectId?: string;
  status?: RunStatus;
  /** Only the run started with this idempotency key (a single-record run's own key). */
  idempotencyKey?: string;
  /** Only runs that logged an event for this record key (a record's idempotency key, or `#<position>`). */
  recordKey?: string;
}

/**
 * The key of a run event's `data` that holds a run payload: what the runtime needs to resume a
 * record (an approval wait's record value, idempotency key and record key), kept as given — not
 * through the value detectors — because it must be exact. It is a run payload like a batch's
 * records: encoded at rest by a payload codec, removed by {@link RunStore.purgeRunPayloads}, and
 * never returned by `runs.events` nor logged. Stores keep it like any other `data` member.
 */
export const RUN_EVENT_PAYLOAD = "$payload";

/** Filters of {@link RunStore.listRunEvents}. */
export interface RunEventFilter {
  /** Only events with a larger `seq`. */
  after?: number;
  /** Only events at this level or more severe. */
  level?: RunEventLevel;
  step?: string;
  /** Only events of this record (its key, or `#<position>`, as the events name it). */
  recordKey?: string;
  /** Only events of this type (`record.steps`: the step traces). */
  type?: string;
  /** Events at most, from 1 to 500. @default 100 */
  limit?: number;
}

/** Filters of {@link RunStore.listDeadLetters}. */
export interface DeadLetterFilter extends PageRequest {
  runId?: string;
  blueprintId?: string;
  /** `false`: only those not replayed yet. */
  replayed?: boolean;
  /** Only those whose error has this `code` (`HTTP_422`, `MAPPING_FAILED`…). */
  errorCode?: string;
  /** Only those created at or after this instant. */
  since?: Date;
  /** Only those created before this instant. */
  until?: Date;
}

/** A request to claim an idempotency key for one execution. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  payloadHash: string;
  /** Who claims it (a worker id); only the owner may complete or fail it. */
  owner: string;
  /** How long the claim holds without a renewal. */
  leaseMs: number;
  /** How long the record is kept after it is written. */
  ttlMs: number;
  now: Date;
}

/**
 * What a claim found:
 * - `claimed`: go ahead (new key, a FAILED one, an expired record or an expired lease);
 * - `completed`: done before with the same payload, here is the recorded result;
 * - `conflict`: the key was used with a different payload;
 * - `in_progress`: someone else holds a live lease.
 */
export type IdempotencyClaimResult =
  | { outcome: "claimed"; record: IdempotencyRecord }
  | { outcome: "completed"; record: IdempotencyRecord }
  | { outcome: "conflict"; record: IdempotencyRecord }
  | { outcome: "in_progress"; record: IdempotencyRecord };

/** The outcome written by the key's owner. */
export interface IdempotencyOutcome {
  scope: string;
  key: string;
  owner: string;
  now: Date;
  result?: unknown;
  error?: StoredError;
}

/**
 * A store capability: completing an idempotency key on a connection the caller holds, inside a
 * transaction the caller opened and commits, so a target in the same database commits its write
 * and the key's completion together (exactly-once). The PostgreSQL store has it.
 */
export interface TransactionalIdempotency {
  /** The engine whose connections `client` must be (`postgres`: a `pg` client or pool client). */
  readonly engine: string;
  /** Whether `client` reaches the store's own database (same server, database and tables). */
  sameDatabase(client: unknown): Promise<boolean>;
  /**
   * Marks the key COMPLETED through `client`, in its open transaction; nothing is visible before
   * the caller commits. @throws ConflictError when the owner no longer holds the key (roll back).
   */
  completeIdempotencyKeyWith(client: unknown, outcome: IdempotencyOutcome): Promise<void>;
}

/** A request to take or renew a run's lease. */
export interface RunLeaseRequest {
  runId: string;
  owner: string;
  leaseMs: number;
  now: Date;
}

/** A new slice of a run's records, written by {@link RunStore.insertRunBatches}. */
export interface NewRunBatch {
  /** 0, 1, 2… within the run. */
  index: number;
  /** Position in the run of the batch's first record (positions name idempotency owners). */
  firstPosition: number;
  records: unknown[];
}

/**
 * A slice of a durable run's records: the unit workers claim, lease and complete. A batch is
 * `PENDING` until its worker completes it (`DONE`, with the counts of its records).
 */
export interface RunBatch extends NewRunBatch {
  runId: string;
  state: "PENDING" | "DONE";
  /** Claims so far: more than 1 means a worker died or released it. */
  attempts: number;
  lease?: { owner: string; expiresAt: string };
  /** What its records came to; set when DONE. */
  counts?: RunCounts;
}

/** A batch without its records, as {@link RunStore.listRunBatches} lists them. */
export type RunBatchSummary = Omit<RunBatch, "records"> & { size: number };

/** A request to claim or renew a batch's lease. */
export interface RunBatchLeaseRequest {
  runId: string;
  index: number;
  owner: string;
  leaseMs: number;
  now: Date;
}

/** The end of a batch: its counts, written only by the owner of its lease. */
export interface RunBatchCompletion {
  runId: string;
  index: number;
  owner: string;
  counts: RunCounts;
  now: Date;
}

/** What {@link RunStore.purgeRunPayloads} changed. */
export interface RunPayloadPurge {
  /** Run batches whose records were removed. */
  runBatches: number;
  /** Dead letters whose record was removed. */
  deadLetters: number;
  /** Idempotency records whose result was removed. */
  idempotencyResults: number;
  /** Run events whose {@link RUN_EVENT_PAYLOAD} was removed (approval waits of finished runs). */
  runEvents: number;
}

/**
 * The port for execution state: runs, their events, idempotency records, dead letters and sync
 * cursors. Designed for many workers: leases expire, writes are compare-and-set.
 */
export interface RunStore {
  /** @throws ConflictError when the id exists. */
  insertRun(run: Run): Promise<void>;
  /** Compare-and-set on `version`. @throws ConflictError, NotFoundError. */
  updateRun(run: Run, expectedVersion: number): Promise<void>;
  getRun(id: string): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<Page<Run>>;
  /**
   * Takes the run's lease when it is free, expired or already the owner's (a renewal), and
   * returns the run with it; `undefined` when another owner holds a live lease.
   */
  acquireRunLease(request: RunLeaseRequest): Promise<Run | undefined>;
  /** Drops the owner's lease; a no-op when someone else holds it. */
  releaseRunLease(runId: string, owner: string): Promise<void>;

  /** Stores a run's records in batches. @throws ConflictError when a batch index exists. */
  insertRunBatches(runId: string, batches: readonly NewRunBatch[]): Promise<void>;
  /**
   * Takes a PENDING batch's lease when it is free, expired or the owner's, counting an attempt;
   * `undefined` when the batch is DONE, unknown, or leased live to another owner.
   */
  claimRunBatch(request: RunBatchLeaseRequest): Promise<RunBatch | undefined>;
  /** Extends the owner's lease (a heartbeat); `false` when the owner lost it or the batch is DONE. */
  renewRunBatchLease(request: RunBatchLeaseRequest): Promise<boolean>;
  /** Drops the owner's lease so another worker may claim the batch at once; a no-op otherwise. */
  releaseRunBatch(runId: string, index: number, owner: string): Promise<void>;
  /**
   * Marks the owner's batch DONE with its counts and, atomically with it, rewrites the run with
   * `change(run, remaining)` (`remaining`: batches still PENDING; the store bumps `version`).
   * Returns `undefined`, changing nothing, when the owner no longer holds the batch.
   */
  completeRunBatch(
    completion: RunBatchCompletion,
    change: (run: Run, remaining: number) => Run,
  ): Promise<{ run: Run; remaining: number } | undefined>;
  /** The run's batches in index order, without their records. */
  listRunBatches(runId: string): Promise<RunBatchSummary[]>;

  /** Appends events and numbers them 1, 2, 3… per run in the order given. */
  appendRunEvents(runId: string, events: readonly NewRunEvent[]): Promise<RunEvent[]>;
  /** In `seq` order. */
  listRunEvents(runId: string, filter?: RunEventFilter): Promise<RunEvent[]>;

  /** Present when keys can be completed inside a target's own transaction (see the type). */
  readonly transactionalIdempotency?: TransactionalIdempotency;
  /** Present when single-record durable runs can take the three-write path (see the type). */
  readonly oneRecordRuns?: OneRecordRunStore;
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyClaimResult>;
  /** Extends the owner's lease. @throws ConflictError when the owner lost it. */
  renewIdempotencyLease(
    claim: Pick<IdempotencyClaim, "scope" | "key" | "owner" | "leaseMs" | "now">,
  ): Promise<void>;
  /**
   * Marks COMPLETED with the result. Resolves once written, with nothing: read a key's record
   * through a claim or `getIdempotencyRecord`. Issue 21: sending every document back cost a bulk
   * run bytes and parsing that nobody used. @throws ConflictError when the owner lost the lease.
   */
  completeIdempotencyKey(outcome: IdempotencyOutcome): Promise<void>;
  /** Marks FAILED: the next claim may run it again. @throws ConflictError when the owner lost it. */
  failIdempotencyKey(outcome: IdempotencyOutcome): Promise<void>;
  getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Deletes records whose `expiresAt` is past; returns how many. */
  purgeExpiredIdempotencyRecords(now: Date): Promise<number>;

  /**
   * Retention of run payloads: removes what records and results remain of work older than
   * `before` — the records of run batches whose run finished before it, the records of dead
   * letters created before it (they get `recordPurgedAt` and can no longer be replayed), the
   * results of idempotency records last written before it, and the {@link RUN_EVENT_PAYLOAD} of
   * the events of runs finished before it. Ids, states, counts, errors, events and keys stay.
   * Returns what it changed; a second call with the same date changes nothing.
   */
  purgeRunPayloads(before: Date): Promise<RunPayloadPurge>;

  insertDeadLetter(deadLetter: DeadLetter): Promise<void>;
  getDeadLetter(id: string): Promise<DeadLetter | undefined>;
  /** Oldest first. */
  listDeadLetters(filter?: DeadLetterFilter): Promise<Page<DeadLetter>>;
  /** Marks dead letters as replayed by a run. */
  markDeadLettersReplayed(ids: readonly string[], replayRunId: string, at: Date): Promise<void>;

  /** A source's stored sync position. */
  getCursor(scope: string): Promise<unknown>;
  putCursor(scope: string, value: unknown): Promise<void>;
}

// --- One-record runs (issue 21): kept in their own block. ---

/** The start of a one-record run, written by {@link OneRecordRunStore.startOneRecordRun}. */
export interface OneRecordStart {
  runId: string;
  /** The worker taking the run's single batch (index 0). */
  owner: string;
  /** How long the batch lease holds. */
  leaseMs: number;
  now: Date;
  /** The record's key claim: taken here only when the key is new (see the result). */
  claim?: IdempotencyClaim;
  /** Events to append after what the run logged so far (`run.started`), in order. */
  events: readonly NewRunEvent[];
  /**
   * The connector refs the run's plan was bound from, at the versions it was bound at
   * ({@link OneRecordRunStore.connectorRefVersions}): the start writes nothing and answers
   * `"refsChanged"` when one of them was put again or deleted since.
   */
  connectorRefs?: readonly ConnectorRefVersion[];
}

/** A connector ref's version: bumped by every `putConnectorRef` (issue 21). */
export interface ConnectorRefVersion {
  id: string;
  version: number;
}

/**
 * What {@link OneRecordRunStore.startOneRecordRun} took: the run is RUNNING and its batch leased
 * to the owner (neither is sent back: the executor holds both already).
 */
export interface OneRecordStarted {
  /**
   * The claim's result when the key was new; absent when the key exists already (the caller
   * decides it the usual way, `claimIdempotencyKey`) or no claim was asked.
   */
  claim?: IdempotencyClaimResult;
}

/** The end of a one-record run, written by {@link OneRecordRunStore.finishOneRecordRun}. */
export interface OneRecordFinish {
  runId: string;
  /** The owner of the batch lease (and, through the record's owner, of the key). */
  owner: string;
  now: Date;
  /** The record's key completion, when the record left one to store. */
  completion?: IdempotencyOutcome;
  /** The batch's counts (its one record's outcome). */
  batchCounts: RunCounts;
  /** The run's counts after the batch. */
  counts: RunCounts;
  /** RUNNING while a record waits or is parked; otherwise the final status. */
  status: RunStatus;
  metrics?: Run["metrics"];
  /** Events to append after what the run logged so far, in order (`run.finished` last). */
  events: readonly NewRunEvent[];
}

/**
 * What {@link OneRecordRunStore.finishOneRecordRun} did: `finished` with the run as written (a
 * document the caller must not change: the memory store hands over the one it keeps);
 * `keyLost` when the owner no longer held the key (nothing was written); `batchLost` when the
 * key was completed but the batch lease was lost (another worker re-runs the batch and finds
 * the key completed by this record).
 */
export type OneRecordFinished =
  | { outcome: "finished"; run: Run }
  | { outcome: "keyLost" }
  | { outcome: "batchLost" };

/**
 * A store capability (issue 21): a single-record durable run in three writes — create, start,
 * finish (two where the store can create it started) — instead of the dozen of the batch path. Each method makes exactly the state change
 * the batch path makes in several calls, so a crash between two of them leaves rows the resume
 * sweep and the batch executor carry on from. The memory and PostgreSQL stores have it.
 */
export interface OneRecordRunStore {
  /**
   * Inserts the QUEUED run and its one batch (index 0, records `[record]`) atomically, only if
   * the run's blueprint still names `run.revision` as approved and is not archived.
   * @returns false, writing nothing, when that guard fails.
   * @throws ConflictError when the run id exists.
   */
  createOneRecordRun(run: Run, record: unknown): Promise<boolean>;
  /**
   * Atomically: leases the PENDING batch 0 (free, expired or the owner's; one attempt more), moves
   * the QUEUED run to RUNNING (`startedAt`), claims the key when it is new, appends `events`.
   * @returns undefined, writing nothing, when the run is not QUEUED or the batch cannot be leased;
   * `"refsChanged"`, writing nothing, when a ref of `start.connectorRefs` has another version.
   */
  startOneRecordRun(start: OneRecordStart): Promise<OneRecordStarted | "refsChanged" | undefined>;
  /**
   * `createOneRecordRun` and `startOneRecordRun` in one atomic write (issue 21: one round trip and
   * one commit fewer per webhook), for a run its creator's process starts at once: inserts the
   * run RUNNING (`startedAt`) with its batch 0 leased to `start.owner` (one attempt), claims the
   * key when it is new and appends `start.events` — exactly the rows the two calls leave.
   * Optional: without it the executor makes the two calls.
   * @returns `"notApproved"`, writing nothing, when the create's guard fails (the blueprint no
   * longer names `run.revision` as approved, or is archived); `"refsChanged"`, writing nothing,
   * as `startOneRecordRun`.
   * @throws ConflictError when the run id exists.
   */
  createStartedOneRecordRun?(
    run: Run,
    record: unknown,
    start: Omit<OneRecordStart, "runId">,
  ): Promise<OneRecordStarted | "refsChanged" | "notApproved">;
  /**
   * The current versions of these connector refs (a deleted or unknown ref is absent). Read
   * before a plan is bound from the refs, so a plan is never newer-versioned than its content.
   */
  connectorRefVersions(ids: readonly string[]): Promise<ConnectorRefVersion[]>;
  /**
   * Atomically: completes the key (when given; nothing else is written if the owner lost it),
   * marks the owner's batch DONE with `batchCounts`, writes the run's counts, metrics and status
   * (a run ended meanwhile — cancelled — keeps its status) and appends `events`.
   */
  finishOneRecordRun(finish: OneRecordFinish): Promise<OneRecordFinished>;
}

/** Filters of {@link ReadinessStore.listTestRuns}. */
export interface TestRunFilter extends PageRequest {
  projectId: string;
  environment?: string;
  /** Only runs of the API document with this sha256. */
  specSha256?: string;
  /** Only runs started at or after this instant. */
  since?: Date;
}

/** Filters of {@link ReadinessStore.listTraces}. */
export interface TraceFilter extends PageRequest {
  projectId: string;
  environment?: string;
  operation?: string;
  /** Only exchanges started at or after this instant. */
  since?: Date;
}

/**
 * The port for integration readiness: golden-suite runs and recorded HTTP traces, the raw
 * material of readiness reports. Lists are oldest first (ids are time-ordered).
 */
export interface ReadinessStore {
  /** @throws ConflictError when the id exists. */
  insertTestRun(run: TestRun): Promise<void>;
  getTestRun(id: string): Promise<TestRun | undefined>;
  listTestRuns(filter: TestRunFilter): Promise<Page<TestRun>>;
  /**
   * Stores traces in one atomic write. Ids already stored are skipped, so a batch delivered twice
   * is stored once. Returns how many traces were new.
   */
  insertTraces(traces: readonly Trace[]): Promise<number>;
  listTraces(filter: TraceFilter): Promise<Page<Trace>>;
}

// --- Connections (issue 22): kept in their own block; other store additions go in theirs. ---

/**
 * The port for connections: one customer's encrypted credentials per connector ref, the OAuth
 * authorizations in flight, and the lock that makes a token refresh happen once across workers.
 */
export interface ConnectionStore {
  /** @throws ConflictError when the id exists. */
  insertConnection(connection: StoredConnection): Promise<void>;
  getConnection(id: string): Promise<StoredConnection | undefined>;
  /** Oldest first. */
  listConnections(filter?: ConnectionFilter): Promise<Page<StoredConnection>>;
  /**
   * Replaces the connection (credentials and fields in one write) if its stored `version` is still
   * `expectedVersion`. @throws ConflictError when it changed, NotFoundError when it is gone.
   */
  updateConnection(connection: StoredConnection, expectedVersion: number): Promise<void>;
  /** Whether it existed. */
  deleteConnection(id: string): Promise<boolean>;
  /** @throws ConflictError when the state exists. */
  insertPendingAuthorization(pending: PendingAuthorization): Promise<void>;
  /** Removes and returns the authorization with this state if it has not expired at `now` (single use). */
  takePendingAuthorization(state: string, now: Date): Promise<PendingAuthorization | undefined>;
  /**
   * Runs `fn` holding the connection's lock, exclusive among every process sharing the store
   * (PostgreSQL: a transaction-scoped advisory lock; memory: in process). Callers keep one holder
   * per process and connection, so waiting never starves the store of connections.
   */
  withConnectionLock<T>(connectionId: string, fn: () => Promise<T>): Promise<T>;
}

// --- end of connections ---

// ---- Schedules (issue 20) -------------------------------------------------------------------

/** Filters of {@link ScheduleStore.listSchedules}. */
export interface ScheduleFilter extends PageRequest {
  blueprintId?: string;
  projectId?: string;
  paused?: boolean;
}

/** A worker's claim of one tick of a schedule. */
export interface ScheduleTickClaim {
  scheduleId: string;
  tick: Date;
  owner: string;
  /** How long the claim holds before another worker may take the tick over. */
  leaseMs: number;
  now: Date;
}

/** The end of a claimed tick: only its holder may settle it. */
export interface ScheduleTickSettlement {
  scheduleId: string;
  tick: Date;
  owner: string;
  state: Exclude<ScheduleFireState, "PENDING">;
  runId?: string;
  reason?: string;
  now: Date;
}

/** Filters of {@link ScheduleStore.listScheduleFires}. */
export interface ScheduleFireFilter {
  /** Only ticks at or after this instant. */
  from?: Date;
  state?: ScheduleFireState;
  /** @default 100 */
  limit?: number;
}

/** What {@link ScheduleStore.pruneScheduleFires} keeps of a schedule's settled ticks. */
export interface ScheduleFirePruning {
  /** The most recent settled ticks kept (at least 1). */
  keep: number;
  /** Settled ticks at or after this instant are kept too, however many. */
  before: Date;
}

/**
 * The port for schedules and their ticks. A tick is claimed once across every worker: the claim
 * is a unique `(scheduleId, tick)` row (a primary key in PostgreSQL).
 */
export interface ScheduleStore {
  /**
   * The `audit` entry, when given, is written atomically with the change (as for blueprints).
   * @throws ConflictError when the id exists.
   */
  insertSchedule(schedule: Schedule, audit?: AuditEntry): Promise<void>;
  /** Compare-and-set on `version`, with its audit entry. @throws ConflictError, NotFoundError. */
  updateSchedule(schedule: Schedule, expectedVersion: number, audit?: AuditEntry): Promise<void>;
  getSchedule(id: string): Promise<Schedule | undefined>;
  /** Oldest first. */
  listSchedules(filter?: ScheduleFilter): Promise<Page<Schedule>>;
  /** Deletes the schedule and its ticks, with its audit entry; `false` (no entry) when it did not exist. */
  deleteSchedule(id: string, audit?: AuditEntry): Promise<boolean>;
  /**
   * Claims a tick: creates it PENDING for `owner` when no worker claimed it, or takes over a
   * PENDING tick whose lease expired or was released (counting an attempt). `undefined` when the
   * tick is held live by another worker or settled.
   */
  claimScheduleTick(claim: ScheduleTickClaim): Promise<ScheduleFire | undefined>;
  /** Ends the owner's PENDING tick; `false`, changing nothing, when the owner no longer holds it. */
  settleScheduleTick(settlement: ScheduleTickSettlement): Promise<boolean>;
  /**
   * Leaves the owner's tick PENDING but free, so any worker may claim it at once (overlap
   * `queue`: the tick waits for the previous run); `reason` says why it waits.
   */
  releaseScheduleTick(scheduleId: string, tick: Date, owner: string, reason: string): Promise<void>;
  /** The schedule's ticks, most recent first. */
  listScheduleFires(scheduleId: string, filter?: ScheduleFireFilter): Promise<ScheduleFire[]>;
  /**
   * PENDING ticks of any schedule whose lease expired or was released at `now`, oldest tick
   * first: the ticks of crashed workers and queued ticks.
   */
  listClaimableScheduleFires(now: Date, limit: number): Promise<ScheduleFire[]>;
  /**
   * Deletes the schedule's settled (FIRED, SKIPPED, FAILED) ticks older than `before` beyond the
   * `keep` most recent settled ones. PENDING ticks and the most recent FIRED tick (the overlap
   * policy looks at its run) are never deleted. Returns how many went.
   */
  pruneScheduleFires(scheduleId: string, pruning: ScheduleFirePruning): Promise<number>;
}

// ---- Parked records (issue 20: retries with long horizons) ----------------------------------

/**
 * A record waiting for its next attempt after a long retry delay: everything its resume needs,
 * so it holds no worker, connection or memory meanwhile. `record` and `value` are run payloads
 * (encoded at rest by a payload codec).
 */
export interface ParkedRecord {
  /** `<runId>/<position>`: one parked row per record of a run (parking again replaces it). */
  id: string;
  runId: string;
  blueprintId: string;
  /** The record's position in its run (its idempotency owner is `<runId>/<position>`). */
  position: number;
  /** The batch of a durable run the record came in; absent for a run kept in memory. */
  batch?: number;
  /** The step whose call is retried, by index and id. */
  stepIndex: number;
  step: string;
  recordKey: string;
  /** The idempotency key the record holds while parked. */
  key?: string;
  /** The record as it entered the run (for its key's payload hash and its dead letter). */
  record: unknown;
  /** The record as the steps before `step` made it: where the resume starts. */
  value: unknown;
  /** Attempts made at the step so far. */
  attempts: number;
  /** When the next attempt is due (ISO). */
  dueAt: string;
  parkedAt: string;
  /** The last attempt's failure (redacted). */
  error: StoredError;
  /** A worker resuming it holds this lease; a dead worker's record is free after it. */
  lease?: { owner: string; expiresAt: string };
}

/** A worker's claim on parked records. */
export interface ParkedRecordClaim {
  owner: string;
  leaseMs: number;
  now: Date;
}

/**
 * The port for parked records. A record is resumed by one worker at a time: claims are leases
 * (PostgreSQL: due rows are claimed `FOR UPDATE SKIP LOCKED`).
 */
export interface ParkedRecordStore {
  /** Stores the record, or replaces the one of the same id (parked again), unleased. */
  parkRecord(record: ParkedRecord): Promise<void>;
  /** Claims up to `limit` records due at `now` and free (no live lease), soonest due first. */
  claimDueParkedRecords(claim: ParkedRecordClaim & { limit: number }): Promise<ParkedRecord[]>;
  /**
   * Claims one record, due or not, when it is free; `undefined` when gone or leased live (by any
   * owner, the claimant included: a worker's sweep and its delayed jobs share its owner name).
   */
  claimParkedRecord(id: string, claim: ParkedRecordClaim): Promise<ParkedRecord | undefined>;
  /**
   * Extends the owner's claim to `now + leaseMs` (the heartbeat of a resume in progress); false
   * when the owner no longer holds the record.
   */
  renewParkedRecord(id: string, claim: ParkedRecordClaim): Promise<boolean>;
  /** Drops the owner's lease, so the record may be claimed again at once. */
  releaseParkedRecord(id: string, owner: string): Promise<void>;
  /**
   * Deletes the owner's record and, atomically with it, rewrites its run with `change` (the
   * store bumps `version`). `undefined`, changing nothing, when the owner no longer holds it.
   */
  settleParkedRecord(id: string, owner: string, change: (run: Run) => Run): Promise<Run | undefined>;
  /** The run's parked records, soonest due first. */
  listParkedRecords(runId: string): Promise<ParkedRecord[]>;
  /** Makes the run's parked records (those of `recordKey` when given) due at `now`; returns them. */
  makeParkedRecordsDue(runId: string, now: Date, recordKey?: string): Promise<ParkedRecord[]>;
  /** Deletes every parked record of the run (it was cancelled); returns them. */
  deleteParkedRecords(runId: string): Promise<ParkedRecord[]>;
}

/** A complete store: the design-time model, execution state and readiness records. */
export interface Store
  extends BlueprintStore,
    RunStore,
    ReadinessStore,
    ConnectionStore,
    ScheduleStore,
    ParkedRecordStore {
  /** A name for health reports and logs (`memory`, `postgres`). */
  readonly kind: string;
  /** Checks the store answers; throws when it does not. */
  ping(): Promise<void>;
  /** Releases connections the store opened itself; a store may refuse calls afterwards. */
  close(): Promise<void>;
  /**
   * Where the runtime's `recordLimits` keep their shared state when the queue has none (the
   * PostgreSQL store's tables); absent: this process only.
   */
  limitBackend?(): LimitBackend;
}
