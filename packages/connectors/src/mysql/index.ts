/**
 * MySQL and MariaDB source and target for SynapseOps: cursor-column reads (backfill or
 * incremental), insert or upsert (`ON DUPLICATE KEY UPDATE`) writes. Needs the optional `mysql2`.
 *
 * @example
 * ```ts
 * import { mysql } from "@synapseops/connectors/mysql";
 *
 * const runtime = createRuntime({ connectors: [mysql()] });
 * ```
 * @module
 */

export type {
  SqlReadConfig,
  SqlTableConfig as MysqlConfig,
  SqlTableConfigInput as MysqlConfigInput,
  SqlTableConnectorConfig as MysqlConnectorConfig,
  SqlWriteConfig,
} from "../postgres/_sql-config";
export { SqlTableConfig as MysqlConfigSchema } from "../postgres/_sql-config";
export type { SqlTableConnector, SqlWriteResult } from "../postgres/_sql-table";
export { isRetryableMysqlError } from "./errors";
export type { MysqlConnector, MysqlConnectorOptions } from "./mysql-connector";
export { mysql } from "./mysql-connector";
