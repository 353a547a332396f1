import { ConnectorError, isRetryableNetworkError } from "@synapseops/core";

/**
 * Server errors worth retrying (MySQL/MariaDB error numbers): 1040 too many connections,
 * 1053 server shutdown, 1205 lock wait timeout, 1213 deadlock, 1317 query interrupted,
 * 1927 connection killed (MariaDB `KILL`), 2006/2013 server gone / lost during query.
 */
const RETRYABLE_ERRNOS = new Set([1040, 1053, 1205, 1213, 1317, 1927, 2006, 2013]);
/** What mysql2 itself says when the socket went away. */
const RETRYABLE_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CONNECTION_KILLED",
]);
const CLOSED = /closed state|Connection lost|Pool is closed|connect ETIMEDOUT/i;

/** Whether a mysql2 error is transient: a dropped or killed connection, a deadlock, a shutdown. */
export function isRetryableMysqlError(error: unknown): boolean {
  const { errno, code } = (error ?? {}) as { errno?: unknown; code?: unknown };
  if (typeof errno === "number" && RETRYABLE_ERRNOS.has(errno)) return true;
  if (typeof code === "string" && RETRYABLE_CODES.has(code)) return true;
  if (isRetryableNetworkError(error)) return true;
  return error instanceof Error && CLOSED.test(error.message);
}

/** A ConnectorError for a mysql2 failure: retryable when transient, fatal otherwise. */
export function mysqlError(error: unknown, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`${action} failed${typeof code === "string" ? ` (${code})` : ""}: ${detail}`, {
    retryable: isRetryableMysqlError(error),
    cause: error,
  });
}
