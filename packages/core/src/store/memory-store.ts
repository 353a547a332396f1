import { cloneJson, frozenJsonCopy } from "../clone-json";
import { ConflictError, LeaseLostError, NotFoundError } from "../errors";
import type { Artifact } from "../model/artifact";
import type { AuditEntry } from "../model/audit";
import type { Blueprint, BlueprintRevision } from "../model/blueprint";
import type { ConnectorRef } from "../model/connector-ref";
import type { DeadLetter } from "../model/dead-letter";
import type { Environment } from "../model/environment";
import type { IdempotencyRecord } from "../model/idempotency";
import type { Project } from "../model/project";
import type { NewRunEvent, Run, RunEvent } from "../model/run";
import type { TestRun } from "../model/test-run";
import type { Trace } from "../model/trace";
import { memoryConnections } from "./_memory-connections";
import { MemoryIdempotencyRecords } from "./_memory-idempotency-records";
import { memoryOneRecordRuns } from "./_memory-one-record-runs";
import { canTakeLease, decideIdempotencyClaim, holdsIdempotencyLease } from "./idempotency-claim";
import { LastInstantIso } from "./last-instant-iso";
import { memoryParkedStore } from "./memory-parked-store";
import { memoryScheduleStore } from "./memory-schedule-store";
import { pageLimit, pageOf } from "./pagination";
import { RUN_EVENT_LEVEL_RANK } from "./run-event-levels";
import { type IdempotencyOutcome, RUN_EVENT_PAYLOAD, type RunBatch, type Store } from "./types";

const byId = <T extends { id: string }>(item: T): string => item.id;

/**
 * The embedded default store: everything in process memory, lost on exit. Values are copied in
 * and out, so a caller changing an object it gave or got never changes what is stored; an
 * idempotency record (its `result` and `error` too) is copied once on the way in and handed out
 * frozen (changing it throws a `TypeError`), since every claim of a duplicate reads it.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ store: memoryStore() });
 * ```
 */
