import {
  createExchangeRedactor,
  type ExchangeRedactionOptions,
  type ExchangeRedactor,
  newId,
  ValidationError,
} from "@synapseops/core";
import { decodeBody } from "./_capture";
import type { CaptureSink, CompletedCapture } from "./_capture-sink";
import { recordingFetch } from "./recording-fetch";
import type { RecordedTrace } from "./trace-batch";
import {
  createTraceShipper,
  type TraceShipper,
  type TraceShipperOptions,
  type TraceShipperStats,
} from "./trace-shipper";
import { recordingInterceptor, type UndiciInterceptor } from "./undici-interceptor";

/** Options of {@link createTraceRecorder}. */
export interface TraceRecorderOptions {
  /** The project the traces belong to. */
  projectId: string;
  /** The environment the calls are made in (`mock`, `sandbox`, `uat`, `production`…). */
  environment: string;
  /**
   * What to hide beyond the built-in detectors, or a redactor built with `createExchangeRedactor`.
   * Redaction happens before a trace is buffered: raw values never wait in memory for shipping.
   * @default {} (every detector on)
   */
  redaction?: ExchangeRedactionOptions | ExchangeRedactor;
  /**
   * Where traces go: a shipper, or the options to build one (the recorder then closes it).
   * Without one, traces only reach `onTrace`.
   */
  shipper?: TraceShipper | TraceShipperOptions;
  /**
   * Names the API operation of an exchange (an `operationId`, `POST /orders`), given the redacted
   * method and URL. The collector matches operations itself when it has the API document.
   */
  operationOf?: (request: { method: string; url: string }) => string | undefined;
  /**
   * Bytes of each request and response body kept; the rest is cut (and the cut marked).
   * @default 65536
   */
  maxBodyBytes?: number;
  /** Called with every trace once redacted, before shipping (local logs, tests). */
  onTrace?: (trace: RecordedTrace) => void;
}

/** The recorder's counters: its own, and its shipper's. */
export interface TraceRecorderStats extends TraceShipperStats {
  /** Exchanges recorded (redacted and handed to the shipper). */
  recorded: number;
  /** Background work under way: bodies the fetch wrapper is still copying, traces being redacted. */
  inProgress: number;
  /** Exchanges that could not be turned into a trace (a recorder fault; the call itself was unaffected). */
  failedCaptures: number;
}

