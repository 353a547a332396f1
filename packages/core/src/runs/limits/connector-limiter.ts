import { Semaphore } from "./semaphore";
import { type RateLimit, TokenBucket } from "./token-bucket";

/** Limits shared across runs for one connector ref. */
export interface ConnectorLimiter {
  bucket?: TokenBucket;
  semaphore?: Semaphore;
}

/** What `connectorLimits` of `createRuntime` gives one connector ref. */
export interface ConnectorLimits {
  concurrency?: number;
  rate?: RateLimit;
}

/**
 * The limiter of each connector ref, made on first use and shared by every run of the runtime,
 * so a target sees the configured rate and concurrency however many runs call it.
 */
export function connectorLimiters(
  limits: Readonly<Record<string, ConnectorLimits>> | undefined,
): (connectorRefId: string) => ConnectorLimiter {
  const limiters = new Map<string, ConnectorLimiter>();
  return (refId) => {
    let found = limiters.get(refId);
    if (found === undefined) {
      const configured = limits?.[refId];
      found = {
        ...(configured?.rate ? { bucket: new TokenBucket(configured.rate) } : {}),
        ...(configured?.concurrency ? { semaphore: new Semaphore(configured.concurrency) } : {}),
      };
      limiters.set(refId, found);
    }
    return found;
  };
}
