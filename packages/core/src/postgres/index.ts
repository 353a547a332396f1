/**
 * A durable store on PostgreSQL for `@synapseops/core`: blueprints, runs, idempotency records
 * and dead letters in one schema, migrated on first use. Needs the optional `pg` package.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createRuntime } from "@synapseops/core";
 * import { postgresStore } from "@synapseops/core/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = postgresStore({ pool }, { schema: "synapseops" }); // migrates on first use
 * const runtime = createRuntime({ store });
 * const project = await runtime.projects.create({ name: "Shop → ERP" });
 *
 * await runtime.close(); // closes the store; the pool is the host's to end
 * await pool.end();
 * ```
 * @module
 */

export type { AppliedMigration, MigrationResult } from "./migrate";
export type { PostgresConnection, PostgresStore, PostgresStoreOptions } from "./postgres-store";
export { postgresStore } from "./postgres-store";
