import { trace } from "@opentelemetry/api";
import { validateOutput } from "@synapseops/mapping";
import pRetry from "p-retry";
import type { ConnectorContext, WriteIdempotency } from "../connector";
import { ConnectorError } from "../connector-error";
import { ErrorCode, ValidationError } from "../errors";
import { newId } from "../ids";
import type { Logger } from "../logger";
import type { Run } from "../model/run";
import type { Store } from "../store/types";
import { type ClassifiedFailure, classifyFailure, storedError } from "./classify-error";
import type { EventLog } from "./event-log";
import type { MetricsRecorder } from "./metrics-recorder";
import {
  claimKey,
  type KeyClaim,
  keyOwner,
  previewKey,
  recordIdempotencyKey,
  releaseKey,
} from "./record-keys";
import type { Redactor } from "./redactor";
import { decideRetry } from "./retry-policy";
import type { PlannedStep, RunPlan } from "./run-plan";
import { abortableSleep, CancelledError, type Semaphore } from "./sleep";
import type { TokenBucket } from "./token-bucket";

/** How one record ended. */
export type RecordOutcome =
  | "completed"
  | "filtered"
  | "duplicate"
  | "rejected"
  | "failed"
  | "deadLettered"
  | "waiting";

/** Idempotency settings of a runtime. */
export interface IdempotencySettings {
  /** How long a claim holds without renewal (a crashed worker's key is free after it). */
  leaseMs: number;
  /** How long outcomes are kept. */
  ttlMs: number;
  /** How long a second claimant waits for an in-progress key before it reports a conflict. */
  waitMs: number;
}

/** Limits shared across runs for one connector ref. */
export interface ConnectorLimiter {
  bucket?: TokenBucket;
  semaphore?: Semaphore;
}

/** What processing a record needs; one per run. */
export interface RecordContext {
  run: Pick<Run, "id" | "blueprintId" | "projectId" | "revision" | "dryRun">;
  plan: RunPlan;
  store: Store;
  events: EventLog;
  metrics: MetricsRecorder;
  redactor: Redactor;
  logger: Logger;
  signal: AbortSignal;
  clock: () => Date;
  idempotency: IdempotencySettings;
  limiter: (connectorRefId: string) => ConnectorLimiter;
  random?: () => number;
  /**
   * Takes a record's key completion instead of waiting for it: the record's slot goes to the
   * next record while the completion commits (with others, on a grouping store). Whoever sets
   * it must wait for every completion it took before it counts the records done.
   */
  deferCompletion?: (completion: Promise<unknown>, position: number) => void;
  /** Told when a record starts waiting at an approval step (to arm its timeout). */
  onApprovalRequested?: (request: {
    step: string;
    recordKey: string;
    timeoutMs?: number;
    onTimeout: "approve" | "reject";
  }) => void;
}

/** What an `approval.requested` event keeps as its payload (`RUN_EVENT_PAYLOAD`) to resume. */
export interface ApprovalWait {
  /** The record's value at the approval step. */
  value: unknown;
  /** The record key a signal names (the idempotency key, or `#<position>`). */
  recordKey: string;
  /** The idempotency key the record holds while it waits. */
  key?: string;
}

/** Where a record starts: from the first step, or after an approval. */
export interface RecordStart {
  record: unknown;
  /** The idempotency key given by the caller, for single-record runs. */
  callerKey?: string;
  /** Resume at this step index with this value (after an approval); the key is already claimed. */
  resume?: { stepIndex: number; value: unknown; key: string | undefined; recordKey: string };
  /** Position of the record in its run, for a key when the blueprint has none. */
  position: number;
  /** The record's key as claimed with the rest of its batch (see `claimBatchKeys`). */
  claim?: KeyClaim;
}

/** OpenTelemetry through the API package only: a no-op unless the host installed an SDK. */
const tracer = trace.getTracer("@synapseops/core");

/** Runs one record through the plan's steps: idempotency, steps, retries, dead letter. */
export async function processRecord(ctx: RecordContext, start: RecordStart): Promise<RecordOutcome> {
  const startedAt = performance.now();
  const owner = keyOwner(ctx.run.id, start.position);
  const span = tracer.startSpan("synapseops.record", {
    attributes: { "synapseops.run_id": ctx.run.id, "synapseops.record_position": start.position },
  });
  try {
    const outcome = await runRecord(ctx, start, owner, startedAt);
    span.setAttribute("synapseops.outcome", outcome);
    return outcome;
  } finally {
    span.end();
  }
}

