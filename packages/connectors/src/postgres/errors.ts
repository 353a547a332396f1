import { ConnectorError, isRetryableNetworkError } from "@synapseops/core";

/**
 * SQLSTATE classes worth retrying: 08 connection exception, 53 insufficient resources,
 * 57 operator intervention (admin shutdown, `pg_terminate_backend`, statement timeout),
 * 58 system error. PostgreSQL docs, appendix A.
 */
const RETRYABLE_CLASSES = new Set(["08", "53", "57", "58"]);
/** Single states worth retrying: serialization failure, deadlock, lock not available, object in use. */
const RETRYABLE_STATES = new Set(["40001", "40P01", "55P03", "55006"]);
/** What `pg` says, without a SQLSTATE, when its socket closed under a query or a pool wait timed out. */
const DROPPED =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i;

/** Whether a `pg` error is transient: a dropped connection, a shutdown, a deadlock. */
export function isRetryablePostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    return RETRYABLE_STATES.has(code) || RETRYABLE_CLASSES.has(code.slice(0, 2));
  }
  if (isRetryableNetworkError(error)) return true;
  return error instanceof Error && DROPPED.test(error.message);
}

/** A ConnectorError for a `pg` failure: retryable when transient, fatal otherwise (a constraint, bad SQL). */
export function postgresError(error: unknown, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`${action} failed${typeof code === "string" ? ` (${code})` : ""}: ${detail}`, {
    retryable: isRetryablePostgresError(error),
    cause: error,
  });
}
