import pRetry from "p-retry";
import { CancelledError } from "../execute/cancelled-error";
import { abortableSleep } from "../execute/sleep";
import type { PlannedCall } from "../plan/run-plan";
import type { RecordInFlight } from "../records/record-context";
import { type ClassifiedFailure, classifyFailure, storedError } from "./classify-error";
import { decideRetry } from "./retry-policy";

/** Thrown when a step's call used up its attempts; carries the last failure. */
export class AttemptsExhausted extends Error {
  constructor(
    readonly failure: ClassifiedFailure,
    readonly attempts: number,
  ) {
    super(failure.message);
  }
}

/**
 * Thrown when the next retry waits `parkAfterMs` or more: the record is to be parked (see
 * park-record.ts) instead of sleeping here. `attempts` counts the attempts made so far.
 */
export class RetryParked extends Error {
  constructor(
    readonly planned: PlannedCall,
    readonly failure: ClassifiedFailure,
    readonly attempts: number,
    readonly delayMs: number,
    readonly delaySource: "backoff" | "retry-after",
  ) {
    super(failure.message);
  }
}

/**
 * Makes attempts of a step's call under its retry policy: p-retry drives the attempts, our policy
 * decides each delay (exponential backoff with jitter, or the peer's Retry-After), and each retry
 * is a `step.retry` event. Ends with the call's answer, a CancelledError when the run is
 * cancelled, {@link RetryParked} when the next wait is long enough to park the record, or
 * {@link AttemptsExhausted}. A record resumed from parking counts on from its attempts so far.
 */
export async function withRetries<T>(
  record: RecordInFlight,
  planned: PlannedCall,
  attemptOnce: (attempt: number) => Promise<T>,
): Promise<T> {
  const { ctx } = record;
  const resume = record.start.resume;
  const state: Attempts = {
    made: resume !== undefined && resume.stepIndex === planned.index ? (resume.attempts ?? 0) : 0,
    last: undefined,
  };
  try {
    // The first attempt runs inline: p-retry costs tens of µs per call even when nothing fails,
    // so it only drives the retries. No closure is made for it either: the build keeps function
    // names (keepNames), and each named closure costs a property definition per record.
    try {
      return await attemptOnce(++state.made);
    } catch (error) {
      if (!(await retryAfter(record, planned, state, error))) throw error;
    }
    return await pRetry(() => attemptOnce(++state.made), {
      // An upper bound only: decideRetry ends the attempts (it knows an explicit schedule's length).
      retries: planned.retry.maxAttempts,
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      signal: ctx.signal,
      onFailedAttempt: ({ error }) => {
        state.last = classifyFailure(error);
      },
      shouldRetry: ({ error }) => retryAfter(record, planned, state, error),
    });
  } catch (error) {
    if (error instanceof CancelledError || ctx.signal.aborted) throw new CancelledError();
    if (error instanceof RetryParked) throw error;
    throw new AttemptsExhausted(state.last ?? classifyFailure(error), state.made);
  }
}

/** The attempts of one step's call: how many were made, and the last failure. */
interface Attempts {
  made: number;
  last: ClassifiedFailure | undefined;
}

/**
 * Whether the call is tried again after its failed attempt: the policy's decision, logged as a
 * `step.retry` event and slept; throws {@link RetryParked} when the wait is long enough to park.
 */
async function retryAfter(
  record: RecordInFlight,
  planned: PlannedCall,
  state: Attempts,
  error: unknown,
): Promise<boolean> {
  const { ctx } = record;
  if (error instanceof CancelledError) return false;
  const failedAttempt = state.made;
  const last = classifyFailure(error);
  state.last = last;
  const decision = decideRetry(planned.retry, failedAttempt, last, ctx.random);
  if (!decision.retry) return false;
  if (decision.park) throw new RetryParked(planned, last, failedAttempt, decision.delayMs, decision.source);
  ctx.metrics.stepRetry(planned.step.id);
  ctx.events.add(
    "warn",
    "step.retry",
    {
      attempt: failedAttempt,
      delayMs: decision.delayMs,
      delaySource: decision.source,
      error: storedError(last),
      idempotencyKey: record.key,
    },
    { step: planned.step.id, recordKey: record.recordKey },
  );
  await abortableSleep(decision.delayMs, ctx.signal);
  return true;
}
