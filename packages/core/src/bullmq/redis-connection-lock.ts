import { randomUUID } from "node:crypto";
import type { ConnectionLock } from "../connections/connection-lock";
import { ConnectorError } from "../connector-error";
import { ValidationError } from "../errors";

/** The two commands the lock sends; an ioredis client (what BullMQ uses) has them. */
export interface RedisLockClient {
  set(key: string, value: string, expiry: "PX", ms: number, mode: "NX"): Promise<"OK" | null>;
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisConnectionLock}. */
export interface RedisConnectionLockOptions {
  /** An ioredis client (`new Redis(redisConnection(url))`); the lock never closes it. */
  client: RedisLockClient;
  /**
   * Key prefix, to keep deployments (or tests) apart on one Redis.
   * @default "synapseops:connection-lock:"
   */
  prefix?: string;
  /**
   * How long the lock outlives a holder that stopped (a killed worker). A live holder renews it
   * every third of this, so a refresh slower than this still holds it.
   * @default 15_000
   */
  ttlMs?: number;
  /**
   * How long a caller waits for the lock before giving up with a retryable `ConnectorError`.
   * @default 60_000
   */
  waitMs?: number;
}

// Only the holder (the one whose random value is stored) may renew or release the lock.
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** The longest pause between two attempts to take a busy lock. */
const MAX_POLL_MS = 200;

/**
 * A {@link ConnectionLock} on Redis, for workers that share Redis (BullMQ): `SET key value NX PX`
 * takes it, a script that checks the value renews and releases it, so a holder never releases a
 * lock that expired and was taken by another. One Redis instance: no Redlock quorum, since the
 * lock only spares the provider a second refresh; the refresh itself re-reads the connection under
 * the lock and writes with compare-and-set.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@synapseops/core";
 * import { redisConnection, redisConnectionLock } from "@synapseops/core/bullmq";
 * import { Redis } from "ioredis";
 *
 * const runtime = createRuntime({
 *   connections: {
 *     lock: redisConnectionLock({ client: new Redis(redisConnection("redis://127.0.0.1:6379")) }),
 *   },
 * });
 * ```
 */
export function redisConnectionLock(options: RedisConnectionLockOptions): ConnectionLock {
  const prefix = options.prefix ?? "synapseops:connection-lock:";
  const ttlMs = positive(options.ttlMs ?? 15_000, "ttlMs");
  const waitMs = positive(options.waitMs ?? 60_000, "waitMs");
  const { client } = options;

  async function acquire(key: string, value: string, connectionId: string): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      if ((await client.set(key, value, "PX", ttlMs, "NX")) === "OK") return;
      if (Date.now() >= deadline) {
        throw new ConnectorError(
          `connection "${connectionId}": its refresh lock on Redis was held by another worker for over ${waitMs} ms`,
          { retryable: true },
        );
      }
      // Jitter, so waiting workers do not knock in step.
      await new Promise((resolve) => setTimeout(resolve, pause / 2 + Math.random() * (pause / 2)));
    }
  }

  return {
    async withLock(connectionId, fn) {
      const key = `${prefix}${connectionId}`;
      const value = randomUUID();
      await acquire(key, value, connectionId);
      const renewal = setInterval(() => {
        client.eval(RENEW, 1, key, value, ttlMs).catch(() => undefined);
      }, ttlMs / 3);
      renewal.unref();
      try {
        return await fn();
      } finally {
        clearInterval(renewal);
        // Not releasing (Redis unreachable) only delays the next holder until the key expires.
        await client.eval(RELEASE, 1, key, value).catch(() => undefined);
      }
    },
  };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`redisConnectionLock: ${name} must be a positive number of ms, got ${value}`, {
      path: `/${name}`,
    });
  }
  return value;
}
