import { RateLimiterRedis } from "rate-limiter-flexible";
import type { LimitBackend, SlotLease } from "../runs/limits/limit-backend";
import { rateWindows } from "../runs/limits/rate-windows";

/** The Redis calls the backend makes: an ioredis client (BullMQ's own) has them. */
export interface RedisScripting {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisLimitBackend}. */
export interface RedisLimitBackendOptions {
  /**
   * Prefix of every key the backend writes, to keep deployments (or tests) apart on one Redis.
   * @default "synapseops"
   */
  prefix?: string;
}

// Times are Redis's own clock (TIME), so workers whose clocks disagree still agree on leases.
// Scripts read TIME before writing, which Redis 5+ replicates as effects.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] the key's slots (holder → lease end); ARGV limit, holder, leaseMs. 1 when taken. */
const TAKE_SLOT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
return 1`;

/** KEYS the slots' keys; ARGV[1] leaseMs, then one holder per key. Lapsed leases stay lost. */
const RENEW_SLOTS = `${NOW}
local lease = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local score = redis.call('ZSCORE', key, ARGV[i + 1])
  if score and tonumber(score) > now then
    redis.call('ZADD', key, 'XX', now + lease, ARGV[i + 1])
    redis.call('PEXPIRE', key, 2 * lease)
  end
end
return 0`;

const RELEASE_SLOT = "return redis.call('ZREM', KEYS[1], ARGV[1])";

/**
 * Record limits on Redis: a key's concurrency slots are a sorted set of holders scored by lease
 * end (taken atomically by a script), rates count in rate-limiter-flexible's Redis limiter.
 * `bullmqQueue` gives the runtime one on its own connection; a host may make one for another
 * queue with an ioredis client.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createRuntime } from "@synapseops/core";
 * import { redisLimitBackend } from "@synapseops/core/bullmq";
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const runtime = createRuntime({
 *   recordLimits: {
 *     limits: [{ name: "tenant", key: "record.tenantId", concurrency: 2 }],
 *     backend: redisLimitBackend(async () => redis),
 *   },
 * });
 * ```
 */
export function redisLimitBackend(
  client: () => Promise<RedisScripting>,
  options: RedisLimitBackendOptions = {},
): LimitBackend {
  const prefix = `${options.prefix ?? "synapseops"}:limits`;
  const slotsKey = (key: string): string => `${prefix}:slots:${key}`;
  let rates: Promise<(key: string, perSecond: number) => Promise<number>> | undefined;
  const getRates = (): Promise<(key: string, perSecond: number) => Promise<number>> => {
    rates ??= client().then((redis) =>
      rateWindows(
        (perSecond) =>
          new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${prefix}:rate:${perSecond}`,
            points: perSecond,
            duration: 1,
          }),
      ),
    );
    rates.catch(() => (rates = undefined));
    return rates;
  };
  return {
    kind: "redis",
    async tryTakeSlot(key, limit, holder, leaseMs) {
      const taken = await (await client()).eval(TAKE_SLOT, 1, slotsKey(key), limit, holder, leaseMs);
      return Number(taken) === 1 ? { key, holder, slot: 0 } : undefined;
    },
    async renewSlots(leases: readonly SlotLease[], leaseMs) {
      if (leases.length === 0) return;
      await (await client()).eval(
        RENEW_SLOTS,
        leases.length,
        ...leases.map((l) => slotsKey(l.key)),
        leaseMs,
        ...leases.map((l) => l.holder),
      );
    },
    async releaseSlot(lease) {
      await (await client()).eval(RELEASE_SLOT, 1, slotsKey(lease.key), lease.holder);
    },
    async takeRate(key, perSecond) {
      return (await getRates())(key, perSecond);
    },
  };
}
