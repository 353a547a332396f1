import { ConnectorError, isRetryableNetworkError } from "@synapseops/core";

/** NATS client error codes (and texts) that are the connection's state, not the request's. */
const TRANSIENT =
  /CONNECTION_REFUSED|CONNECTION_CLOSED|CONNECTION_DRAINING|DISCONNECT|TIMEOUT|503|no responders|timeout|closed|reconnect/i;

/** A ConnectorError for a NATS failure: no connection, timeouts and "no responders" retryable, the rest fatal. */
export function natsError(error: unknown, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`nats: ${action} failed: ${message}`, {
    retryable: isRetryableNetworkError(error) || TRANSIENT.test(`${String(code ?? "")} ${message}`),
    cause: error,
  });
}
