import { randomUUID } from "node:crypto";
import {
  backoffDelay,
  isRetryableStatus,
  type Logger,
  normaliseRetryPolicy,
  parseRetryAfter,
  type RetryPolicy,
  ValidationError,
} from "@synapseops/core";
import { errorCode } from "../http/oauth2";
import { signStandardWebhook } from "../webhook/sign";
import { NO_TRACE_HEADER, type RecordedTrace } from "./trace-batch";

/** Options of {@link createTraceShipper}. */
export interface TraceShipperOptions {
  /** The collector's URL; batches are POSTed there. */
  url: string | URL;
  /** The Standard Webhooks secret shared with the collector, `whsec_…` (see `generateWebhookSecret`). */
  secret: string;
  /**
   * Most traces in one batch.
   * @default 100
   */
  batchSize?: number;
  /**
   * Most bytes of traces in one batch (a single larger trace still ships, alone).
   * @default 1048576
   */
  maxBatchBytes?: number;
  /**
   * How often buffered traces are shipped when fewer than `batchSize` wait.
   * @default 1000
   */
  flushIntervalMs?: number;
  /**
   * Most traces held while the collector is slow or down; past it the oldest are dropped (and
   * counted), so memory stays bounded whatever the collector does.
   * @default 1000
   */
  maxBufferedTraces?: number;
  /**
   * Limit of one delivery attempt.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Retries of a batch on 5xx, 408, 429 and network errors; a collector's `Retry-After` replaces
   * the computed delay. Other 4xx answers drop the batch (retrying cannot fix it).
   * @default { maxAttempts: 6, initialDelayMs: 500, multiplier: 2, maxDelayMs: 30000, jitter: "full" }
   */
  retry?: Partial<RetryPolicy>;
  /**
   * The fetch deliveries use.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Warnings about failed deliveries go here (messages carry no trace content). */
  logger?: Logger;
}

/** Counters of a shipper (and of the recorder that feeds it). */
export interface TraceShipperStats {
  /** Traces the collector accepted. */
  shipped: number;
  /** Traces given up on: buffer overflow, a batch refused with 4xx or out of attempts, left at close. */
  dropped: number;
  /** Delivery attempts that failed (each retry counts). */
  failedDeliveries: number;
  /** Traces waiting, including a batch in flight or waiting for its retry. */
  buffered: number;
}

/** Ships recorded traces to a collector in signed batches; built by {@link createTraceShipper}. */
export interface TraceShipper {
  /** Buffers a trace (already redacted); never blocks, never throws. */
  enqueue(trace: RecordedTrace): void;
  /**
   * Ships what is buffered now, batch after batch; resolves when all were delivered (or refused
   * and dropped) or when an attempt failed with a retryable error (that batch stays buffered for
   * its retries). Never rejects.
   */
  flush(): Promise<void>;
  /**
   * Stops the timers and ships what is left, retrying within `timeoutMs`; whatever is still
   * undelivered then is dropped. Later traces are dropped on arrival.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
  stats(): TraceShipperStats;
}

interface Batch {
  id: string;
  entries: string[];
  attempts: number;
  /** The drop count this batch reports, subtracted once it is delivered. */
  reportsDropped: number;
  /** Not before this time (a backoff or a Retry-After). */
  notBefore: number;
}

/** Why the options are wrong, at which option. */
function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) {
    throw new ValidationError(`trace shipper: ${name} must be a positive integer, got ${String(value)}`, {
      path: `/${name}`,
    });
  }
  return result;
}

/**
 * Builds a shipper: traces are buffered in memory (bounded), grouped in batches and POSTed as
 * JSON ({@link TraceBatch}) signed with HMAC-SHA256 in the Standard Webhooks format —
 * `webhook-id` (the batch id, kept across retries), `webhook-timestamp`, `webhook-signature`.
 * Shipping runs on timers, never on the caller's path; a collector outage only grows the buffer
 * to its bound and then drops the oldest traces.
 *
 * @throws ValidationError for a bad option (the secret, a size that is not a positive integer).
 * @example
 * ```ts
 * const shipper = createTraceShipper({ url: "https://collector.example/traces", secret: process.env.TRACES_SECRET! });
 * const recorder = createTraceRecorder({ projectId, environment: "sandbox", shipper });
 * ```
 */
