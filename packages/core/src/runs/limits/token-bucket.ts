import { abortableSleep } from "../execute/sleep";

/** A rate limit: `ratePerSecond` tokens refill continuously up to `burst`. */
export interface RateLimit {
  ratePerSecond: number;
  /** @default ratePerSecond (at least 1) */
  burst?: number;
}

/**
 * A token bucket shared by every call to one connector, so a target sees at most `burst` calls at
 * once and `ratePerSecond` on average, however many runs and records are in flight.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly capacity: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, limit.burst ?? limit.ratePerSecond);
    this.tokens = this.capacity;
    this.updatedAt = now();
  }

  /** Takes a token, waiting until one is available. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((now - this.updatedAt) / 1000) * this.limit.ratePerSecond,
      );
      this.updatedAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await abortableSleep(Math.ceil(((1 - this.tokens) / this.limit.ratePerSecond) * 1000), signal);
    }
  }
}
