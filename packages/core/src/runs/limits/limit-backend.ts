/** A concurrency slot held in a {@link LimitBackend}. */
export interface SlotLease {
  /** The limit's name and the record's key, as one string (`tenant:acme`). */
  key: string;
  /** Who holds it: unique per acquisition. */
  holder: string;
  /** Which of the key's slots (backends that number them), else 0. */
  slot: number;
}

/**
 * Where record limits keep their shared state, so every worker sees the same counts: Redis
 * (`redisLimitBackend` of `@synapseops/core/bullmq`), PostgreSQL (the postgres store's) or this
 * process (`memoryLimitBackend`). Slots are leases: one not renewed is free after `leaseMs`, so
 * a killed worker never keeps one. Times are the backend's own clock where it has one.
 */
export interface LimitBackend {
  /** For health reports and logs (`memory`, `redis`, `postgres`). */
  readonly kind: string;
  /** Takes a free slot of `key` (at most `limit` held at once) for `leaseMs`; undefined when all are held. */
  tryTakeSlot(key: string, limit: number, holder: string, leaseMs: number): Promise<SlotLease | undefined>;
  /** Extends held slots by `leaseMs` from now (a slot already taken over stays lost). */
  renewSlots(slots: readonly SlotLease[], leaseMs: number): Promise<void>;
  /** Frees a slot at once. */
  releaseSlot(slot: SlotLease): Promise<void>;
  /**
   * Counts one start of `key` in its current one-second window, allowing `perSecond` per window.
   * @returns 0 when counted; otherwise the milliseconds until the window ends (nothing counted).
   */
  takeRate(key: string, perSecond: number): Promise<number>;
  /** Frees what the backend opened itself (never a connection the host passed in). */
  close?(): Promise<void>;
}