export function memoryStore(): Store {
  const projects = new Map<string, Project>();
  const environments = new Map<string, Environment>();
  const connectorRefs = new Map<string, ConnectorRef>();
  const connectorRefVersions = new Map<string, number>();
  const blueprints = new Map<string, Blueprint>();
  const revisions = new Map<string, BlueprintRevision[]>();
  const audit: AuditEntry[] = [];
  const artifacts = new Map<string, Artifact>();
  const runs = new Map<string, Run>();
  const events = new Map<string, RunEvent[]>();
  const idempotency = new MemoryIdempotencyRecords();
  const deadLetters = new Map<string, DeadLetter>();
  const cursors = new Map<string, unknown>();
  const batches = new Map<string, RunBatch[]>();
  /** Sizes of batches whose records retention removed (a batch's size outlives its records). */
  const purgedSizes = new WeakMap<RunBatch, number>();
  const testRuns = new Map<string, TestRun>();
  const traces = new Map<string, Trace>();

  const envKey = (projectId: string, name: string): string => `${projectId}\u0000${name}`;
  const record = (entry: AuditEntry): void => {
    audit.push(cloneJson(entry));
  };
  const sortedValues = <T extends { id: string }>(map: Map<string, T>, keep: (item: T) => boolean): T[] =>
    [...map.values()].filter(keep).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const finishedAt = new LastInstantIso();
  /** Completes or fails a key held by `outcome.owner` (nothing returned: no caller reads it). */
  function finishIdempotency(outcome: IdempotencyOutcome, state: "COMPLETED" | "FAILED"): void {
    const existing = idempotency.get(outcome.scope, outcome.key);
    if (!holdsIdempotencyLease(existing, outcome.owner) || existing === undefined) {
      throw new LeaseLostError(`idempotency key "${outcome.key}"`, outcome.owner);
    }
    // Built field by field: an object rest (`{ leaseOwner, ...rest }`) costs more than the rest
    // of the completion together. The lease fields are left out.
    const result = outcome.result === undefined ? existing.result : frozenJsonCopy(outcome.result);
    const error = outcome.error === undefined ? existing.error : Object.freeze({ ...outcome.error });
    const updatedAt = finishedAt.of(outcome.now.getTime());
    // One literal and two optional fields, no spreads of temporary objects: a completion per
    // keyed record (issue 21).
    const next: IdempotencyRecord = {
      scope: existing.scope,
      key: existing.key,
      payloadHash: existing.payloadHash,
      state,
      finishedBy: outcome.owner,
      expiresAt: existing.expiresAt,
      createdAt: existing.createdAt,
      updatedAt,
    };
    if (result !== undefined) next.result = result;
    if (error !== undefined) next.error = error;
    idempotency.set(next);
  }

  /** Numbers and keeps copies of the events; returns the kept ones (not copies: callers copy them out). */
  const appendEvents = (runId: string, newEvents: readonly NewRunEvent[]): RunEvent[] => {
    let log = events.get(runId);
    if (log === undefined) {
      log = [];
      events.set(runId, log);
    }
    // Each event copied once and numbered in place (a spread of the copy was a second copy);
    // all copied before any is kept, so an event that cannot be copied leaves the log as it was.
    const first = log.length + 1;
    const numbered: RunEvent[] = [];
    for (const event of newEvents) {
      const kept = cloneJson(event) as RunEvent;
      kept.runId = runId;
      kept.seq = first + numbered.length;
      numbered.push(kept);
    }
    log.push(...numbered);
    return numbered;
  };

  return {
    kind: "memory",
    oneRecordRuns: memoryOneRecordRuns({
      blueprints,
      runs,
      batches,
      idempotency,
      connectorRefVersions,
      appendEvents,
      completeKey: (outcome) => finishIdempotency(outcome, "COMPLETED"),
    }),
    ...memoryConnections(),
    ...memoryScheduleStore(record),
    ...memoryParkedStore(runs),
    async ping() {},
    async close() {},

    async insertProject(project, entry) {
      if (projects.has(project.id)) throw new ConflictError(`project "${project.id}" already exists`);
      projects.set(project.id, cloneJson(project));
      record(entry);
    },
    async updateProject(project, entry) {
      if (!projects.has(project.id)) throw new NotFoundError("project", project.id);
      projects.set(project.id, cloneJson(project));
      record(entry);
    },
    async getProject(id) {
      return cloneJson(projects.get(id));
    },
    async listProjects(page) {
      return cloneJson(
        pageOf(
          sortedValues(projects, () => true),
          byId,
          page,
        ),
      );
    },

    async putEnvironment(environment, entry) {
      environments.set(envKey(environment.projectId, environment.name), cloneJson(environment));
      record(entry);
    },
    async getEnvironment(projectId, name) {
      return cloneJson(environments.get(envKey(projectId, name)));
    },
    async listEnvironments(projectId) {
      return cloneJson(
        [...environments.values()]
          .filter((env) => env.projectId === projectId)
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
    },
    async deleteEnvironment(projectId, name, entry) {
      if (!environments.delete(envKey(projectId, name))) throw new NotFoundError("environment", name);
      record(entry);
    },

    async putConnectorRef(ref, entry) {
      connectorRefs.set(ref.id, cloneJson(ref));
      connectorRefVersions.set(ref.id, (connectorRefVersions.get(ref.id) ?? 0) + 1);
      record(entry);
    },
    async getConnectorRef(id) {
      return cloneJson(connectorRefs.get(id));
    },
    async listConnectorRefs(projectId) {
      return cloneJson(sortedValues(connectorRefs, (ref) => ref.projectId === projectId));
    },
    async deleteConnectorRef(id, entry) {
      if (!connectorRefs.delete(id)) throw new NotFoundError("connector", id);
      connectorRefVersions.delete(id);
      record(entry);
    },

    async insertBlueprint(blueprint, revision, entry) {
      if (blueprints.has(blueprint.id)) throw new ConflictError(`blueprint "${blueprint.id}" already exists`);
      blueprints.set(blueprint.id, cloneJson(blueprint));
      revisions.set(blueprint.id, [cloneJson(revision)]);
      record(entry);
    },
    async saveBlueprint({ blueprint, expectedVersion, revision, audit: entry }) {
      const current = blueprints.get(blueprint.id);
      if (current === undefined) throw new NotFoundError("blueprint", blueprint.id);
      if (current.version !== expectedVersion) {
        throw new ConflictError(
          `blueprint "${blueprint.id}" changed since it was read (version ${expectedVersion}, now ${current.version})`,
        );
      }
      const history = revisions.get(blueprint.id) ?? [];
      if (revision !== undefined && history.some((r) => r.revision === revision.revision)) {
        throw new ConflictError(`blueprint "${blueprint.id}" already has revision ${revision.revision}`);
      }
      blueprints.set(blueprint.id, cloneJson(blueprint));
      if (revision !== undefined) history.push(cloneJson(revision));
      revisions.set(blueprint.id, history);
      record(entry);
    },
    async getBlueprint(id) {
      return cloneJson(blueprints.get(id));
    },
    async listBlueprints(projectId, filter) {
      const items = sortedValues(
        blueprints,
        (bp) => bp.projectId === projectId && (filter?.status === undefined || bp.status === filter.status),
      );
      return cloneJson(pageOf(items, byId, filter));
    },
    async getRevision(blueprintId, revision) {
      return cloneJson(revisions.get(blueprintId)?.find((r) => r.revision === revision));
    },
    async listRevisions(blueprintId, page) {
      return cloneJson(pageOf(revisions.get(blueprintId) ?? [], (r) => r.revision, page));
    },

    async listAudit(filter) {
      const items = audit.filter(
        (entry) =>
          (filter?.entityId === undefined || entry.entityId === filter.entityId) &&
          (filter?.projectId === undefined || entry.projectId === filter.projectId),
      );
      return cloneJson(pageOf(items, byId, filter));
    },

    async insertArtifact(artifact, entry) {
      if (artifacts.has(artifact.id)) throw new ConflictError(`artifact "${artifact.id}" already exists`);
      artifacts.set(artifact.id, cloneJson(artifact));
      record(entry);
    },
    async getArtifact(id) {
      return cloneJson(artifacts.get(id));
    },
    async listArtifacts(blueprintId, page) {
      return cloneJson(
        pageOf(
          sortedValues(artifacts, (a) => a.blueprintId === blueprintId),
          byId,
          page,
        ),
      );
    },

    async insertRun(run) {
      if (runs.has(run.id)) throw new ConflictError(`run "${run.id}" already exists`);
      runs.set(run.id, cloneJson(run));
    },
    async updateRun(run, expectedVersion) {
      const current = runs.get(run.id);
      if (current === undefined) throw new NotFoundError("run", run.id);
      if (current.version !== expectedVersion) {
        throw new ConflictError(
          `run "${run.id}" changed since it was read (version ${expectedVersion}, now ${current.version})`,
        );
      }
      runs.set(run.id, cloneJson(run));
    },
    async getRun(id) {
      return cloneJson(runs.get(id));
    },
    async listRuns(filter) {
      // A run processed a record when its log names the record, or it finished the record's
      // idempotency key (owners are `<runId>/<position>`): successful records log nothing.
      const finishedIn = new Set(
        idempotency
          .all()
          .filter((record) => record.key === filter?.recordKey && record.finishedBy !== undefined)
          .map((record) => record.finishedBy!.split("/")[0]),
      );
      const processed = (runId: string, recordKey: string): boolean =>
        finishedIn.has(runId) || (events.get(runId) ?? []).some((event) => event.recordKey === recordKey);
      const items = sortedValues(
        runs,
        (run) =>
          (filter?.blueprintId === undefined || run.blueprintId === filter.blueprintId) &&
          (filter?.projectId === undefined || run.projectId === filter.projectId) &&
          (filter?.status === undefined || run.status === filter.status) &&
          (filter?.idempotencyKey === undefined || run.idempotencyKey === filter.idempotencyKey) &&
          (filter?.recordKey === undefined || processed(run.id, filter.recordKey)),
      ).reverse();
      return cloneJson(pageOf(items, byId, filter, "desc"));
    },
    async acquireRunLease({ runId, owner, leaseMs, now }) {
      const run = runs.get(runId);
      if (run === undefined) throw new NotFoundError("run", runId);
      if (!canTakeLease(run.lease, owner, now)) return undefined;
      const next: Run = {
        ...run,
        lease: { owner, expiresAt: new Date(now.getTime() + leaseMs).toISOString() },
        version: run.version + 1,
        updatedAt: now.toISOString(),
      };
      runs.set(runId, next);
      return cloneJson(next);
    },
    async releaseRunLease(runId, owner) {
      const run = runs.get(runId);
      if (run?.lease?.owner !== owner) return;
      const { lease: _lease, ...rest } = run;
      runs.set(runId, { ...rest, version: run.version + 1 });
    },

    async insertRunBatches(runId, added) {
      const list = batches.get(runId) ?? [];
      const taken = new Set(list.map((batch) => batch.index));
      for (const batch of added) {
        if (taken.has(batch.index))
          throw new ConflictError(`run "${runId}" already has batch ${batch.index}`);
        taken.add(batch.index);
      }
      for (const batch of added) list.push({ ...cloneJson(batch), runId, state: "PENDING", attempts: 0 });
      list.sort((a, b) => a.index - b.index);
      batches.set(runId, list);
    },
    async claimRunBatch({ runId, index, owner, leaseMs, now }) {
      const batch = batches.get(runId)?.find((b) => b.index === index);
      if (batch === undefined || batch.state === "DONE" || !canTakeLease(batch.lease, owner, now))
        return undefined;
      batch.lease = { owner, expiresAt: new Date(now.getTime() + leaseMs).toISOString() };
      batch.attempts += 1;
      return cloneJson(batch);
    },
    async renewRunBatchLease({ runId, index, owner, leaseMs, now }) {
      const batch = batches.get(runId)?.find((b) => b.index === index);
      if (batch === undefined || batch.state === "DONE" || batch.lease?.owner !== owner) return false;
      batch.lease = { owner, expiresAt: new Date(now.getTime() + leaseMs).toISOString() };
      return true;
    },
    async releaseRunBatch(runId, index, owner) {
      const batch = batches.get(runId)?.find((b) => b.index === index);
      if (batch?.lease?.owner === owner) delete batch.lease;
    },
    async completeRunBatch({ runId, index, owner, counts }, change) {
      const list = batches.get(runId) ?? [];
      const batch = list.find((b) => b.index === index);
      const run = runs.get(runId);
      if (run === undefined) throw new NotFoundError("run", runId);
      if (batch === undefined || batch.state === "DONE" || batch.lease?.owner !== owner) return undefined;
      const remaining = list.filter((b) => b.state === "PENDING" && b !== batch).length;
      const next = { ...change(cloneJson(run), remaining), version: run.version + 1 };
      batch.state = "DONE";
      batch.counts = { ...counts };
      delete batch.lease;
      runs.set(runId, cloneJson(next));
      return { run: cloneJson(next), remaining };
    },
    async listRunBatches(runId) {
      return (batches.get(runId) ?? []).map((batch) => {
        const { records, ...rest } = batch;
        return { ...cloneJson(rest), size: purgedSizes.get(batch) ?? records.length };
      });
    },

    async appendRunEvents(runId, newEvents) {
      return cloneJson(appendEvents(runId, newEvents));
    },
    async listRunEvents(runId, filter = {}) {
      const minimum = filter.level === undefined ? 0 : RUN_EVENT_LEVEL_RANK[filter.level];
      const items = (events.get(runId) ?? []).filter(
        (event) =>
          event.seq > (filter.after ?? 0) &&
          RUN_EVENT_LEVEL_RANK[event.level] >= minimum &&
          (filter.step === undefined || event.step === filter.step) &&
          (filter.recordKey === undefined || event.recordKey === filter.recordKey) &&
          (filter.type === undefined || event.type === filter.type),
      );
      return cloneJson(items.slice(0, pageLimit({ limit: filter.limit ?? 100 })));
    },

    async claimIdempotencyKey(claim) {
      // The decision is the caller's own object, and the record in it is frozen once kept.
      const decision = decideIdempotencyClaim(idempotency.get(claim.scope, claim.key), claim);
      if (decision.outcome === "claimed") idempotency.set(decision.record);
      return decision;
    },
    async renewIdempotencyLease({ scope, key, owner, leaseMs, now }) {
      const existing = idempotency.get(scope, key);
      if (!holdsIdempotencyLease(existing, owner) || existing === undefined) {
        throw new LeaseLostError(`idempotency key "${key}"`, owner);
      }
      idempotency.set({
        ...existing,
        leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
        updatedAt: now.toISOString(),
      });
    },
    async completeIdempotencyKey(outcome) {
      finishIdempotency(outcome, "COMPLETED");
    },
    async failIdempotencyKey(outcome) {
      finishIdempotency(outcome, "FAILED");
    },
    async getIdempotencyRecord(scope, key) {
      return idempotency.get(scope, key);
    },
    async purgeExpiredIdempotencyRecords(now) {
      let purged = 0;
      for (const value of idempotency.all()) {
        if (Date.parse(value.expiresAt) <= now.getTime()) {
          idempotency.delete(value.scope, value.key);
          purged += 1;
        }
      }
      return purged;
    },

    async purgeRunPayloads(before) {
      const cutoff = before.getTime();
      const purged = { runBatches: 0, deadLetters: 0, idempotencyResults: 0, runEvents: 0 };
      for (const [runId, runBatches] of batches) {
        const finishedAt = runs.get(runId)?.finishedAt;
        if (finishedAt === undefined || Date.parse(finishedAt) >= cutoff) continue;
        for (const batch of runBatches) {
          if (batch.records.length === 0) continue;
          purgedSizes.set(batch, batch.records.length);
          batch.records = [];
          purged.runBatches += 1;
        }
      }
      for (const [id, dl] of deadLetters) {
        if (dl.recordPurgedAt !== undefined || Date.parse(dl.createdAt) >= cutoff) continue;
        deadLetters.set(id, { ...dl, record: null, recordPurgedAt: new Date().toISOString() });
        purged.deadLetters += 1;
      }
      for (const record of idempotency.all()) {
        if (record.result === undefined || Date.parse(record.updatedAt) >= cutoff) continue;
        const { result: _dropped, ...rest } = record;
        idempotency.set(rest);
        purged.idempotencyResults += 1;
      }
      for (const [runId, log] of events) {
        const finishedAt = runs.get(runId)?.finishedAt;
        if (finishedAt === undefined || Date.parse(finishedAt) >= cutoff) continue;
        for (const event of log) {
          if (!Object.hasOwn(event.data, RUN_EVENT_PAYLOAD)) continue;
          delete event.data[RUN_EVENT_PAYLOAD];
          purged.runEvents += 1;
        }
      }
      return purged;
    },

    async insertDeadLetter(deadLetter) {
      if (deadLetters.has(deadLetter.id))
        throw new ConflictError(`dead letter "${deadLetter.id}" already exists`);
      deadLetters.set(deadLetter.id, cloneJson(deadLetter));
    },
    async getDeadLetter(id) {
      return cloneJson(deadLetters.get(id));
    },
    async listDeadLetters(filter) {
      const items = sortedValues(
        deadLetters,
        (dl) =>
          (filter?.runId === undefined || dl.runId === filter.runId) &&
          (filter?.blueprintId === undefined || dl.blueprintId === filter.blueprintId) &&
          (filter?.replayed === undefined || (dl.replayedAt !== undefined) === filter.replayed) &&
          (filter?.errorCode === undefined || dl.error.code === filter.errorCode) &&
          (filter?.since === undefined || dl.createdAt >= filter.since.toISOString()) &&
          (filter?.until === undefined || dl.createdAt < filter.until.toISOString()),
      );
      return cloneJson(pageOf(items, byId, filter));
    },
    async markDeadLettersReplayed(ids, replayRunId, at) {
      for (const id of ids) {
        const dl = deadLetters.get(id);
        if (dl === undefined) throw new NotFoundError("dead letter", id);
      }
      for (const id of ids) {
        const dl = deadLetters.get(id)!;
        deadLetters.set(id, { ...dl, replayedAt: at.toISOString(), replayRunId });
      }
    },

    async getCursor(scope) {
      return cloneJson(cursors.get(scope));
    },
    async putCursor(scope, value) {
      cursors.set(scope, cloneJson(value));
    },

    async insertTestRun(run) {
      if (testRuns.has(run.id)) throw new ConflictError(`test run "${run.id}" already exists`);
      testRuns.set(run.id, cloneJson(run));
    },
    async getTestRun(id) {
      return cloneJson(testRuns.get(id));
    },
    async listTestRuns(filter) {
      const since = filter.since?.getTime();
      const items = sortedValues(
        testRuns,
        (run) =>
          run.projectId === filter.projectId &&
          (filter.environment === undefined || run.environment === filter.environment) &&
          (filter.specSha256 === undefined || run.spec.sha256 === filter.specSha256) &&
          (since === undefined || Date.parse(run.startedAt) >= since),
      );
      return cloneJson(pageOf(items, byId, filter));
    },
    async insertTraces(batch) {
      let added = 0;
      for (const trace of batch) {
        if (traces.has(trace.id)) continue;
        traces.set(trace.id, cloneJson(trace));
        added += 1;
      }
      return added;
    },
    async listTraces(filter) {
      const since = filter.since?.getTime();
      const items = sortedValues(
        traces,
        (trace) =>
          trace.projectId === filter.projectId &&
          (filter.environment === undefined || trace.environment === filter.environment) &&
          (filter.operation === undefined || trace.operation === filter.operation) &&
          (since === undefined || Date.parse(trace.timing.startedAt) >= since),
      );
      return cloneJson(pageOf(items, byId, filter));
    },
  };
}
