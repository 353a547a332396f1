/**
 * Distributed workers for `@synapseops/core` on BullMQ (Redis): many processes share a durable
 * run's batches. Needs the optional `bullmq` package and a durable store. `redisConnectionLock`
 * keeps connection refreshes single-flight on the same Redis.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@synapseops/core";
 * import { bullmqQueue, redisConnection } from "@synapseops/core/bullmq";
 * import { postgresStore } from "@synapseops/core/postgres";
 *
 * const runtime = createRuntime({
 *   store: postgresStore({ connectionString: process.env.DATABASE_URL! }),
 *   queue: bullmqQueue({ connection: redisConnection(process.env.REDIS_URL!) }),
 * });
 * const run = await runtime.runs.start(blueprintId, { records });
 * ```
 * @module
 */

export type { BullmqQueueOptions } from "./bullmq-queue";
export { bullmqQueue } from "./bullmq-queue";
export type { RedisConnectionLockOptions, RedisLockClient } from "./redis-connection-lock";
export { redisConnectionLock } from "./redis-connection-lock";
export type { RedisLimitBackendOptions, RedisScripting } from "./redis-limit-backend";
export { redisLimitBackend } from "./redis-limit-backend";
export type { RedisConnectionOptions } from "./redis-url";
export { redisConnection } from "./redis-url";
