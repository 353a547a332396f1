import { RetryPolicy } from "../../model/step";
import { parseInput } from "../../parse-input";

/** A retry policy with every field filled in (`delaysMs` stays optional: the exponential form). */
export type NormalisedRetryPolicy = Required<Omit<RetryPolicy, "delaysMs">> & Pick<RetryPolicy, "delaysMs">;

/**
 * Validates a step's retry policy and fills in the defaults: 10 attempts, 500 ms initial delay
 * ceiling, ×2 per retry, 30 s cap, equal jitter — between 60.75 s and 121.5 s of waiting before a
 * record is given up, so a minute of outage does not dead-letter it (issue 16).
 *
 * @throws ValidationError with the path of the bad field.
 */
export function normaliseRetryPolicy(policy: unknown = {}): NormalisedRetryPolicy {
  return parseInput(RetryPolicy, policy ?? {}, "retry policy", "/retry");
}

/**
 * The delay before retry number `retry` (1 = the first retry), following the "exponential
 * backoff and jitter" recipes: the ceiling is min(maxDelay, initialDelay · multiplier^(retry-1));
 * `full` draws uniformly from [0, ceiling], `equal` from [ceiling/2, ceiling], `none` is the
 * ceiling itself. `random` is injectable so tests can seed it.
 */
export function backoffDelay(
  policy: NormalisedRetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.multiplier ** Math.max(0, retry - 1),
  );
  switch (policy.jitter) {
    case "full":
      return Math.floor(random() * (ceiling + 1));
    case "equal":
      return Math.floor(ceiling / 2 + random() * (ceiling / 2 + 1));
    case "none":
      return ceiling;
  }
}

/** Attempts in all: `maxAttempts`, or fewer when an explicit schedule lists fewer retries. */
export function attemptLimit(policy: NormalisedRetryPolicy): number {
  return policy.delaysMs === undefined
    ? policy.maxAttempts
    : Math.min(policy.maxAttempts, policy.delaysMs.length + 1);
}

/** The longest single wait the policy allows: a peer's Retry-After beyond it ends the retries. */
export function longestDelay(policy: NormalisedRetryPolicy): number {
  return policy.delaysMs === undefined ? policy.maxDelayMs : Math.max(policy.maxDelayMs, ...policy.delaysMs);
}

/** The delay before retry number `retry`: the schedule's entry, or the exponential backoff. */
export function retryDelay(policy: NormalisedRetryPolicy, retry: number, random?: () => number): number {
  const listed = policy.delaysMs?.[retry - 1];
  return listed ?? backoffDelay(policy, retry, random);
}

/**
 * What to do after a failed attempt. `park` is set when the wait reaches the policy's
 * `parkAfterMs`: the record is stored until then instead of holding its worker.
 */
export type RetryDecision =
  | { retry: true; delayMs: number; source: "backoff" | "retry-after"; park: boolean }
  | { retry: false; reason: "not-retryable" | "attempts-exhausted" | "retry-after-too-long" };

/**
 * Decides whether and when to retry. A peer's `Retry-After` replaces the computed delay (never
 * retrying earlier than the peer asked); one longer than the policy's longest delay ends the
 * retries instead of waiting past the policy's bound.
 */
export function decideRetry(
  policy: NormalisedRetryPolicy,
  attempt: number,
  failure: { retryable: boolean; retryAfterMs?: number | undefined },
  random?: () => number,
): RetryDecision {
  if (!failure.retryable) return { retry: false, reason: "not-retryable" };
  if (attempt >= attemptLimit(policy)) return { retry: false, reason: "attempts-exhausted" };
  const park = (delayMs: number): boolean => delayMs >= policy.parkAfterMs;
  if (failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > longestDelay(policy)) return { retry: false, reason: "retry-after-too-long" };
    const delayMs = failure.retryAfterMs;
    return { retry: true, delayMs, source: "retry-after", park: park(delayMs) };
  }
  const delayMs = retryDelay(policy, attempt, random);
  return { retry: true, delayMs, source: "backoff", park: park(delayMs) };
}

/**
 * The least and the most a record waits in all, over every retry of the policy (a peer's
 * Retry-After aside): what the policy rides out for sure, and how long it may hold a record.
 */
export function retryHorizon(policy: NormalisedRetryPolicy): { minMs: number; maxMs: number } {
  let minMs = 0;
  let maxMs = 0;
  for (let retry = 1; retry < attemptLimit(policy); retry += 1) {
    minMs += retryDelay(policy, retry, () => 0);
    // Every jitter draws at most the ceiling, which is the delay without jitter.
    maxMs += retryDelay({ ...policy, jitter: "none" }, retry);
  }
  return { minMs, maxMs };
}
