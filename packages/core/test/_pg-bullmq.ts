import type { RunQueue, Store } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import { dropSchemasAndPrefixes } from "./_stores";

/**
 * PostgreSQL stores and BullMQ queues for the worker tests of one file: each schema and key
 * prefix they use is remembered and dropped by `cleanup`, so files sharing the servers keep apart.
 */
export interface PgBullmq {
  /** Why PostgreSQL or Redis is not reachable (under CI=true they must be), or `false`. */
  skip: string | false;
  pgUrl: string;
  /** Unique to this run of the file: start schema and prefix names with it. */
  tag: string;
  /** Redis' host and port: a BullMQ connection, or an ioredis client's options. */
  redis(): { host: string; port: number };
  /** A store on `schema` (several workers may share one). */
  store(schema: string): Store;
  /**
   * A BullMQ queue under `prefix`.
   * @default concurrency 4, lockDurationMs 2000
   */
  queue(prefix: string, options?: { concurrency?: number; lockDurationMs?: number }): RunQueue;
  /** Keys under `prefix` written by something else (a worker process, a limit backend): deleted too. */
  trackPrefix(prefix: string): void;
  /** Drops every schema and deletes every prefix's keys. */
  cleanup(): Promise<void>;
}

/** The engines for one test file; `label` starts its tag (`limits20`, `dur`). */
export async function pgBullmq(label: string): Promise<PgBullmq> {
  const pgService = await checkTestService("postgres");
  const redisService = await checkTestService("redis");
  const schemas = new Set<string>();
  const prefixes = new Set<string>();
  const redisUrl = new URL(redisService.url);
  const redis = (): { host: string; port: number } => ({
    host: redisUrl.hostname,
    port: Number(redisUrl.port || 6379),
  });
  const skip = pgService.skip || redisService.skip;
  return {
    skip,
    pgUrl: pgService.url,
    tag: `${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`,
    redis,
    store(schema) {
      schemas.add(schema);
      return postgresStore({ connectionString: pgService.url }, { schema });
    },
    queue(prefix, options = {}) {
      prefixes.add(prefix);
      const { concurrency = 4, lockDurationMs = 2000 } = options;
      return bullmqQueue({ connection: redis(), prefix, concurrency, lockDurationMs });
    },
    trackPrefix(prefix) {
      prefixes.add(prefix);
    },
    async cleanup() {
      if (!skip) await dropSchemasAndPrefixes(pgService.url, redisService.url, [...schemas], [...prefixes]);
    },
  };
}
