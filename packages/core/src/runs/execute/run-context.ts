import { NotFoundError } from "../../errors";
import type { Logger } from "../../logger";
import type { Run } from "../../model/run";
import type { ConnectorLimiter } from "../limits/connector-limiter";
import type { RecordLimiter } from "../limits/record-limiter";
import { EventLog } from "../observe/event-log";
import { MetricsRecorder } from "../observe/metrics-recorder";
import type { PlanDeps } from "../plan/bind-connector";
import type { PlanCache } from "../plan/plan-cache";
import type { RevisionCache } from "../plan/revision-cache";
import { resolveRunConnection } from "../plan/run-connection";
import { compileRunPlan } from "../plan/run-plan";
import type { IdempotencySettings, RecordContext, StepTraceSettings } from "../records/record-context";

/** What the executor needs from the runtime. */
export interface ExecutorDeps extends PlanDeps {
  logger: Logger;
  clock: () => Date;
  idempotency: IdempotencySettings;
  limiter: (connectorRefId: string) => ConnectorLimiter;
  /** Records of one run processed at once. */
  recordConcurrency: number;
  /** The runtime's `recordLimits`, when it has any: records wait for their keys, fairly. */
  recordLimiter?: RecordLimiter | undefined;
  /** Who runs runs here, for run leases. */
  workerId: string;
  runLeaseMs: number;
  random?: () => number;
  /** The runtime's `stepTrace`, when it keeps per-step traces of records. */
  stepTrace?: StepTraceSettings | undefined;
  onApprovalRequested?: RecordContext["onApprovalRequested"];
  onRecordParked?: RecordContext["onRecordParked"];
  /** Revisions read before by this runtime's runs (read from the store without one). */
  revisions?: RevisionCache;
  /** Plans kept across runs, for the runs whose start checks them (the one-record path). */
  plans?: PlanCache;
}

/** How {@link prepareRun} may make the plan. */
export interface PrepareOptions {
  /**
   * Take a kept plan (`deps.plans`) when the run has no environment or connection: only for a
   * caller whose start checks the plan's ref versions (the one-record start).
   */
  keptPlan?: boolean;
}

/**
 * Builds the per-run context records are processed with: the run's revision compiled into a plan
 * (connectors bound, secrets resolved), its event log, metrics and logger.
 */
export async function prepareRun(
  deps: ExecutorDeps,
  run: Run,
  signal: AbortSignal,
  options: PrepareOptions = {},
): Promise<RecordContext> {
  const revision = await (deps.revisions
    ? deps.revisions.read(deps.store, run.blueprintId, run.revision)
    : deps.store.getRevision(run.blueprintId, run.revision));
  if (revision === undefined)
    throw new NotFoundError("blueprint revision", `${run.blueprintId}@${run.revision}`);
  const environment =
    run.environment === undefined
      ? undefined
      : await deps.store.getEnvironment(run.projectId, run.environment);
  if (run.environment !== undefined && environment === undefined)
    throw new NotFoundError("environment", run.environment);
  // Read once per run and worker: later batches here reuse this context.
  const connection =
    run.connection === undefined ? undefined : await resolveRunConnection(deps, run.connection);
  const plan =
    options.keptPlan && deps.plans && environment === undefined && connection === undefined
      ? await deps.plans.plan(deps, run, revision.body)
      : await compileRunPlan(deps, run.projectId, revision.body, environment, connection);
  const logger = deps.logger.child({ runId: run.id, blueprintId: run.blueprintId });
  const context: RecordContext = {
    run,
    plan,
    store: deps.store,
    events: new EventLog(run.id, deps.store, deps.redactor, logger, deps.clock),
    metrics: new MetricsRecorder(),
    redactor: deps.redactor,
    logger,
    signal,
    clock: deps.clock,
    idempotency: deps.idempotency,
    limiter: deps.limiter,
  };
  // Set one by one, in the order they were spread before: a spread of a temporary object per
  // optional field cost an allocation and a copy each, per run (issue 21).
  if (connection !== undefined) context.connection = connection;
  if (deps.random) context.random = deps.random;
  if (deps.stepTrace) context.stepTrace = deps.stepTrace;
  if (deps.onApprovalRequested) context.onApprovalRequested = deps.onApprovalRequested;
  if (deps.onRecordParked) context.onRecordParked = deps.onRecordParked;
  return context;
}
