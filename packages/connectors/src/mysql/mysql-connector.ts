import type { SynapseError } from "@synapseops/core";
import type { SqlWriteConfig } from "../postgres/_sql-config";
import {
  type SqlDialect,
  type SqlSession,
  type SqlTableConnector,
  sqlTableConnector,
} from "../postgres/_sql-table";
import { loadMysql2 } from "./_load-mysql2";
import { mysqlError } from "./errors";

/** The mysql connector (type name `mysql`); `close()` ends the pools it opened. */
export type MysqlConnector = SqlTableConnector<"mysql">;

/** What {@link mysql} takes. */
export interface MysqlConnectorOptions {
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
}

/** MySQL/MariaDB spelling: backquoted identifiers, `?` parameters, `ON DUPLICATE KEY UPDATE`. */
export const mysqlDialect: SqlDialect = {
  quote: (identifier) => `\`${identifier}\``,
  param: () => "?",
  maxParams: 65_535,
  conflictClause(write: SqlWriteConfig, columns: readonly string[]): string {
    const q = mysqlDialect.quote;
    if (write.mode === "upsert") {
      const keys = write.conflictKey ?? [];
      const updates = columns.filter((column) => !keys.includes(column));
      // With nothing to update, a no-op assignment keeps the statement an upsert.
      const set = updates.length === 0 ? [keys[0]!] : updates;
      return ` ON DUPLICATE KEY UPDATE ${set.map((c) => `${q(c)} = VALUES(${q(c)})`).join(", ")}`;
    }
    // A retried insert whose key is already there changes nothing (0 affected rows), not an error.
    if (write.idempotencyColumn === undefined) return "";
    const key = q(write.idempotencyColumn);
    return ` ON DUPLICATE KEY UPDATE ${key} = ${key}`;
  },
};

/**
 * A MySQL or MariaDB table as a source and a target, with the same shape as `postgres`:
 * cursor-column reads (backfill or incremental), insert or upsert (`ON DUPLICATE KEY UPDATE`)
 * writes, and the idempotency key stored in a unique column so a retried write changes nothing.
 * Needs the optional `mysql2` package.
 *
 * @example
 * ```ts
 * import { mysql } from "@synapseops/connectors/mysql";
 *
 * const runtime = createRuntime({ connectors: [mysql()] });
 * await runtime.connectorRefs.put(projectId, {
 *   type: "mysql",
 *   name: "erp",
 *   config: {
 *     connectionString: "mysql://app@db:3306/erp",
 *     table: "orders",
 *     write: { mode: "upsert", conflictKey: ["order_no"] },
 *   },
 * });
 * ```
 */
export function mysql(options: MysqlConnectorOptions = {}): MysqlConnector {
  return sqlTableConnector({
    type: "mysql",
    version: "0.1.0",
    dialect: mysqlDialect,
    classify: (error: unknown, action: string): SynapseError => mysqlError(error, action),
    async open(connectionString, password): Promise<SqlSession> {
      const { createPool } = await loadMysql2();
      const url = new URL(connectionString);
      const pool = createPool({
        host: url.hostname,
        port: url.port === "" ? 3306 : Number(url.port),
        user: decodeURIComponent(url.username),
        password: password ?? decodeURIComponent(url.password),
        database: url.pathname.replace(/^\//, ""),
        connectionLimit: options.poolSize ?? 5,
        connectTimeout: options.connectTimeoutMs ?? 5000,
        // Big integers as text, so cursors and ids keep every digit.
        supportBigNumbers: true,
        bigNumberStrings: true,
        // Affected rows, not matched ones: a keyed no-op must report 0 so the write says `applied: false`.
        flags: ["-FOUND_ROWS"],
      });
      // Idle connections killed by the server emit here; without a listener Node would crash.
      pool.on("connection", (connection) => connection.on("error", () => {}));
      return {
        async query(sql, params) {
          const [result] = await pool.query(sql, params as unknown[]);
          if (Array.isArray(result))
            return { rows: result as Record<string, unknown>[], affected: result.length };
          return { rows: [], affected: (result as { affectedRows?: number }).affectedRows ?? 0 };
        },
        close: () => pool.end(),
      };
    },
  });
}
