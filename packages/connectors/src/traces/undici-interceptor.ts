import { performance } from "node:perf_hooks";
import { BoundedBytes, headerRecord } from "./_capture";
import { type CaptureSink, describeFailure, type StartedCapture } from "./_capture-sink";
import { NO_TRACE_HEADER } from "./trace-batch";

// Structural copies of the undici 7 dispatcher types this interceptor touches, so the package
// needs no undici dependency; `Dispatcher.compose` accepts the interceptor as it is (a test
// type-checks that against undici's own types).

/** The dispatch options the interceptor reads (a subset of undici's `Dispatcher.DispatchOptions`). */
export interface UndiciDispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  // `any`, not `unknown`: compose checks the interceptor's dispatch against undici's both ways,
  // and only `any` is assignable to undici's header and body unions.
  // biome-ignore lint/suspicious/noExplicitAny: see above; the interceptor narrows at run time.
  headers?: any;
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  body?: any;
  query?: Record<string, unknown>;
}

/** The undici 7 handler callbacks the interceptor forwards (`Dispatcher.DispatchHandler`). */
export interface UndiciDispatchHandler {
  onRequestStart?(controller: unknown, context: unknown): void;
  onRequestUpgrade?(controller: unknown, statusCode: number, headers: unknown, socket: unknown): void;
  onResponseStart?(
    controller: unknown,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void;
  onResponseData?(controller: unknown, chunk: Uint8Array): void;
  onResponseEnd?(controller: unknown, trailers: unknown): void;
  onResponseError?(controller: unknown, error: Error): void;
}

/** undici's `Dispatcher['dispatch']`, structurally. */
export type UndiciDispatch = (options: UndiciDispatchOptions, handler: UndiciDispatchHandler) => boolean;

/** An undici 7 interceptor, for `dispatcher.compose(...)`. */
export type UndiciInterceptor = (dispatch: UndiciDispatch) => UndiciDispatch;

/** The interceptor that captures every exchange dispatched through it into `sink`. */
export function recordingInterceptor(sink: CaptureSink): UndiciInterceptor {
  return (dispatch) =>
    function recordedDispatch(options: UndiciDispatchOptions, handler: UndiciDispatchHandler): boolean {
      let started: { capture: StartedCapture; body: unknown } | undefined;
      try {
        started = startCapture(options, sink);
      } catch {
        started = undefined;
      }
      if (started === undefined) return dispatch(options, handler);
      const next = started.body === options.body ? options : { ...options, body: started.body };
      return dispatch(next, recordingHandler(handler, started.capture, sink));
    };
}

function startCapture(
  options: UndiciDispatchOptions,
  sink: CaptureSink,
): { capture: StartedCapture; body: unknown } | undefined {
  const headers = headerRecord(headerEntries(options.headers));
  if (headers[NO_TRACE_HEADER] !== undefined) return undefined;
  let url = `${String(options.origin ?? "").replace(/\/$/, "")}${options.path}`;
  if (options.query !== undefined && Object.keys(options.query).length > 0) {
    const query = new URLSearchParams(
      Object.entries(options.query).map(([name, value]) => [name, String(value)] as [string, string]),
    );
    url += `${url.includes("?") ? "&" : "?"}${query}`;
  }
  const capture: StartedCapture = {
    startedAt: Date.now(),
    startedClock: performance.now(),
    method: options.method.toUpperCase(),
    url,
    headers,
    body: undefined,
  };
  let body = options.body;
  if (body !== undefined && body !== null) {
    const bytes = new BoundedBytes(sink.maxBodyBytes);
    if (typeof body === "string" || body instanceof Uint8Array) {
      bytes.push(body);
      capture.body = bytes;
    } else if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
      // fetch hands undici an async generator of chunks (a Readable is one too): pass each chunk
      // on unchanged, keeping a bounded copy.
      body = tapChunks(body as AsyncIterable<Uint8Array | string>, bytes);
      capture.body = bytes;
    }
  }
  return { capture, body };
}

async function* tapChunks(
  source: AsyncIterable<Uint8Array | string>,
  bytes: BoundedBytes,
): AsyncGenerator<Uint8Array | string> {
  for await (const chunk of source) {
    try {
      bytes.push(chunk);
    } catch {
      // Recording never breaks the upload.
    }
    yield chunk;
  }
}

function recordingHandler(
  handler: UndiciDispatchHandler,
  capture: StartedCapture,
  sink: CaptureSink,
): UndiciDispatchHandler {
  let response: { status: number; headers: Record<string, string>; body: BoundedBytes } | undefined;
  let done = false;
  const finish = (error?: string): void => {
    if (done) return;
    done = true;
    try {
      sink.complete({
        ...capture,
        durationMs: performance.now() - capture.startedClock,
        ...(response === undefined ? {} : { response }),
        ...(error === undefined ? {} : { error }),
      });
    } catch {
      // Recording never breaks the request.
    }
  };
  return {
    onRequestStart(controller, context) {
      handler.onRequestStart?.(controller, context);
    },
    onRequestUpgrade(controller, statusCode, headers, socket) {
      // An upgraded connection (WebSocket, CONNECT) is not an exchange to record.
      done = true;
      handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
    },
    onResponseStart(controller, statusCode, headers, statusMessage) {
      try {
        // 1xx answers come first and are replaced by the final one.
        response = {
          status: statusCode,
          headers: headerRecord(Object.entries(headers)),
          body: new BoundedBytes(sink.maxBodyBytes),
        };
      } catch {
        response = undefined;
      }
      return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
    },
    onResponseData(controller, chunk) {
      try {
        response?.body.push(chunk);
      } catch {
        // Recording never breaks the response.
      }
      return handler.onResponseData?.(controller, chunk);
    },
    onResponseEnd(controller, trailers) {
      finish();
      return handler.onResponseEnd?.(controller, trailers);
    },
    onResponseError(controller, error) {
      finish(describeFailure(error));
      return handler.onResponseError?.(controller, error);
    },
  };
}

/** undici accepts headers as a record, a flat `[name, value, …]` array or an iterable of pairs. */
function headerEntries(headers: unknown): [string, string | string[] | undefined][] {
  if (headers === null || headers === undefined) return [];
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      return (headers as [unknown, unknown][]).map(([name, value]) => [String(name), headerValue(value)]);
    }
    const pairs: [string, string | string[] | undefined][] = [];
    for (let index = 0; index + 1 < headers.length; index += 2) {
      pairs.push([String(headers[index]), headerValue(headers[index + 1])]);
    }
    return pairs;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") {
    return [...(headers as Iterable<[unknown, unknown]>)].map(([name, value]) => [
      String(name),
      headerValue(value),
    ]);
  }
  return Object.entries(headers as Record<string, unknown>).map(([name, value]) => [
    name,
    headerValue(value),
  ]);
}

function headerValue(value: unknown): string | string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}
