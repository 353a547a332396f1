/**
 * A durable store on PostgreSQL for `@synapseops/core`: blueprints, runs, idempotency records
 * and dead letters in one schema, migrated on first use. Needs the optional `pg` package.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { postgresStore } from "@synapseops/core/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = postgresStore({ pool }, { schema: "synapseops" });
 * await store.migrate(); // optional: also runs on first use
 *
 * const runtime = createRuntime({ store });
 * // … on shutdown: the host's pool is the host's to end.
 * await store.close();
 * await pool.end();
 * ```
 * @module
 */

export type { AppliedMigration, MigrationResult } from "./migrate";
export type { PostgresConnection, PostgresStore, PostgresStoreOptions } from "./postgres-store";
export { postgresStore } from "./postgres-store";