async function runRecord(
  ctx: RecordContext,
  start: RecordStart,
  owner: string,
  startedAt: number,
): Promise<RecordOutcome> {
  let key: string | undefined;
  let recordKey: string;
  let firstStep = 0;
  let value: unknown = start.record;

  if (start.resume) {
    ({ key, recordKey } = start.resume);
    firstStep = start.resume.stepIndex;
    value = start.resume.value;
  } else {
    try {
      key = start.claim?.key ?? (await recordIdempotencyKey(ctx, start));
    } catch (error) {
      return fail(
        ctx,
        owner,
        start.record,
        `#${start.position}`,
        undefined,
        undefined,
        classifyFailure(error),
        1,
        false,
      );
    }
    recordKey = key ?? `#${start.position}`;
    if (key !== undefined) {
      const claim = ctx.run.dryRun
        ? await previewKey(ctx, owner, key, start.record, recordKey)
        : await claimKey(ctx, owner, key, start.record, recordKey, start.claim?.result);
      if (claim !== "claimed") return claim;
    }
  }

  // Set when the target completed the key in its own transaction (see WriteIdempotency).
  let completedByTarget = false;
  const finish = async (outcome: RecordOutcome, result?: unknown): Promise<RecordOutcome> => {
    if (key !== undefined && !ctx.run.dryRun && !completedByTarget) {
      const completion = ctx.store.completeIdempotencyKey({
        scope: ctx.run.blueprintId,
        key,
        owner,
        now: ctx.clock(),
        result: result === undefined ? { outcome } : { outcome, result: ctx.redactor.redact(result) },
      });
      if (ctx.deferCompletion === undefined) await completion;
      else ctx.deferCompletion(completion, start.position);
    }
    ctx.metrics.recordLatency(performance.now() - startedAt);
    return outcome;
  };

  let lastResult: unknown;
  for (let index = firstStep; index < ctx.plan.steps.length; index += 1) {
    const planned = ctx.plan.steps[index]!;
    const { step } = planned;
    const stepStarted = performance.now();
    try {
      switch (step.kind) {
        case "map":
          value = await planned.mapping!.evaluate(value);
          break;
        case "filter":
          if (!(await planned.expression!.evaluate(value))) {
            ctx.metrics.stepCall(step.id, performance.now() - stepStarted, false);
            return finish("filtered");
          }
          break;
        case "approval":
          if (planned.expression === undefined || (await planned.expression.evaluate(value))) {
            // issue 16: the data shown is redacted (a detector may hide the record key, an email or
            // a 32-hex id); the resume needs the exact value, key and record key: the payload.
            ctx.events.add(
              "info",
              "approval.requested",
              { stepIndex: index, position: start.position, value, key },
              { step: step.id, recordKey },
              { value, recordKey, ...(key === undefined ? {} : { key }) } satisfies ApprovalWait,
            );
            if (key !== undefined && !ctx.run.dryRun) {
              // The wait can outlast the claim's lease: hold the key for the approval's time.
              await ctx.store.renewIdempotencyLease({
                scope: ctx.run.blueprintId,
                key,
                owner,
                leaseMs: Math.max(step.timeoutMs ?? 0, 7 * 86_400_000),
                now: ctx.clock(),
              });
            }
            ctx.onApprovalRequested?.({
              step: step.id,
              recordKey,
              onTimeout: step.onTimeout,
              ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
            });
            ctx.metrics.stepCall(step.id, performance.now() - stepStarted, false);
            return "waiting";
          }
          break;
        case "lookup": {
          const request = planned.expression ? await planned.expression.evaluate(value) : value;
          const found = await callConnector(ctx, planned, recordKey, key, async (context) => {
            const records: unknown[] = [];
            for await (const batch of planned.target!.connector.read!(planned.target!.config, context, {
              request,
              ...(step.operation ? { operation: step.operation } : {}),
            })) {
              records.push(...batch.records);
              break;
            }
            return records.length <= 1 ? records[0] : records;
          });
          value = { ...(value as Record<string, unknown>), [step.into]: found };
          break;
        }
        case "send": {
          const payload = planned.expression ? await planned.expression.evaluate(value) : value;
          if (ctx.run.dryRun) {
            // A dry run proves the payload against the target's schema instead of sending it.
            const schema = ctx.plan.body.target.schema;
            const issues = schema === undefined ? [] : validateOutput(schema, payload);
            if (issues.length > 0) {
              const first = issues[0]!;
              throw new ValidationError(
                `payload for step "${step.id}" breaks the target schema at ${first.pointer || "/"}: ${first.message}`,
                {
                  path: first.pointer,
                },
              );
            }
            ctx.events.add("debug", "send.skipped", { dryRun: true, payload }, { step: step.id, recordKey });
            break;
          }
          // Only the last step may complete the key: a later step must still run after a crash.
          const inTarget =
            key !== undefined && index === ctx.plan.steps.length - 1
              ? transactionalCompletion(ctx, key, owner, () => {
                  completedByTarget = true;
                })
              : undefined;
          lastResult = await callConnector(ctx, planned, recordKey, key, (context) => {
            // A failed attempt's transaction rolled back (or its commit is unknown): decide afresh.
            completedByTarget = false;
            return planned.target!.connector.write!(planned.target!.config, payload, {
              ...context,
              ...(key === undefined ? {} : { idempotencyKey: key }),
              ...(step.operation ? { operation: step.operation } : {}),
              ...(inTarget === undefined ? {} : { idempotency: inTarget }),
            });
          });
          break;
        }
        case "notify": {
          const message = await planned.expression!.evaluate({ record: value, run: ctx.run });
          if (ctx.run.dryRun) break;
          await callConnector(ctx, planned, recordKey, key, (context) =>
            planned.target!.connector.write!(planned.target!.config, message, {
              ...context,
              ...(key === undefined ? {} : { idempotencyKey: `${key}:${step.id}` }),
            }),
          );
          break;
        }
      }
      ctx.metrics.stepCall(step.id, performance.now() - stepStarted, false);
    } catch (error) {
      ctx.metrics.stepCall(step.id, performance.now() - stepStarted, true);
      if (error instanceof CancelledError || ctx.signal.aborted) {
        await releaseKey(ctx, owner, key, {
          retryable: true,
          code: ErrorCode.CANCELLED,
          message: "cancelled",
        });
        throw error instanceof CancelledError ? error : new CancelledError();
      }
      const attempts = error instanceof AttemptsExhausted ? error.attempts : 1;
      const failure = error instanceof AttemptsExhausted ? error.failure : classifyFailure(error);
      return fail(ctx, owner, start.record, recordKey, key, step.id, failure, attempts, true);
    }
  }
  return finish("completed", lastResult);
}

