import { trace } from "@opentelemetry/api";
import { ErrorCode } from "../../errors";
import { CancelledError } from "../execute/cancelled-error";
import { claimedWithBatch, claimKey, previewKey, releaseKey } from "../idempotency/claim-key";
import { keyOwner, recordIdempotencyKey } from "../idempotency/idempotency-key";
import { completeKey } from "../idempotency/key-completion";
import { classifyFailure } from "../retries/classify-error";
import { parkRecord } from "../retries/park-record";
import { AttemptsExhausted, RetryParked } from "../retries/with-retries";
import type {
  RecordContext,
  RecordInFlight,
  RecordOutcome,
  RecordStart,
  StepTraceSettings,
} from "./record-context";
import { failRecord } from "./record-failure";
import { runStep } from "./step-runners";
import { StepTrace } from "./step-trace";

/** OpenTelemetry through the API package only: a no-op unless the host installed an SDK. */
const tracer = trace.getTracer("@synapseops/core");

/**
 * Runs one record through the plan's steps: its idempotency key claimed, each step in order
 * (step-runners.ts; retries in with-retries.ts), then its outcome stored under the key — or
 * its failure (record-failure.ts: the key released, a dead letter).
 */
export async function processRecord(ctx: RecordContext, start: RecordStart): Promise<RecordOutcome> {
  const startedAt = performance.now();
  const span = tracer.startSpan("synapseops.record", {
    attributes: { "synapseops.run_id": ctx.run.id, "synapseops.record_position": start.position },
  });
  try {
    const record = await beginRecord(ctx, start);
    const outcome = typeof record === "string" ? record : await runSteps(record, startedAt);
    span.setAttribute("synapseops.outcome", outcome);
    return outcome;
  } finally {
    span.end();
  }
}

/**
 * The record ready for its first step: resumed after an approval (its key already held), or
 * with its key computed and claimed. An outcome instead when the record ends before any step (a
 * duplicate, a conflict, a key that cannot be computed).
 */
async function beginRecord(ctx: RecordContext, start: RecordStart): Promise<RecordInFlight | RecordOutcome> {
  const owner = keyOwner(ctx.run.id, start.position);
  const { resume } = start;
  if (resume !== undefined) {
    if (resume.reclaim && resume.key !== undefined && !ctx.run.dryRun) {
      const claim = await claimKey(ctx, owner, resume.key, start.record, resume.recordKey);
      if (claim !== "claimed") return claim;
    }
    return inFlight(ctx, start, owner, resume.key, resume.recordKey, resume.value);
  }
  let key: string | undefined;
  try {
    key = start.claim?.key ?? (await recordIdempotencyKey(ctx.plan, start));
  } catch (error) {
    return failRecord(ctx, {
      owner,
      record: start.record,
      recordKey: `#${start.position}`,
      key: undefined,
      failure: classifyFailure(error),
      attempts: 1,
    });
  }
  const recordKey = key ?? `#${start.position}`;
  if (key !== undefined && (ctx.run.dryRun || !claimedWithBatch(ctx, start.claim?.result))) {
    const claim = ctx.run.dryRun
      ? await previewKey(ctx, owner, key, start.record, recordKey)
      : await claimKey(ctx, owner, key, start.record, recordKey, start.claim?.result);
    if (claim !== "claimed") return claim;
  }
  return inFlight(ctx, start, owner, key, recordKey, start.record);
}

// Module-level helpers rather than closures per record: the build keeps function names
// (keepNames), so each named closure costs a property definition every time it is made.

function inFlight(
  ctx: RecordContext,
  start: RecordStart,
  owner: string,
  key: string | undefined,
  recordKey: string,
  value: unknown,
): RecordInFlight {
  return {
    ctx,
    start,
    owner,
    key,
    recordKey,
    value,
    lastResult: undefined,
    completedByTarget: false,
    stepAttempt: 0,
  };
}

/** The record's outcome stored under its key, and its latency counted. */
async function finishRecord(
  record: RecordInFlight,
  startedAt: number,
  outcome: RecordOutcome,
  result?: unknown,
): Promise<RecordOutcome> {
  await completeKey(record, outcome, result);
  record.ctx.metrics.recordLatency(performance.now() - startedAt);
  return outcome;
}

/** The record's steps; not async itself: without a trace it is `runStepsInOrder`'s promise. */
function runSteps(record: RecordInFlight, startedAt: number): Promise<RecordOutcome> {
  const { stepTrace } = record.ctx;
  if (stepTrace === undefined) return runStepsInOrder(record, startedAt, undefined);
  return runTracedSteps(record, startedAt, stepTrace);
}

/** The record's steps with a per-step trace, written once they end however they end. */
async function runTracedSteps(
  record: RecordInFlight,
  startedAt: number,
  stepTrace: StepTraceSettings,
): Promise<RecordOutcome> {
  const trace = new StepTrace(record.ctx, stepTrace);
  try {
    return await runStepsInOrder(record, startedAt, trace);
  } finally {
    trace.write(record.recordKey);
  }
}

async function runStepsInOrder(
  record: RecordInFlight,
  startedAt: number,
  trace: StepTrace | undefined,
): Promise<RecordOutcome> {
  const { ctx } = record;
  const firstStep = record.start.resume?.stepIndex ?? 0;
  for (let index = firstStep; index < ctx.plan.steps.length; index += 1) {
    const planned = ctx.plan.steps[index]!;
    const stepStarted = performance.now();
    record.stepAttempt = 0;
    trace?.begin(planned, record.value);
    try {
      const end = await runStep(record, planned);
      ctx.metrics.stepCall(planned.step.id, performance.now() - stepStarted, false);
      trace?.succeeded(end, record);
      if (end === "filtered") return finishRecord(record, startedAt, "filtered");
      if (end === "waiting") return "waiting";
    } catch (error) {
      ctx.metrics.stepCall(planned.step.id, performance.now() - stepStarted, true);
      trace?.failed(error, error instanceof CancelledError || ctx.signal.aborted, record);
      if (error instanceof RetryParked) return parkRecord(record, error);
      if (error instanceof CancelledError || ctx.signal.aborted) {
        await releaseKey(ctx, record.owner, record.key, {
          retryable: true,
          code: ErrorCode.CANCELLED,
          message: "cancelled",
        });
        throw error instanceof CancelledError ? error : new CancelledError();
      }
      const exhausted = error instanceof AttemptsExhausted ? error : undefined;
      return failRecord(ctx, {
        owner: record.owner,
        record: record.start.record,
        recordKey: record.recordKey,
        key: record.key,
        step: planned.step.id,
        failure: exhausted?.failure ?? classifyFailure(error),
        attempts: exhausted?.attempts ?? 1,
      });
    }
  }
  return finishRecord(record, startedAt, "completed", record.lastResult);
}
