import type { SynapseError } from "@synapseops/core";
import { loadPg } from "./_load-pg";
import type { SqlWriteConfig } from "./_sql-config";
import { type SqlDialect, type SqlSession, type SqlTableConnector, sqlTableConnector } from "./_sql-table";
import { postgresError } from "./errors";

/** The postgres connector (type name `postgres`); `close()` ends the pools it opened. */
export type PostgresConnector = SqlTableConnector<"postgres">;

/** What {@link postgres} takes. */
export interface PostgresConnectorOptions {
  /**
   * Connections per pool (one pool per connection string).
   * @default 5
   */
  poolSize?: number;
  /**
   * How long to wait for a connection before failing the call (retryably).
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * `application_name` of the connections, to find them in `pg_stat_activity`.
   * @default "synapseops-connector"
   */
  applicationName?: string;
}

/** PostgreSQL spelling: double-quoted identifiers, `$n` parameters, `ON CONFLICT`. */
export const postgresDialect: SqlDialect = {
  quote: (identifier) => `"${identifier}"`,
  param: (index) => `$${index}`,
  maxParams: 65_535,
  conflictClause(write: SqlWriteConfig, columns: readonly string[]): string {
    const q = postgresDialect.quote;
    if (write.mode === "upsert") {
      const keys = write.conflictKey ?? [];
      const updates = columns.filter((column) => !keys.includes(column));
      if (updates.length === 0) return ` ON CONFLICT (${keys.map(q).join(", ")}) DO NOTHING`;
      return ` ON CONFLICT (${keys.map(q).join(", ")}) DO UPDATE SET ${updates.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(", ")}`;
    }
    // A retried insert whose key is already there is a no-op, not a unique violation.
    return write.idempotencyColumn === undefined
      ? ""
      : ` ON CONFLICT (${q(write.idempotencyColumn)}) DO NOTHING`;
  },
};

/**
 * A PostgreSQL table as a source and a target: reads in batches by an increasing cursor column
 * (`backfill` from the first row or `incremental` from the current end, both resuming from the
 * stored cursor), writes as insert or upsert (`ON CONFLICT … DO UPDATE`). With
 * `write.idempotencyColumn` (a unique column) each record's idempotency key is stored with its
 * row, so a retried write — after a crash between the write and the run store's completion —
 * changes nothing: effectively exactly-once. When the run store is PostgreSQL on the same
 * database, `write` also commits the record's idempotency completion in the row's transaction.
 * Needs the optional `pg` package.
 *
 * @example
 * ```ts
 * import { postgres } from "@synapseops/connectors/postgres";
 *
 * const pg = postgres();
 * const runtime = createRuntime({ connectors: [pg] });
 * await runtime.connectorRefs.put(projectId, {
 *   type: "postgres",
 *   name: "warehouse",
 *   config: {
 *     connectionString: "postgres://app@db:5432/shop",
 *     table: "orders",
 *     read: { cursorColumn: "id", batchSize: 500 },
 *     write: { mode: "upsert", conflictKey: ["id"], idempotencyColumn: "synapse_key" },
 *   },
 * });
 * // on shutdown: await pg.close();
 * ```
 */
export function postgres(options: PostgresConnectorOptions = {}): PostgresConnector {
  return sqlTableConnector({
    type: "postgres",
    version: "0.1.0",
    dialect: postgresDialect,
    classify: (error: unknown, action: string): SynapseError => postgresError(error, action),
    async open(connectionString, password): Promise<SqlSession> {
      const { Pool } = await loadPg();
      const pool = new Pool({
        connectionString,
        ...(password === undefined ? {} : { password }),
        max: options.poolSize ?? 5,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
        application_name: options.applicationName ?? "synapseops-connector",
      });
      // An idle client whose server connection dies emits on the pool: without a listener
      // Node would crash the host. The next query gets a fresh connection.
      pool.on("error", () => {});
      return {
        async query(sql, params) {
          const result = await pool.query(sql, params as unknown[]);
          return { rows: result.rows as Record<string, unknown>[], affected: result.rowCount ?? 0 };
        },
        close: () => pool.end(),
        async transaction(fn) {
          const client = await pool.connect();
          // A connection cut while checked out emits "error" on the client, not the pool: heard
          // here, the query in flight fails (and is retried) instead of crashing the host.
          const ignore = (): void => {};
          client.on("error", ignore);
          let broken: Error | undefined;
          try {
            await client.query("BEGIN");
            const result = await fn(client, async (sql, params) => {
              const done = await client.query(sql, params as unknown[]);
              return { rows: done.rows as Record<string, unknown>[], affected: done.rowCount ?? 0 };
            });
            await client.query("COMMIT");
            return result;
          } catch (error) {
            await client.query("ROLLBACK").catch((failure: unknown) => {
              // A connection whose rollback failed is in an unknown state: destroy, not pool it.
              broken = failure instanceof Error ? failure : new Error(String(failure));
            });
            throw error;
          } finally {
            client.off("error", ignore);
            client.release(broken);
          }
        },
      };
    },
  });
}