/** Records outbound HTTP exchanges as traces; built by {@link createTraceRecorder}. */
export interface TraceRecorder {
  /** `globalThis.fetch`, recorded. */
  readonly fetch: typeof fetch;
  /** Any fetch (an undici fetch with its own dispatcher, a test double), recorded. */
  wrapFetch(base: typeof fetch): typeof fetch;
  /**
   * An undici 7 interceptor: `new Agent().compose(recorder.interceptor())`, for undici's
   * `request`, `fetch` with a `dispatcher`, or `setGlobalDispatcher` to record every fetch.
   */
  interceptor(): UndiciInterceptor;
  stats(): TraceRecorderStats;
  /** Waits for captures under way (at most `timeoutMs`), then ships what is buffered. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Like flush, then closes a shipper built from options; bounded by `timeoutMs` in all. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

const NO_SHIPPING: TraceShipperStats = { shipped: 0, dropped: 0, failedDeliveries: 0, buffered: 0 };

/**
 * Builds a trace recorder. Each exchange made through its fetch wrapper or its interceptor is
 * captured (method, URL, headers, bodies up to `maxBodyBytes` — parsed when JSON —, status,
 * timing, or the network error), redacted, and handed to the shipper. The caller's request
 * waits for none of it: bodies are copied as they stream, and redaction and shipping run after
 * the exchange, off its path; a recorder fault or a collector outage never fails or slows a call.
 * A request carrying the `x-synapseops-no-trace` header is not recorded.
 *
 * @throws ValidationError for a missing project id or environment, or a bad size.
 * @example
 * ```ts
 * const recorder = createTraceRecorder({
 *   projectId: project.id,
 *   environment: "sandbox",
 *   redaction: { keys: ["dateOfBirth"], paths: ["$.customer.name"] },
 *   shipper: { url: "https://collector.example/traces", secret: process.env.TRACES_SECRET! },
 * });
 * const runtime = createRuntime({ connectors: [http({ traces: recorder })] });
 * const agent = new Agent().compose(recorder.interceptor()); // or any undici client
 * process.on("beforeExit", () => recorder.close());
 * ```
 */
export function createTraceRecorder(options: TraceRecorderOptions): TraceRecorder {
  // The bounds of the Trace entity: a trace outside them would be refused by every collector.
  if (typeof options.projectId !== "string" || !/^.{1,128}$/.test(options.projectId)) {
    throw new ValidationError(
      `trace recorder: projectId must be 1–128 characters, got ${JSON.stringify(options.projectId)}`,
      { path: "/projectId" },
    );
  }
  if (typeof options.environment !== "string" || !/^.{1,63}$/.test(options.environment)) {
    throw new ValidationError(
      `trace recorder: environment must be 1–63 characters, got ${JSON.stringify(options.environment)}`,
      { path: "/environment" },
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new ValidationError(
      `trace recorder: maxBodyBytes must be a non-negative integer, got ${maxBodyBytes}`,
      {
        path: "/maxBodyBytes",
      },
    );
  }
  const redactor = isRedactor(options.redaction)
    ? options.redaction
    : createExchangeRedactor(options.redaction);
  const ownsShipper = options.shipper !== undefined && !isShipper(options.shipper);
  const shipper: TraceShipper | undefined =
    options.shipper === undefined || isShipper(options.shipper)
      ? options.shipper
      : createTraceShipper(options.shipper);
  const pending = new Set<Promise<unknown>>();
  const counts = { recorded: 0, failedCaptures: 0 };

  const toTrace = (capture: CompletedCapture): RecordedTrace => {
    const request = {
      method: capture.method,
      url: capture.url,
      headers: capture.headers,
      ...bodyField(
        capture.body === undefined ? undefined : decodeBody(capture.body, capture.headers, maxBodyBytes),
      ),
    };
    const response =
      capture.response === undefined
        ? undefined
        : {
            status: capture.response.status,
            headers: capture.response.headers,
            ...bodyField(
              decodeBody(
                capture.response.body,
                capture.response.headers,
                maxBodyBytes,
                capture.response.decoded,
              ),
            ),
          };
    const safe = redactor.redact({ request, response, error: capture.error });
    let operation: string | undefined;
    try {
      operation = options.operationOf?.({ method: safe.request.method, url: safe.request.url });
    } catch {
      operation = undefined;
    }
    return {
      id: newId("trc"),
      projectId: options.projectId,
      environment: options.environment,
      ...(operation === undefined ? {} : { operation }),
      request: safe.request,
      ...(safe.response === undefined ? {} : { response: safe.response }),
      ...(safe.error === undefined ? {} : { error: safe.error }),
      timing: {
        startedAt: new Date(capture.startedAt).toISOString(),
        durationMs: Math.max(0, capture.durationMs),
      },
    };
  };

  const track = (work: Promise<unknown>): void => {
    const settled = work.catch(() => undefined);
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  };

  const sink: CaptureSink = {
    maxBodyBytes,
    track,
    complete(capture) {
      // Redaction and shipping wait for the next turn: the caller's response is not held up.
      track(
        new Promise<void>((resolve) => {
          setImmediate(() => {
            try {
              const trace = toTrace(capture);
              counts.recorded += 1;
              options.onTrace?.(trace);
              shipper?.enqueue(trace);
            } catch {
              counts.failedCaptures += 1;
            }
            resolve();
          });
        }),
      );
    },
  };

  /** Waits for captures under way, at most `timeoutMs`; later ones keep going. */
  const settle = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (pending.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(pending),
        new Promise((resolve) => {
          timer = setTimeout(resolve, deadline - Date.now());
        }),
      ]);
      clearTimeout(timer);
    }
  };

  const fetchWrapper = recordingFetch((input, init) => fetch(input, init), sink);
  return {
    fetch: fetchWrapper,
    wrapFetch: (base) => recordingFetch(base, sink),
    interceptor: () => recordingInterceptor(sink),
    stats: () => ({
      ...(shipper?.stats() ?? NO_SHIPPING),
      ...counts,
      inProgress: pending.size,
    }),
    async flush({ timeoutMs = 5000 } = {}) {
      await settle(timeoutMs);
      await shipper?.flush();
    },
    async close({ timeoutMs = 5000 } = {}) {
      const started = Date.now();
      await settle(timeoutMs);
      if (ownsShipper) await shipper?.close({ timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)) });
      else await shipper?.flush();
    },
  };
}

function bodyField(body: unknown): { body?: unknown } {
  return body === undefined ? {} : { body };
}

function isRedactor(value: TraceRecorderOptions["redaction"]): value is ExchangeRedactor {
  return value !== undefined && typeof (value as ExchangeRedactor).redact === "function";
}

function isShipper(value: TraceShipper | TraceShipperOptions): value is TraceShipper {
  return typeof (value as TraceShipper).enqueue === "function";
}
