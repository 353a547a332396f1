import type { Logger } from "../../logger";
import { CancelledError } from "../execute/cancelled-error";
import { abortableSleep } from "../execute/sleep";
import type { LimitBackend, SlotLease } from "./limit-backend";

/** How long a waiting key sleeps between tries of the backend, at most (a local release wakes it). */
const MAX_RETRY_MS = 50;

interface Waiter {
  resolve: (lease: SlotLease) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * This process's door to a {@link LimitBackend}: one queue of waiters per key, served first come
 * first served by a single loop per key (so a flood of waiting records costs one backend call per
 * try, not one per record), leases renewed by one heartbeat, and a local release waking the
 * key's loop at once.
 */
export class KeyGate {
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly wake = new Map<string, () => void>();
  private readonly held = new Set<SlotLease>();
  private heartbeat: NodeJS.Timeout | undefined;
  private holders = 0;

  constructor(
    private readonly backend: LimitBackend,
    private readonly options: { leaseMs: number; workerId: string; logger: Logger },
  ) {}

  /** Waits for a slot of `key` (at most `limit` held over all workers). */
  takeSlot(key: string, limit: number, signal?: AbortSignal): Promise<SlotLease> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<SlotLease>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue !== undefined) {
        queue.push({ resolve, reject, signal });
        return;
      }
      const started = [{ resolve, reject, signal }];
      this.waiting.set(key, started);
      void this.serve(key, limit, started);
    });
  }

  /** Frees a slot and lets the key's next waiter in this process try at once. */
  release(lease: SlotLease): void {
    this.held.delete(lease);
    if (this.held.size === 0) this.stopHeartbeat();
    this.backend.releaseSlot(lease).catch((error: unknown) => {
      // The lease runs out by itself: a slot is lost for at most leaseMs.
      this.options.logger.warn({ err: error, key: lease.key }, "releasing a limit slot failed");
    });
    this.wake.get(lease.key)?.();
  }

  /** Waits until `key` may start one more record this second. */
  async takeRate(key: string, perSecond: number, signal?: AbortSignal): Promise<void> {
    for (let failures = 0; ; ) {
      let waitMs: number;
      try {
        waitMs = await this.backend.takeRate(key, perSecond);
        failures = 0;
      } catch (error) {
        waitMs = this.backoff(++failures, error, key);
      }
      if (waitMs === 0) return;
      await abortableSleep(waitMs, signal);
    }
  }

  private async serve(key: string, limit: number, queue: Waiter[]): Promise<void> {
    let idleMs = 1;
    let failures = 0;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (head.signal?.aborted) {
        queue.shift();
        head.reject(new CancelledError());
        continue;
      }
      let lease: SlotLease | undefined;
      let waitMs: number;
      try {
        lease = await this.backend.tryTakeSlot(key, limit, this.nextHolder(), this.options.leaseMs);
        failures = 0;
        waitMs = idleMs = Math.min(MAX_RETRY_MS, idleMs * 2);
      } catch (error) {
        waitMs = this.backoff(++failures, error, key);
      }
      if (lease !== undefined) {
        idleMs = 1;
        queue.shift();
        if (head.signal?.aborted) {
          void this.backend.releaseSlot(lease).catch(() => {});
          head.reject(new CancelledError());
          continue;
        }
        this.held.add(lease);
        this.startHeartbeat();
        head.resolve(lease);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake.set(key, done);
      });
      this.wake.delete(key);
    }
    this.waiting.delete(key);
  }

  /** A failing backend is tried again, slower each time up to a second: records wait, none is lost. */
  private backoff(failures: number, error: unknown, key: string): number {
    if (failures === 1)
      this.options.logger.warn({ err: error, key }, "the record limit backend failed; waiting and trying again");
    return Math.min(1_000, 10 * 2 ** failures);
  }

  private nextHolder(): string {
    this.holders += 1;
    return `${this.options.workerId}:${this.holders}`;
  }

  private startHeartbeat(): void {
    if (this.heartbeat !== undefined) return;
    this.heartbeat = setInterval(() => {
      this.backend.renewSlots([...this.held], this.options.leaseMs).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, "renewing limit slots failed; trying again");
      });
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
