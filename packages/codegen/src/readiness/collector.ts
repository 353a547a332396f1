import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { standardWebhooks, WebhookVerificationError } from "@synapseops/connectors";
import { memoryStore, type ReadinessStore, type Trace } from "@synapseops/core";
import { CodegenConfigError } from "../errors";
import { type IncomingTrace, parseBatch } from "./collector-batch";
import type {
  BatchProblem,
  CollectorAnswer,
  CollectorProject,
  TraceCollector,
  TraceCollectorOptions,
} from "./collector-types";
import { createExchangeValidator } from "./validate-exchange";
import type { ExchangeValidator } from "./validate-exchange-types";

/** A batch that reached the collector intact but is not a valid batch (answered 400). */
class InvalidBatch extends Error {
  constructor(readonly problems: BatchProblem[]) {
    super(`invalid trace batch: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  }
}

// An in-process replay store is purged of expired ids every this many batches.
const PURGE_EVERY = 256;

/**
 * The collector end of trace shipping: verifies the Standard Webhooks signature and timestamp of
 * each POSTed batch, refuses replays, checks the batch against the core `Trace` schema and its
 * limits, tags each trace with its operation and conformance result (when the project's OpenAPI
 * document is known) and stores the batch with `store.insertTraces` — idempotent by trace id.
 *
 * Answers (JSON): 200 stored (or `duplicate: true` for a batch id seen within the replay window:
 * a retry or a replay, stored once); 400 malformed headers or batch, with `problems`; 401 bad
 * signature or a timestamp outside the tolerance; 413 too large; 503 with `Retry-After` while the
 * same batch is being stored by another delivery; 500 the store failed. The shipper retries 5xx
 * answers and drops batches refused with another 4xx.
 *
 * @example
 * ```ts
 * const collector = createTraceCollector({
 *   store: runtime.store,
 *   secret: process.env.TRACE_SECRET!, // whsec_…
 *   documents: { [projectId]: { document: await loadOpenApi("openapi.yaml") } },
 * });
 * createServer(collector.node).listen(4318);            // node:http
 * app.post("/traces", (c) => collector.handle(c.req.raw)); // Hono
 * ```
 * @throws {CodegenConfigError} for a tolerance or replay window out of range.
 */
export function createTraceCollector(options: TraceCollectorOptions): TraceCollector {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  if (!(toleranceSeconds > 0))
    throw new CodegenConfigError(`toleranceSeconds must be positive (got ${toleranceSeconds})`, {
      path: "/toleranceSeconds",
    });
  const replayWindowSeconds = options.replayWindowSeconds ?? 2 * toleranceSeconds;
  // A batch verifies from (timestamp − tolerance) to (timestamp + tolerance): an id must be
  // remembered that long after it was first seen, or a replay late in that span gets through.
  if (!(replayWindowSeconds >= 2 * toleranceSeconds))
    throw new CodegenConfigError(
      `replayWindowSeconds (${replayWindowSeconds}) must be at least twice toleranceSeconds (${toleranceSeconds})`,
      { path: "/replayWindowSeconds" },
    );
  const now = options.now ?? (() => new Date());
  const maxTraces = options.maxTracesPerBatch ?? 1000;
  const ownReplayStore = !options.replayStore && !hasIdempotency(options.store);
  const replayStore = options.replayStore ?? (hasIdempotency(options.store) ? options.store : memoryStore());
  const scheme = standardWebhooks({ secret: options.secret, toleranceSeconds });
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const validators = new WeakMap<CollectorProject, ExchangeValidator>();
  let deliveries = 0;

  const projectOf = async (projectId: string): Promise<CollectorProject | undefined> =>
    typeof options.documents === "function"
      ? await options.documents(projectId)
      : options.documents && Object.hasOwn(options.documents, projectId)
        ? options.documents[projectId]
        : undefined;

  const tag = async (incoming: IncomingTrace, receivedAt: string): Promise<Trace> => {
    const trace: Trace = {
      ...incoming,
      ...(options.environment ? { environment: options.environment } : {}),
      receivedAt,
    };
    const project = await projectOf(trace.projectId);
    if (!project) return trace;
    let validator = validators.get(project);
    if (!validator) {
      validator = createExchangeValidator(project.document);
      validators.set(project, validator);
    }
    const result = await validator.validate(
      {
        method: trace.request.method,
        path: trace.request.url,
        headers: trace.request.headers,
        body: trace.request.body,
      },
      trace.response,
    );
    return {
      ...trace,
      ...(result.operation ? { operation: result.operation.id } : {}),
      conformance: { ok: result.ok, problems: result.problems },
    };
  };

  const receive: TraceCollector["receive"] = async ({ rawBody, headers }) => {
    try {
      const bytes = typeof rawBody === "string" ? Buffer.from(rawBody) : rawBody;
      if (bytes.byteLength > maxBodyBytes)
        throw new WebhookVerificationError(
          "body_too_large",
          `batch of ${bytes.byteLength} bytes exceeds ${maxBodyBytes}`,
        );
      const at = now();
      const verdict = scheme.verify({ rawBody: bytes, headers, now: at });
      if (!verdict.ok) throw new WebhookVerificationError(verdict.reason, verdict.message);
      // The shipper signs the same batch id on every retry; the body may differ between attempts
      // (`sentAt`), so the id alone identifies the batch — the signature already proves the sender.
      const id = verdict.id ?? "";
      const owner = randomUUID();
      const claim = await replayStore.claimIdempotencyKey({
        scope: "synapseops:traces",
        key: id,
        payloadHash: "trace-batch",
        owner,
        leaseMs: 60_000,
        ttlMs: replayWindowSeconds * 1000,
        now: at,
      });
      if (claim.outcome === "in_progress")
        return {
          status: 503,
          headers: { "retry-after": "1" },
          body: { ok: false, error: "in_progress", message: `batch "${id}" is being stored; retry shortly` },
        };
      if (claim.outcome !== "claimed")
        return { status: 200, body: { ok: true, id, duplicate: true, received: 0, stored: 0 } };
      let counts: { received: number; stored: number };
      try {
        counts = await storeBatch(bytes);
      } catch (error) {
        await replayStore.failIdempotencyKey({ scope: "synapseops:traces", key: id, owner, now: now() });
        throw error;
      }
      await replayStore.completeIdempotencyKey({ scope: "synapseops:traces", key: id, owner, now: now() });
      if (ownReplayStore && ++deliveries % PURGE_EVERY === 0)
        await replayStore.purgeExpiredIdempotencyRecords?.(now());
      return { status: 200, body: { ok: true, id, duplicate: false, ...counts } };
    } catch (error) {
      return refusal(error);
    }
  };

  const storeBatch = async (bytes: Uint8Array): Promise<{ received: number; stored: number }> => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch {
      throw new InvalidBatch([{ path: "", message: "the batch body is not JSON" }]);
    }
    const batch = parseBatch(body, maxTraces);
    if (!batch.ok) throw new InvalidBatch(batch.problems);
    const receivedAt = now().toISOString();
    const traces: Trace[] = [];
    for (const incoming of batch.traces) traces.push(await tag(incoming, receivedAt));
    return { received: traces.length, stored: await options.store.insertTraces(traces) };
  };

  const handle: TraceCollector["handle"] = async (request) => {
    const declared = Number(request.headers.get("content-length") ?? Number.NaN);
    const answer =
      request.method !== "POST"
        ? methodNotAllowed()
        : declared > maxBodyBytes
          ? refusal(
              new WebhookVerificationError(
                "body_too_large",
                `batch of ${declared} bytes exceeds ${maxBodyBytes}`,
              ),
            )
          : await receive({ rawBody: new Uint8Array(await request.arrayBuffer()), headers: request.headers });
    return Response.json(answer.body, {
      status: answer.status,
      ...(answer.headers ? { headers: answer.headers } : {}),
    });
  };

  const node: TraceCollector["node"] = async (request, response) => {
    let answer: CollectorAnswer;
    if (request.method !== "POST") {
      request.resume();
      answer = methodNotAllowed();
    } else {
      const body = await readBody(request, maxBodyBytes);
      answer = Buffer.isBuffer(body) ? await receive({ rawBody: body, headers: request.headers }) : body;
    }
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(JSON.stringify(answer.body));
  };

  return { receive, handle, node };
}

function hasIdempotency(
  store: ReadinessStore,
): store is ReadinessStore & Required<NonNullable<TraceCollectorOptions["replayStore"]>> {
  const candidate = store as Partial<Required<NonNullable<TraceCollectorOptions["replayStore"]>>>;
  return (
    typeof candidate.claimIdempotencyKey === "function" &&
    typeof candidate.completeIdempotencyKey === "function"
  );
}

function refusal(error: unknown): CollectorAnswer {
  if (error instanceof InvalidBatch)
    return {
      status: 400,
      body: { ok: false, error: "invalid_batch", message: error.message, problems: error.problems },
    };
  if (error instanceof WebhookVerificationError)
    return { status: error.httpStatus, body: { ok: false, error: error.reason, message: error.message } };
  // Not the sender's fault (the store is down…): 500 so the shipper retries; no internals leak.
  return {
    status: 500,
    body: { ok: false, error: "store_failed", message: "the batch could not be stored" },
  };
}

function methodNotAllowed(): CollectorAnswer {
  return {
    status: 405,
    body: { ok: false, error: "method_not_allowed", message: "POST trace batches here" },
  };
}

/** The raw body, or the 413 answer once it exceeds `maxBytes`. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | CollectorAnswer> {
  const tooLarge = (): CollectorAnswer => {
    request.resume();
    return refusal(new WebhookVerificationError("body_too_large", `batch exceeds ${maxBytes} bytes`));
  };
  if (Number(request.headers["content-length"] ?? Number.NaN) > maxBytes) return tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) return tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
