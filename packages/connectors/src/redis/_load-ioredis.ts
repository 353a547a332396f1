import { DependencyMissingError } from "@synapseops/core";
import type { Redis, RedisOptions } from "ioredis";

/** The part of `ioredis` we use: its client constructor. */
export type RedisConstructor = new (url: string, options: RedisOptions) => Redis;

let loaded: Promise<RedisConstructor> | undefined;

/**
 * Imports the optional `ioredis` peer on first use, so `@synapseops/connectors/redis` loads
 * without it; a missing package fails with what to install. A given importer (tests) is not cached.
 */
export function loadIoredis(importer?: () => Promise<unknown>): Promise<RedisConstructor> {
  if (importer !== undefined) return importIoredis(importer);
  loaded ??= importIoredis(() => import("ioredis")).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function importIoredis(importer: () => Promise<unknown>): Promise<RedisConstructor> {
  return importer().then(
    (module) => {
      const candidate = module as { Redis?: unknown; default?: unknown };
      return (candidate.Redis ?? candidate.default) as RedisConstructor;
    },
    (error: unknown) => {
      throw new DependencyMissingError("ioredis", "the redis streams connector", { cause: error });
    },
  );
}
