import { memoryStore, type RunQueue, type Store } from "@synapseops/core";
import { bullmqQueue } from "@synapseops/core/bullmq";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService } from "@synapseops/core/testing";
import pg from "pg";

/** A way to make a fresh store for one test, and to clean up after all of them. */
export interface StoreFactory {
  name: string;
  make: () => Promise<Store>;
  skip: string | false;
  cleanup: () => Promise<void>;
}

/**
 * The queue a runtime built on a store should use by default (see `approvedPayments`): set for
 * stores made by the `postgres+bullmq` factory, so the executor's behavioural tests run on
 * BullMQ workers without each test naming a queue.
 */
export const defaultQueues = new WeakMap<Store, RunQueue>();

/**
 * The stores the runtime tests run on: memory always, PostgreSQL when reachable (under CI=true it
 * must be). Each PostgreSQL store gets a schema of its own, dropped by `cleanup`.
 */
export async function storeFactories(options: { bullmq?: boolean } = {}): Promise<StoreFactory[]> {
  const service = await checkTestService("postgres");
  const schemas: string[] = [];
  const extra = options.bullmq ? [await bullmqFactory(service.url, service.skip, schemas)] : [];
  return [
    ...extra,
    { name: "memory", make: async () => memoryStore(), skip: false, cleanup: async () => {} },
    {
      name: "postgres",
      skip: service.skip,
      make: async () => {
        const schema = freshSchema("synapseops_rt");
        schemas.push(schema);
        return postgresStore({ connectionString: service.url }, { schema });
      },
      cleanup: () => dropSchemas(service.url, schemas),
    },
  ];
}

/** A schema name no other test uses. */
export function freshSchema(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops the schemas a test file made. */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL store + a BullMQ queue (issue 7: the executor's behavioural tests on the engines a
 * scaled-out host uses). Each store gets its own schema and key prefix.
 */
async function bullmqFactory(url: string, pgSkip: string | false, schemas: string[]): Promise<StoreFactory> {
  const redisService = await checkTestService("redis");
  const prefixes: string[] = [];
  const redis = new URL(redisService.url);
  return {
    name: "postgres+bullmq",
    skip: pgSkip || redisService.skip,
    make: async () => {
      const id = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const schema = `synapseops_rtq_${id}`;
      schemas.push(schema);
      prefixes.push(`syn_rtq_${id}`);
      const store = postgresStore({ connectionString: url }, { schema });
      defaultQueues.set(
        store,
        bullmqQueue({
          connection: { host: redis.hostname, port: Number(redis.port || 6379) },
          prefix: `syn_rtq_${id}`,
          lockDurationMs: 2000,
        }),
      );
      return store;
    },
    cleanup: async () => {
      if (prefixes.length === 0) return;
      const { Redis } = await import("ioredis");
      const client = new Redis({ host: redis.hostname, port: Number(redis.port || 6379) });
      for (const prefix of prefixes) {
        const keys = await client.keys(`${prefix}:*`);
        if (keys.length > 0) await client.del(...keys);
      }
      client.disconnect();
    },
  };
}

/** Drops a test's PostgreSQL schema and its Redis keys (`<tag>:*`), as the tests that share them name them. */
export async function dropSchemaAndRedisPrefix(pgUrl: string, redisUrl: string, tag: string): Promise<void> {
  await dropSchemasAndPrefixes(pgUrl, redisUrl, [tag], [tag]);
}

/** Drops PostgreSQL schemas and deletes the Redis keys under each prefix (`<prefix>:*`). */
export async function dropSchemasAndPrefixes(
  pgUrl: string,
  redisUrl: string,
  schemas: readonly string[],
  prefixes: readonly string[],
): Promise<void> {
  if (schemas.length > 0) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
  if (prefixes.length === 0) return;
  const { Redis } = await import("ioredis");
  const url = new URL(redisUrl);
  const redis = new Redis({ host: url.hostname, port: Number(url.port || 6379) });
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
}
