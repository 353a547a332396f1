import { ConnectorError, DependencyMissingError } from "@synapseops/core";
import type { createPool } from "mysql2/promise";

/** The part of `mysql2/promise` we use. */
export interface Mysql2Module {
  createPool: typeof createPool;
}

let loaded: Promise<Mysql2Module> | undefined;

/**
 * Imports the optional `mysql2` peer on first use, so `@synapseops/connectors/mysql` loads
 * without it; a missing package fails with what to install. A given importer (tests) is not cached.
 */
export function loadMysql2(importer?: () => Promise<unknown>): Promise<Mysql2Module> {
  if (importer !== undefined) return importMysql2(importer);
  loaded ??= importMysql2(() => import("mysql2/promise")).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function importMysql2(importer: () => Promise<unknown>): Promise<Mysql2Module> {
  return importer().then(
    (module) => {
      const candidate = module as { createPool?: unknown; default?: { createPool?: unknown } };
      const create = candidate.createPool ?? candidate.default?.createPool;
      if (typeof create !== "function") {
        throw ConnectorError.nonRetryable('mysql: the "mysql2/promise" module has no createPool');
      }
      return { createPool: create as typeof createPool };
    },
    (error: unknown) => {
      throw new DependencyMissingError("mysql2", "the mysql connector", { cause: error });
    },
  );
}
