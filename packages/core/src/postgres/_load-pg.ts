import type { Pool } from "pg";
import { DependencyMissingError, StoreError } from "../errors";
import { errorCode } from "./_sql";

/** The part of the `pg` module we use. */
export interface PgModule {
  Pool: typeof Pool;
}

/**
 * Imports the optional `pg` peer dependency on first use, so `@synapseops/core/postgres` loads
 * without it and hosts that bring their own pool never need it resolved by us.
 * `importer` exists for tests (a missing package cannot be uninstalled mid-run).
 */
export async function loadPg(importer: () => Promise<unknown> = () => import("pg")): Promise<PgModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    const code = errorCode(error);
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new DependencyMissingError("pg", "postgresStore({ connectionString })", { cause: error });
    }
    throw new StoreError(`postgres store: could not load "pg": ${String(error)}`, { cause: error });
  }
  // ESM builds of pg export `Pool` by name; CommonJS interop puts it on `default`.
  const pool = poolOf(loaded) ?? (isObject(loaded) ? poolOf(loaded.default) : undefined);
  if (pool === undefined) throw new StoreError('postgres store: the "pg" module has no Pool export');
  return { Pool: pool };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function poolOf(value: unknown): typeof Pool | undefined {
  return isObject(value) && typeof value.Pool === "function" ? (value.Pool as typeof Pool) : undefined;
}
