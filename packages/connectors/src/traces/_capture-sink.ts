import type { BoundedBytes } from "./_capture";

/** A request as seen when it left, before redaction. Lives only until the exchange completes. */
export interface StartedCapture {
  /** Epoch milliseconds. */
  startedAt: number;
  /** `performance.now()` at the start, for the duration. */
  startedClock: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: BoundedBytes | undefined;
}

/** A finished exchange, before redaction; the recorder redacts it off the request path. */
export interface CompletedCapture extends StartedCapture {
  durationMs: number;
  response?: {
    status: number;
    headers: Record<string, string>;
    body: BoundedBytes;
    /** The body was captured after `Content-Encoding` was undone (fetch does that itself). */
    decoded?: boolean;
  };
  /** A network failure, timeout or abort, as a short message. */
  error?: string;
}

/** Where the fetch wrapper and the interceptor hand their captures. */
export interface CaptureSink {
  /** The per-body byte bound. */
  readonly maxBodyBytes: number;
  /** Takes a completed exchange; returns at once (redaction and shipping happen later). */
  complete(capture: CompletedCapture): void;
  /** Registers background work (a body still being read) that flush and close wait for. */
  track(work: Promise<unknown>): void;
}

/** A short description of a failure: the error's message and the network code in its causes. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  let current: unknown = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return `${message} (${code})`;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
