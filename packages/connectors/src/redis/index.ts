/**
 * Redis Streams for SynapseOps: deduplicated `XADD` writes, cursor reads, consumer-group
 * subscriptions with `XACK` after success and `XAUTOCLAIM` of dead consumers' entries.
 * Needs the optional `ioredis` package.
 *
 * @example
 * ```ts
 * import { redisStreams } from "@synapseops/connectors/redis";
 *
 * const runtime = createRuntime({ connectors: [redisStreams()] });
 * ```
 * @module
 */

export type { RedisStreamsConfigInput, RedisStreamsConnectorConfig } from "./config";
export { RedisStreamsConfig } from "./config";
export type {
  RedisStreamsConnector,
  RedisStreamsOptions,
  RedisStreamsWriteResult,
} from "./redis-streams-connector";
export { redisStreams } from "./redis-streams-connector";
