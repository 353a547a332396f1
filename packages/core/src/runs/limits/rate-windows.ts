import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";

/**
 * `LimitBackend.takeRate` on rate-limiter-flexible: one limiter per allowance (its `points`),
 * each counting starts per key in one-second fixed windows in the backend `make` builds on.
 */
export function rateWindows(
  make: (perSecond: number) => RateLimiterAbstract,
): (key: string, perSecond: number) => Promise<number> {
  const limiters = new Map<number, RateLimiterAbstract>();
  return async (key, perSecond) => {
    let limiter = limiters.get(perSecond);
    if (limiter === undefined) {
      limiter = make(perSecond);
      limiters.set(perSecond, limiter);
    }
    try {
      await limiter.consume(key, 1);
      return 0;
    } catch (rejection) {
      // The library rejects with a RateLimiterRes when the window is full, an Error when its store fails.
      if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
      throw rejection;
    }
  };
}
