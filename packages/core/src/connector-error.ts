import { ErrorCode, SynapseError, type SynapseErrorOptions } from "./errors";

/** What a connector says about a failure, beyond its message. */
export interface ConnectorErrorOptions extends SynapseErrorOptions {
  /** Whether trying again may succeed (network errors, 408, 425, 429, 5xx). */
  retryable: boolean;
  /** When to try again, from a `Retry-After` header or the peer's own hint, in milliseconds. */
  retryAfterMs?: number;
  /** The HTTP status (or the peer's status code) when there was one. */
  status?: number;
}

/**
 * A failure of a connector call. Retry semantics live here: the executor retries only retryable
 * errors, and waits at least `retryAfterMs` when the peer said so.
 *
 * @example
 * ```ts
 * throw new ConnectorError("ERP answered 503", { retryable: true, retryAfterMs: 2000, status: 503 });
 * ```
 */
export class ConnectorError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:ConnectorError";
  override name = "ConnectorError";
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: ConnectorErrorOptions) {
    super(ErrorCode.CONNECTOR_FAILED, message, options);
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** A failure that retrying will not fix (a 4xx, a rejected payload). */
  static nonRetryable(
    message: string,
    options: Omit<ConnectorErrorOptions, "retryable"> = {},
  ): ConnectorError {
    return new ConnectorError(message, { ...options, retryable: false });
  }
}

/** HTTP statuses worth retrying: RFC 9110 408, RFC 8470 425, RFC 6585 429, and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/** Node network error codes that mean "the peer did not get or answer the request". */
const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Whether an error (or its cause chain) is a transient network failure. */
export function isRetryableNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && RETRYABLE_NETWORK_CODES.has(code)) return true;
    if ((current as { name?: unknown }).name === "TimeoutError") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the
 * wait in milliseconds (never negative), or `undefined` for a missing or malformed value, so the
 * caller falls back to its backoff.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date has a weekday and GMT; anything else Date.parse might accept is not one.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** A ConnectorError for an HTTP response status, classified by {@link isRetryableStatus}. */
export function connectorErrorFromStatus(
  status: number,
  message: string,
  options: { retryAfter?: string | null; now?: Date; cause?: unknown } = {},
): ConnectorError {
  const retryAfterMs = parseRetryAfter(options.retryAfter, options.now);
  return new ConnectorError(message, {
    retryable: isRetryableStatus(status),
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}
