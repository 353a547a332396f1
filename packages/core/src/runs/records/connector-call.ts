import { trace } from "@opentelemetry/api";
import type { ConnectorContext } from "../../connector";
import { ConnectorError } from "../../connector-error";
import { CancelledError } from "../execute/cancelled-error";
import { callCredentials } from "../plan/run-connection";
import type { PlannedCall } from "../plan/run-plan";
import { withRetries } from "../retries/with-retries";
import type { RecordInFlight } from "./record-context";

/** OpenTelemetry through the API package only: a no-op unless the host installed an SDK. */
const tracer = trace.getTracer("@synapseops/core");

/**
 * Calls a step's connector under its retry policy (see with-retries.ts), each attempt with the
 * step's timeout, the connector's rate limit and concurrency bound, and a span.
 */
export async function callConnector<T>(
  record: RecordInFlight,
  planned: PlannedCall,
  call: (context: ConnectorContext) => Promise<T>,
): Promise<T> {
  const { ctx } = record;
  const target = planned.target;
  const limiter = ctx.limiter(target.ref.id);
  return withRetries(record, planned, async (attempt) => {
    record.stepAttempt = attempt;
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
      const credentials = callCredentials(target, ctx.connection);
      const context: ConnectorContext = {
        logger: ctx.logger,
        signal,
        secrets: credentials.secrets,
        attempt,
        environment: ctx.plan.environment,
      };
      // Set, not spread from a temporary object made per attempt (issue 21).
      if (credentials.connection !== undefined) context.connection = credentials.connection;
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
  });
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
