import { createHash } from "node:crypto";
import type { Pool } from "pg";
import { StoreError } from "../errors";
import type { Tables } from "./_identifier";
import { inTransaction, type Queryable, toStoreFailure } from "./_sql";
import { SQL_MIGRATIONS } from "./migrations/_migrations.generated";

/** One versioned schema change, a plain SQL file in `migrations/`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The migrations of this release, in order: the .sql files of `migrations/`, compiled into a
 * generated module (scripts/generate-migrations.mjs) so no `.sql` loader is needed anywhere.
 * Append only: applied files are checksummed.
 */
export const MIGRATIONS: readonly Migration[] = SQL_MIGRATIONS;

/** A migration recorded in `synapseops_migrations`. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

/** What a migration call did. */
export interface MigrationResult {
  /** Migrations applied by this call, oldest first; empty when the schema was up to date. */
  applied: AppliedMigration[];
  /** The schema's version afterwards. */
  version: number;
}

/** A fixed first key for our advisory locks, so they do not collide with the host's own. */
const LOCK_CLASS = 0x53594e41; // "SYNA"

/** sha256 of the file, line endings normalised so a CRLF checkout does not look like an edit. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replaceAll("\r\n", "\n")).digest("hex");
}

const label = (m: { version: number; name: string }): string =>
  `${String(m.version).padStart(4, "0")}_${m.name}`;

/**
 * Brings the schema up to date: creates it if needed and applies pending migrations in order,
 * all in one transaction under a transaction-scoped advisory lock on the schema name, so
 * processes starting together apply each migration once and the others wait, then find nothing
 * to do. Refuses a schema whose applied migrations were edited or that is newer than this code.
 */
export async function migrateSchema(
  pool: Pool,
  tables: Tables,
  schemaName: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  return inTransaction(pool, `migrating schema "${schemaName}"`, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, schemaName]);
    await ensureMigrationTable(client, tables, schemaName);
    const rows = await client.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM ${tables.migrations} ORDER BY version`,
    );
    const done = new Map(rows.rows.map((row) => [row.version, row]));
    const latest = migrations.at(-1)?.version ?? 0;
    for (const row of rows.rows) {
      const known = migrations.find((m) => m.version === row.version);
      if (known === undefined) {
        throw new StoreError(
          `postgres store: schema "${schemaName}" has migration ${label(row)}, newer than this version of @synapseops/core knows (up to ${latest}): upgrade the package`,
        );
      }
      if (migrationChecksum(known.sql) !== row.checksum) {
        throw new StoreError(
          `postgres store: migration ${label(known)} in schema "${schemaName}" was applied with checksum ${row.checksum}, but the file now has ${migrationChecksum(known.sql)}: applied migrations must not be edited`,
        );
      }
    }
    const applied: AppliedMigration[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      const checksum = migrationChecksum(migration.sql);
      try {
        // LOCAL: ends with this transaction, so a host pool's connection keeps its search_path.
        await client.query(`SET LOCAL search_path TO ${tables.schema}`);
        await client.query(migration.sql);
      } catch (error) {
        throw toStoreFailure(error, `migration ${label(migration)} in schema "${schemaName}"`);
      }
      await client.query(`INSERT INTO ${tables.migrations} (version, name, checksum) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        checksum,
      ]);
      applied.push({ version: migration.version, name: migration.name, checksum });
    }
    return { applied, version: Math.max(0, ...done.keys(), ...applied.map((m) => m.version)) };
  });
}

/**
 * Creates the schema and the migrations table when missing. Checked first rather than with
 * `IF NOT EXISTS`, which still demands CREATE privilege: a host whose DBA created both may run
 * with a user that cannot create them.
 */
async function ensureMigrationTable(client: Queryable, tables: Tables, schemaName: string): Promise<void> {
  const schema = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schemaName]);
  if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${tables.schema}`);
  const table = await client.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [
    tables.migrations,
  ]);
  if (table.rows[0]?.found == null) {
    await client.query(
      `CREATE TABLE ${tables.migrations} (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
  }
}
