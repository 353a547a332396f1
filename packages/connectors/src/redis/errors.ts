import { ConnectorError, isRetryableNetworkError } from "@synapseops/core";

/** What ioredis says when the connection is down, and server replies that pass. */
const TRANSIENT =
  /Connection is closed|MaxRetriesPerRequest|LOADING|BUSY |TRYAGAIN|CLUSTERDOWN|READONLY|MASTERDOWN|Stream isn't writeable|ECONNRESET|ECONNREFUSED/;

/** A ConnectorError for a Redis failure: connection problems retryable, `WRONGTYPE` and the like fatal. */
export function redisError(error: unknown, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`redis: ${action} failed: ${message}`, {
    retryable: isRetryableNetworkError(error) || TRANSIENT.test(message),
    cause: error,
  });
}
