import { ConnectorError, DependencyMissingError } from "@synapseops/core";
import type { Pool } from "pg";

/** The part of the `pg` module we use. */
export interface PgModule {
  Pool: typeof Pool;
}

let loaded: Promise<PgModule> | undefined;

/**
 * Imports the optional `pg` peer on first use, so `@synapseops/connectors/postgres` loads
 * without it; a missing package fails with what to install.
 */
export function loadPg(importer?: () => Promise<unknown>): Promise<PgModule> {
  // A given importer (tests) is never cached, so it cannot leak into other calls.
  if (importer !== undefined) return importPg(importer);
  loaded ??= importPg(() => import("pg")).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function importPg(importer: () => Promise<unknown>): Promise<PgModule> {
  return importer().then(
    (module) => {
      const candidate = module as { Pool?: unknown; default?: { Pool?: unknown } };
      // ESM builds export `Pool` by name; CommonJS interop puts it on `default`.
      const pool = candidate.Pool ?? candidate.default?.Pool;
      if (typeof pool !== "function")
        throw ConnectorError.nonRetryable('postgres: the "pg" module has no Pool');
      return { Pool: pool as typeof Pool };
    },
    (error: unknown) => {
      throw new DependencyMissingError("pg", "the postgres connector", { cause: error });
    },
  );
}
