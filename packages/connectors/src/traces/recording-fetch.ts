import { performance } from "node:perf_hooks";
import { BoundedBytes, headerRecord } from "./_capture";
import { type CaptureSink, describeFailure, type StartedCapture } from "./_capture-sink";
import { NO_TRACE_HEADER } from "./trace-batch";

/**
 * Wraps a fetch so every exchange is captured: the request as it leaves, the response's status,
 * headers and (a bounded copy of) its body, or the failure. The caller gets the very response
 * `base` returned; its body is read through a clone in the background, so recording adds no
 * wait. Nothing the recorder does can make the call fail: its own errors are swallowed.
 */
export function recordingFetch(base: typeof fetch, sink: CaptureSink): typeof fetch {
  return async function recordedFetch(input, init) {
    let started: { capture: StartedCapture; init: RequestInit | undefined } | undefined;
    try {
      started = startCapture(input, init, sink);
    } catch {
      started = undefined;
    }
    if (started === undefined) return base(input, init);
    const { capture } = started;
    let response: Response;
    try {
      response = await base(input, started.init);
    } catch (error) {
      sink.complete({
        ...capture,
        durationMs: performance.now() - capture.startedClock,
        error: describeFailure(error),
      });
      throw error;
    }
    try {
      observeResponse(response, capture, sink);
    } catch {
      // A recorder fault never reaches the caller.
    }
    return response;
  };
}

function startCapture(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  sink: CaptureSink,
): { capture: StartedCapture; init: RequestInit | undefined } | undefined {
  const request = input instanceof Request ? input : undefined;
  // fetch semantics: init's headers replace the Request's, they do not merge.
  const headers = headerRecord(new Headers(init?.headers ?? request?.headers).entries());
  if (headers[NO_TRACE_HEADER] !== undefined) return undefined;
  const capture: StartedCapture = {
    startedAt: Date.now(),
    startedClock: performance.now(),
    method: (init?.method ?? request?.method ?? "GET").toUpperCase(),
    url: request?.url ?? String(input),
    headers,
    body: undefined,
  };
  let nextInit = init;
  const body = init?.body ?? undefined;
  if (body !== undefined && body !== null) {
    const bytes = new BoundedBytes(sink.maxBodyBytes);
    capture.body = bytes;
    if (typeof body === "string") {
      bytes.push(body);
      headers["content-type"] ??= "text/plain;charset=UTF-8";
    } else if (body instanceof URLSearchParams) {
      bytes.push(body.toString());
      headers["content-type"] ??= "application/x-www-form-urlencoded;charset=UTF-8";
    } else if (body instanceof ArrayBuffer) {
      bytes.push(new Uint8Array(body));
    } else if (ArrayBuffer.isView(body)) {
      bytes.push(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    } else if (body instanceof Blob) {
      if (body.type !== "") headers["content-type"] ??= body.type;
      sink.track(readBlob(body, bytes, sink.maxBodyBytes));
    } else if (body instanceof ReadableStream) {
      // Tee: one branch goes to the network, the other is read (bounded) for the trace.
      const [sent, copy] = body.tee();
      nextInit = { ...init, body: sent };
      sink.track(readStream(copy, bytes));
    } else {
      // FormData and other bodies: their serialisation is fetch's business; not recorded.
      capture.body = undefined;
    }
  } else if (request?.body !== null && request?.body !== undefined) {
    const bytes = new BoundedBytes(sink.maxBodyBytes);
    capture.body = bytes;
    const copy = request.clone().body;
    if (copy !== null) sink.track(readStream(copy, bytes));
  }
  return { capture, init: nextInit };
}

function observeResponse(response: Response, capture: StartedCapture, sink: CaptureSink): void {
  const headers = headerRecord(response.headers.entries());
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length > 0) headers["set-cookie"] = setCookies.join(", ");
  const bytes = new BoundedBytes(sink.maxBodyBytes);
  const finish = (error?: string): void => {
    sink.complete({
      ...capture,
      durationMs: performance.now() - capture.startedClock,
      // fetch has already undone any Content-Encoding by the time the body streams.
      response: { status: response.status, headers, body: bytes, decoded: true },
      ...(error === undefined ? {} : { error }),
    });
  };
  // An event stream may never end: its trace is the status and headers.
  if (response.body === null || /^text\/event-stream/i.test(headers["content-type"] ?? "")) {
    finish();
    return;
  }
  const copy = response.clone().body;
  if (copy === null) {
    finish();
    return;
  }
  sink.track(
    readStream(copy, bytes).then(
      () => finish(),
      (error: unknown) => finish(`response body: ${describeFailure(error)}`),
    ),
  );
}

/** Reads a stream into `bytes` until its end or the bound, then lets go of it. */
async function readStream(stream: ReadableStream<Uint8Array>, bytes: BoundedBytes): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes.push(value);
      if (bytes.full) {
        // One more read tells a body of exactly the bound from a longer one.
        const more = await reader.read();
        if (more.done) return;
        bytes.push(more.value);
        // Cancelling our branch of a tee leaves the caller's branch flowing.
        await reader.cancel();
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

async function readBlob(blob: Blob, bytes: BoundedBytes, limit: number): Promise<void> {
  bytes.push(new Uint8Array(await blob.slice(0, limit).arrayBuffer()));
  bytes.total = blob.size;
}
