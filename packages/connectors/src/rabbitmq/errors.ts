import { ConnectorError, isRetryableNetworkError } from "@synapseops/core";

/**
 * AMQP 0-9-1 reply codes that are the peer's state, not ours: 320 connection-forced (broker
 * shutting down, connection closed by an operator), 311 content-too-large is not one of them.
 * Channel codes 404 (no queue), 403 (access refused), 406 (precondition) are fatal.
 */
const RETRYABLE_REPLY_CODES = new Set([320, 505, 506, 541]);
const DROPPED = /closed|Socket|ECONNRESET|heartbeat|Connection/i;

/** A ConnectorError for an amqplib failure: dropped connections retryable, refused topology fatal. */
export function rabbitmqError(error: unknown, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const retryable =
    isRetryableNetworkError(error) ||
    (typeof code === "number" ? RETRYABLE_REPLY_CODES.has(code) : DROPPED.test(message));
  return new ConnectorError(`rabbitmq: ${action} failed: ${message}`, {
    retryable,
    cause: error,
    ...(typeof code === "number" ? { status: code } : {}),
  });
}
