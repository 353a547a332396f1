/**
 * PostgreSQL source and target for SynapseOps: cursor-column reads (backfill or incremental),
 * insert or upsert writes, idempotency keys stored with the rows. Needs the optional `pg` package.
 *
 * @example
 * ```ts
 * import { postgres } from "@synapseops/connectors/postgres";
 *
 * const runtime = createRuntime({ connectors: [postgres()] });
 * ```
 * @module
 */

export type {
  SqlReadConfig,
  SqlTableConfig as PostgresConfig,
  SqlTableConfigInput as PostgresConfigInput,
  SqlTableConnectorConfig as PostgresConnectorConfig,
  SqlWriteConfig,
} from "./_sql-config";
export { SqlTableConfig as PostgresConfigSchema } from "./_sql-config";
export type { SqlTableConnector, SqlWriteResult } from "./_sql-table";
export { isRetryablePostgresError } from "./errors";
export type { PostgresConnector, PostgresConnectorOptions } from "./postgres-connector";
export { postgres } from "./postgres-connector";
