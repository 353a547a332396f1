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
  let attempt = resume !== undefined && resume.stepIndex === planned.index ? (resume.attempts ?? 0) : 0;
  let last: ClassifiedFailure | undefined;
  const nextAttempt = (): Promise<T> => attemptOnce(++attempt);
  const retryAfter = async (error: unknown, failedAttempt: number): Promise<boolean> => {
    if (error instanceof CancelledError) return false;
    last = classifyFailure(error);
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
  };
  try {
    // The first attempt runs inline: p-retry costs tens of µs per call even when nothing fails,
    // so it only drives the retries.
    try {
      return await nextAttempt();
    } catch (error) {
      if (!(await retryAfter(error, attempt))) throw error;
    }
    return await pRetry(nextAttempt, {
      // An upper bound only: decideRetry ends the attempts (it knows an explicit schedule's length).
      retries: planned.retry.maxAttempts,
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      signal: ctx.signal,
      onFailedAttempt: ({ error }) => {
        last = classifyFailure(error);
      },
      shouldRetry: ({ error }) => retryAfter(error, attempt),
    });
  } catch (error) {
    if (error instanceof CancelledError || ctx.signal.aborted) throw new CancelledError();
    if (error instanceof RetryParked) throw error;
    throw new AttemptsExhausted(last ?? classifyFailure(error), attempt);
  }
}
