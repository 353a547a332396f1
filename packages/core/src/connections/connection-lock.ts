/**
 * Serialises the refreshes of one connection across every worker, so a rotating refresh token is
 * spent once (a second refresh with it would be refused as a replay and break the connection).
 * The default is the store's lock (`Store.withConnectionLock`: a PostgreSQL advisory lock, or in
 * process for the memory store); `redisConnectionLock` from `@synapseops/core/bullmq` is the one
 * for hosts whose workers share Redis.
 */
export interface ConnectionLock {
  /**
   * Runs `fn` while holding the connection's lock, waiting for it first. Whatever `fn` writes to
   * the store is written before the lock is released.
   */
  withLock<T>(connectionId: string, fn: () => Promise<T>): Promise<T>;
}