export function createTraceShipper(options: TraceShipperOptions): TraceShipper {
  const url = new URL(options.url);
  const batchSize = positiveInt(options.batchSize, 100, "batchSize");
  const maxBatchBytes = positiveInt(options.maxBatchBytes, 1_048_576, "maxBatchBytes");
  const maxBuffered = positiveInt(options.maxBufferedTraces, 1000, "maxBufferedTraces");
  const flushIntervalMs = positiveInt(options.flushIntervalMs, 1000, "flushIntervalMs");
  const timeoutMs = positiveInt(options.timeoutMs, 10_000, "timeoutMs");
  const policy = normaliseRetryPolicy({
    maxAttempts: 6,
    initialDelayMs: 500,
    maxDelayMs: 30_000,
    ...options.retry,
  });
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  // Fail now on a bad secret, not at the first delivery.
  signStandardWebhook({ secret: options.secret, id: "check", body: "" });

  const queue: string[] = [];
  let current: Batch | undefined;
  let inFlight: Promise<boolean> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let droppedSinceDelivery = 0;
  const stats: TraceShipperStats = { shipped: 0, dropped: 0, failedDeliveries: 0, buffered: 0 };
  const closing = new AbortController();

  const drop = (count: number): void => {
    stats.dropped += count;
    droppedSinceDelivery += count;
  };

  /** Keeps the buffer within its bound: the oldest trace goes, unless it is on the wire right now. */
  const enforceBound = (): void => {
    while (queue.length + (current?.entries.length ?? 0) > maxBuffered) {
      if (current !== undefined && inFlight === undefined) {
        current.entries.shift();
        // Its content changed: a new id, so a collector never sees one id with two contents.
        current.id = newBatchId();
        if (current.entries.length === 0) current = undefined;
      } else if (queue.length > 0) {
        queue.shift();
      } else {
        break;
      }
      drop(1);
    }
  };

  const takeBatch = (): Batch | undefined => {
    if (queue.length === 0) return undefined;
    const entries: string[] = [];
    let bytes = 0;
    while (queue.length > 0 && entries.length < batchSize) {
      const next = queue[0] ?? "";
      if (entries.length > 0 && bytes + next.length > maxBatchBytes) break;
      entries.push(next);
      bytes += next.length;
      queue.shift();
    }
    return { id: newBatchId(), entries, attempts: 0, reportsDropped: droppedSinceDelivery, notBefore: 0 };
  };

  /** One delivery attempt of the current batch (formed from the queue if there is none). */
  const attempt = async (): Promise<boolean> => {
    current ??= takeBatch();
    const batch = current;
    if (batch === undefined) return true;
    batch.attempts += 1;
    const body = `{"id":${JSON.stringify(batch.id)},"sentAt":"${new Date().toISOString()}","dropped":${batch.reportsDropped},"traces":[${batch.entries.join(",")}]}`;
    const headers = {
      "content-type": "application/json",
      [NO_TRACE_HEADER]: "1",
      ...signStandardWebhook({ secret: options.secret, id: batch.id, body }),
    };
    let failure: { retryable: boolean; retryAfterMs: number | undefined; message: string };
    try {
      const response = await fetchImpl(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        stats.shipped += batch.entries.length;
        droppedSinceDelivery = Math.max(0, droppedSinceDelivery - batch.reportsDropped);
        if (current === batch) current = undefined;
        return true;
      }
      failure = {
        retryable: isRetryableStatus(response.status),
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        message: `collector answered ${response.status}`,
      };
    } catch (error) {
      failure = { retryable: true, retryAfterMs: undefined, message: `request failed (${errorCode(error)})` };
    }
    stats.failedDeliveries += 1;
    if (current !== batch) return false;
    if (!failure.retryable || batch.attempts >= policy.maxAttempts) {
      options.logger?.warn(
        { batch: batch.id, traces: batch.entries.length, attempts: batch.attempts },
        `trace shipper: dropping a batch for ${url.origin}${url.pathname}: ${failure.message}`,
      );
      drop(batch.entries.length);
      current = undefined;
      return false;
    }
    // A collector's Retry-After is obeyed as given; the buffer bound keeps the wait harmless.
    const delay = failure.retryAfterMs ?? backoffDelay(policy, batch.attempts);
    batch.notBefore = Date.now() + delay;
    options.logger?.warn(
      { batch: batch.id, attempt: batch.attempts, delayMs: delay },
      `trace shipper: delivery to ${url.origin}${url.pathname} failed (${failure.message}); retrying`,
    );
    if (!closed) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void pump(), delay);
      retryTimer.unref();
    }
    return false;
  };

  /** Runs one attempt at a time; a caller arriving during one waits for it. */
  const attemptOnce = (): Promise<boolean> => {
    if (inFlight !== undefined) return inFlight;
    inFlight = attempt().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  /** Ships batches while they succeed and nothing asks to wait. */
  const pump = async (): Promise<void> => {
    while (!closed && (current !== undefined || queue.length > 0)) {
      if (inFlight !== undefined) return;
      if (current !== undefined && Date.now() < current.notBefore) return;
      // A refused batch is gone (current is cleared): go on with the next; a retry waits.
      if (!(await attemptOnce()) && current !== undefined) return;
    }
  };

  const interval = setInterval(() => void pump(), flushIntervalMs);
  interval.unref();

  const hasWork = (): boolean => current !== undefined || queue.length > 0;

  return {
    enqueue(trace) {
      if (closed) {
        drop(1);
        return;
      }
      try {
        queue.push(JSON.stringify(trace));
      } catch {
        drop(1);
        return;
      }
      enforceBound();
      if (queue.length >= batchSize && inFlight === undefined) setImmediate(() => void pump());
    },
    async flush() {
      while (hasWork()) {
        if (!(await attemptOnce()) && current !== undefined) return;
      }
    },
    async close({ timeoutMs: closeTimeoutMs = 5000 } = {}) {
      if (closed) return;
      closed = true;
      clearInterval(interval);
      clearTimeout(retryTimer);
      const deadline = Date.now() + closeTimeoutMs;
      const stop = setTimeout(() => closing.abort(new Error("trace shipper closed")), closeTimeoutMs);
      try {
        while (hasWork() && Date.now() < deadline) {
          if (await attemptOnce()) continue;
          const wait = Math.min((current?.notBefore ?? 0) - Date.now(), deadline - Date.now());
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      } finally {
        clearTimeout(stop);
        const left = queue.length + (current?.entries.length ?? 0);
        queue.length = 0;
        current = undefined;
        if (left > 0) drop(left);
      }
    },
    stats() {
      return { ...stats, buffered: queue.length + (current?.entries.length ?? 0) };
    },
  };
}

function newBatchId(): string {
  return `tbat_${randomUUID().replaceAll("-", "")}`;
}
