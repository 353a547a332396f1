import type { Logger } from "../../logger";
import { CancelledError } from "../execute/cancelled-error";
import { abortableSleep } from "../execute/sleep";
import type { LimitBackend, SlotLease } from "./limit-backend";

/** How long a waiting key sleeps between tries of the backend, at most (a local release wakes it). */
const MAX_RETRY_MS = 50;

/**
 * Records of one key that take over a slot released here before it goes back to the backend: it
 * saves two round trips per record, and bounds how long this worker keeps a key's slot from
 * other workers.
 */
const MAX_HANDOFFS = 32;

interface Waiter {
  resolve: (lease: SlotLease) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * This process's door to a {@link LimitBackend}: one queue of waiters per key, served first come
 * first served by a single loop per key (so a flood of waiting records costs one backend call per
 * try, not one per record), a released slot handed to the key's next local waiter, leases renewed
 * by one heartbeat.
 */
export class KeyGate {
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly wake = new Map<string, () => void>();
  private readonly held = new Set<SlotLease>();
  /** Slots this process holds per key: at the limit, only a local release can free one. */
  private readonly heldPerKey = new Map<string, number>();
  /** How many times in a row each held slot went straight to a local waiter. */
  private readonly handoffs = new Map<SlotLease, number>();
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

  /**
   * Frees a slot: the key's next waiter in this process takes it over at once (no backend round
   * trip), up to {@link MAX_HANDOFFS} times in a row; then it goes back to the backend, where
   * every worker may take it.
   */
  release(lease: SlotLease): void {
    if (!this.held.has(lease)) return;
    const handed = this.handoffs.get(lease) ?? 0;
    if (handed < MAX_HANDOFFS && this.handOver(lease)) {
      this.handoffs.set(lease, handed + 1);
      return;
    }
    this.giveBack(lease);
  }

  /**
   * Takes a slot of `key` if one is free now, without waiting (job admission, key-admission.ts);
   * undefined when this process or the backend holds all `limit`. The slot is renewed like any
   * other until {@link release}d.
   */
  async tryHold(key: string, limit: number): Promise<SlotLease | undefined> {
    if ((this.heldPerKey.get(key) ?? 0) >= limit) return undefined;
    const lease = await this.backend.tryTakeSlot(key, limit, this.nextHolder(), this.options.leaseMs);
    if (lease === undefined) return undefined;
    this.held.add(lease);
    this.count(key, 1);
    this.startHeartbeat();
    return lease;
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
      const free = limit - (this.heldPerKey.get(key) ?? 0);
      if (free <= 0) {
        // Asking the backend cannot succeed: wait for one of ours to be released.
        await this.pause(key, this.options.leaseMs);
        continue;
      }
      // As many tries at once as there are waiters and slots this process could still hold.
      const tries = await Promise.allSettled(
        Array.from({ length: Math.min(free, queue.length) }, () =>
          this.backend.tryTakeSlot(key, limit, this.nextHolder(), this.options.leaseMs),
        ),
      );
      const leases = tries.flatMap((t) =>
        t.status === "fulfilled" && t.value !== undefined ? [t.value] : [],
      );
      const failed = tries.find((t) => t.status === "rejected");
      let waitMs: number;
      if (failed !== undefined) waitMs = this.backoff(++failures, failed.reason, key);
      else {
        failures = 0;
        waitMs = idleMs = Math.min(MAX_RETRY_MS, idleMs * 2);
      }
      if (leases.length > 0) {
        idleMs = 1;
        for (const lease of leases) {
          this.held.add(lease);
          this.count(key, 1);
        }
        this.startHeartbeat();
        // Whoever waits first now gets each (a handed-over slot may have served some meanwhile).
        for (const lease of leases) if (!this.handOver(lease)) this.giveBack(lease);
        continue;
      }
      await this.pause(key, waitMs);
    }
    this.waiting.delete(key);
  }

  /** Gives a held slot to the key's first waiter still waiting; false when none is. */
  private handOver(lease: SlotLease): boolean {
    const queue = this.waiting.get(lease.key);
    while (queue !== undefined && queue.length > 0) {
      const next = queue.shift()!;
      if (next.signal?.aborted) {
        next.reject(new CancelledError());
        continue;
      }
      next.resolve(lease);
      return true;
    }
    return false;
  }

  /** Returns a slot to the backend and lets the key's loop try again at once. */
  private giveBack(lease: SlotLease): void {
    this.held.delete(lease);
    this.handoffs.delete(lease);
    this.count(lease.key, -1);
    if (this.held.size === 0) this.stopHeartbeat();
    this.backend.releaseSlot(lease).catch((error: unknown) => {
      // The lease runs out by itself: a slot is lost for at most leaseMs.
      this.options.logger.warn({ err: error, key: lease.key }, "releasing a limit slot failed");
    });
    this.wake.get(lease.key)?.();
  }

  /** Sleeps up to `ms`, or until a slot of `key` is released here. */
  private async pause(key: string, ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake.set(key, done);
    });
    this.wake.delete(key);
  }

  private count(key: string, delta: number): void {
    const next = (this.heldPerKey.get(key) ?? 0) + delta;
    if (next <= 0) this.heldPerKey.delete(key);
    else this.heldPerKey.set(key, next);
  }

  /** A failing backend is tried again, slower each time up to a second: records wait, none is lost. */
  private backoff(failures: number, error: unknown, key: string): number {
    if (failures === 1)
      this.options.logger.warn(
        { err: error, key },
        "the record limit backend failed; waiting and trying again",
      );
    return Math.min(1_000, 10 * 2 ** failures);
  }

  private nextHolder(): string {
    this.holders += 1;
    return `${this.options.workerId}:${this.holders}`;
  }

  private startHeartbeat(): void {
    if (this.heartbeat !== undefined) return;
    this.heartbeat = setInterval(
      () => {
        this.backend.renewSlots([...this.held], this.options.leaseMs).catch((error: unknown) => {
          this.options.logger.warn({ err: error }, "renewing limit slots failed; trying again");
        });
      },
      Math.max(100, Math.floor(this.options.leaseMs / 3)),
    );
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