/**
 * The hook that lets a target complete the record's key in its own transaction, when the store
 * offers it; `onCompleted` tells the record not to complete the key again.
 */
function transactionalCompletion(
  ctx: RecordContext,
  key: string,
  owner: string,
  onCompleted: () => void,
): WriteIdempotency | undefined {
  const store = ctx.store.transactionalIdempotency;
  if (store === undefined || ctx.run.dryRun) return undefined;
  return {
    engine: store.engine,
    sameDatabase: (client) => store.sameDatabase(client),
    async completeWith(client, result) {
      await store.completeIdempotencyKeyWith(client, {
        scope: ctx.run.blueprintId,
        key,
        owner,
        now: ctx.clock(),
        result:
          result === undefined
            ? { outcome: "completed" }
            : { outcome: "completed", result: ctx.redactor.redact(result) },
      });
      onCompleted();
    },
  };
}

/** Records a failure: a dead letter for step failures, the key marked failed so a replay may run it. */
async function fail(
  ctx: RecordContext,
  owner: string,
  record: unknown,
  recordKey: string,
  key: string | undefined,
  step: string | undefined,
  failure: ClassifiedFailure,
  attempts: number,
  deadLetter: boolean,
): Promise<RecordOutcome> {
  const error = ctx.redactor.redact(storedError(failure));
  await releaseKey(ctx, owner, key, failure);
  if (!deadLetter || step === undefined) {
    ctx.events.add("error", "record.failed", { error, attempts }, { recordKey, ...(step ? { step } : {}) });
    return "failed";
  }
  const id = newId("dl");
  await ctx.store.insertDeadLetter({
    id,
    runId: ctx.run.id,
    blueprintId: ctx.run.blueprintId,
    step,
    recordKey: ctx.redactor.redactText(recordKey),
    record: ctx.redactor.redactRecord(record),
    error,
    attempts,
    createdAt: ctx.clock().toISOString(),
  });
  ctx.metrics.deadLetters += 1;
  ctx.events.add("error", "record.dead_lettered", { deadLetterId: id, error, attempts }, { step, recordKey });
  return "deadLettered";
}

