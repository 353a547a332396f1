import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookDedupeStore, WebhookSecrets } from "@synapseops/connectors";
import type { Annotation, OpenApiDocument, ReadinessStore, RunStore } from "@synapseops/core";

/** The API document traces of a project are checked against, with its annotations. */
export interface CollectorProject {
  document: OpenApiDocument;
  /** Vendor annotations (not stored on traces; used to explain them in reports). */
  annotations?: readonly Annotation[];
}

/** Options of {@link createTraceCollector}. */
export interface TraceCollectorOptions {
  /** Where traces are stored: a core store (`memoryStore()`, `postgresStore(…)`) or any ReadinessStore. */
  store: ReadinessStore;
  /**
   * The Standard Webhooks signing secret(s) the shipper uses, `whsec_…`. Several during a
   * rotation: the old and the new one both verify.
   */
  secret: WebhookSecrets;
  /**
   * The API document of each project (by project id), or a function that finds it. With one, each
   * trace is tagged with the operation it matched and its conformance result; without, traces are
   * stored as sent.
   * @example
   * ```ts
   * createTraceCollector({ store, secret, documents: { [project.id]: { document: await loadOpenApi("api.yaml") } } });
   * ```
   */
  documents?:
    | Readonly<Record<string, CollectorProject>>
    | ((projectId: string) => CollectorProject | undefined | Promise<CollectorProject | undefined>);
  /**
   * Seconds of clock difference accepted between the signed timestamp and now; older or newer
   * batches are refused (401).
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * Seconds a batch id (`webhook-id`) is remembered. A batch id seen within the window again — a
   * replay, or the shipper's retry after a lost answer — is acknowledged without being stored
   * again (200, `duplicate: true`). At least twice the tolerance, so an id is remembered for as
   * long as its signature could still verify.
   * @default 2 × toleranceSeconds
   */
  replayWindowSeconds?: number;
  /**
   * Where batch ids are remembered. Pass a core store (memory or PostgreSQL) shared by every
   * instance of the collector so a replay to another instance is caught too.
   * @default the `store` when it keeps idempotency records (a core `Store`), else an in-process memory store
   */
  replayStore?: WebhookDedupeStore & Partial<Pick<RunStore, "purgeExpiredIdempotencyRecords">>;
  /**
   * The environment to stamp on every trace (a collector endpoint per environment); when unset,
   * each trace keeps the environment the recorder gave it.
   */
  environment?: string;
  /**
   * Largest batch body accepted, in bytes (413 above).
   * @default 5_242_880
   */
  maxBodyBytes?: number;
  /**
   * Most traces in one batch (400 above).
   * @default 1000
   */
  maxTracesPerBatch?: number;
  /** The clock, for tests. @default () => new Date() */
  now?: () => Date;
}

/** One problem of a refused batch. */
export interface BatchProblem {
  /** JSON pointer into the batch body: `/traces/3/request/method`. */
  path: string;
  message: string;
}

/** The JSON body a collector answers with. */
export type CollectorAnswerBody =
  | {
      ok: true;
      /** The batch id (`webhook-id`). */
      id: string;
      /** The batch was received before (a replay or a retry) and was not stored again. */
      duplicate: boolean;
      /** Traces in the batch. */
      received: number;
      /** Traces stored now (ids already stored are skipped). */
      stored: number;
    }
  | {
      ok: false;
      /** `bad_signature`, `timestamp_out_of_tolerance`, `invalid_batch`, `id_reused`… */
      error: string;
      message: string;
      problems?: BatchProblem[];
    };

/** An HTTP answer of the collector. */
export interface CollectorAnswer {
  status: number;
  /** Extra response headers (`retry-after` on 503). */
  headers?: Record<string, string>;
  body: CollectorAnswerBody;
}

/** Receives signed trace batches; mount {@link TraceCollector.handle} or {@link TraceCollector.node}. */
export interface TraceCollector {
  /** Verifies, checks and stores one batch given its raw body and headers. Never throws. */
  receive(input: {
    rawBody: string | Uint8Array;
    headers: Headers | Record<string, string | string[] | undefined>;
  }): Promise<CollectorAnswer>;
  /** A fetch-style handler (`Request` → `Response`): Hono (`c.req.raw`), Bun, Deno, undici servers. */
  handle(request: Request): Promise<Response>;
  /**
   * A `node:http` request listener. (Fastify parses bodies itself: register a `parseAs: "buffer"`
   * content parser for the route and call {@link TraceCollector.receive} with that buffer.)
   */
  node(request: IncomingMessage, response: ServerResponse): Promise<void>;
}