/** Thrown when a connector call used up its attempts; carries the last failure. */
class AttemptsExhausted extends Error {
  constructor(
    readonly failure: ClassifiedFailure,
    readonly attempts: number,
  ) {
    super(failure.message);
  }
}

/**
 * Calls a connector under the step's retry policy (p-retry drives the attempts; our policy decides
 * each delay: exponential backoff with jitter, or the peer's Retry-After), with a per-attempt
 * timeout, the connector's rate limit and concurrency bound, and an event per failed attempt.
 */
async function callConnector<T>(
  ctx: RecordContext,
  planned: PlannedStep,
  recordKey: string,
  key: string | undefined,
  call: (context: ConnectorContext) => Promise<T>,
): Promise<T> {
  const target = planned.target!;
  const limiter = ctx.limiter(target.ref.id);
  let attempt = 0;
  let last: ClassifiedFailure | undefined;
  const attemptOnce = async (): Promise<T> => {
    attempt += 1;
    const span = tracer.startSpan("synapseops.step_attempt", {
      attributes: {
        "synapseops.step": planned.step.id,
        "synapseops.attempt": attempt,
        "synapseops.connector": target.ref.type,
      },
    });
    if (limiter.bucket) await limiter.bucket.take(ctx.signal);
    const release = limiter.semaphore ? await limiter.semaphore.acquire() : undefined;
    const timeout = planned.timeoutMs === undefined ? undefined : AbortSignal.timeout(planned.timeoutMs);
    const signal = timeout === undefined ? ctx.signal : AbortSignal.any([ctx.signal, timeout]);
    try {
      const context: ConnectorContext = {
        logger: ctx.logger,
        signal,
        secrets: target.secrets,
        attempt,
        environment: ctx.plan.environment,
      };
      // With a timeout, the call is raced against it so a connector that ignores its signal
      // cannot outlive the attempt. Without one we trust the connector to honour the signal:
      // racing every call costs several µs per record.
      return timeout === undefined ? await call(context) : await raceSignal(call(context), signal);
    } catch (error) {
      if (ctx.signal.aborted) throw new CancelledError();
      if (timeout?.aborted) {
        throw new ConnectorError(
          `step "${planned.step.id}" attempt ${attempt} timed out after ${planned.timeoutMs} ms`,
          { retryable: true, cause: error },
        );
      }
      throw error;
    } finally {
      release?.();
      span.end();
    }
  };
  // The first attempt runs inline: p-retry costs tens of µs per call even when nothing fails,
  // so it only drives the retries.
  const retryAfter = async (error: unknown, failedAttempt: number): Promise<boolean> => {
    if (error instanceof CancelledError) return false;
    last = classifyFailure(error);
    const decision = decideRetry(planned.retry, failedAttempt, last, ctx.random);
    if (!decision.retry) return false;
    ctx.metrics.stepRetry(planned.step.id);
    ctx.events.add(
      "warn",
      "step.retry",
      {
        attempt: failedAttempt,
        delayMs: decision.delayMs,
        delaySource: decision.source,
        error: storedError(last),
        idempotencyKey: key,
      },
      { step: planned.step.id, recordKey },
    );
    await abortableSleep(decision.delayMs, ctx.signal);
    return true;
  };
  try {
    try {
      return await attemptOnce();
    } catch (error) {
      if (!(await retryAfter(error, 1))) throw error;
    }
    return await pRetry(attemptOnce, {
      retries: planned.retry.maxAttempts - 2,
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      signal: ctx.signal,
      onFailedAttempt: ({ error }) => {
        last = classifyFailure(error);
      },
      shouldRetry: ({ error, attemptNumber }) => retryAfter(error, attemptNumber + 1),
    });
  } catch (error) {
    if (error instanceof CancelledError || ctx.signal.aborted) throw new CancelledError();
    throw new AttemptsExhausted(last ?? classifyFailure(error), attempt);
  }
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
