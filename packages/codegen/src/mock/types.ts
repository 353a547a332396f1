import type { OpenApiDocument, OperationDescriptor } from "@synapseops/core";

/** Options of {@link createMockServer}. */
export interface MockServerOptions {
  /**
   * Delay before each response, in ms: a number, or `[min, max]` for a seeded random delay.
   * @default 0
   */
  latencyMs?: number | [number, number];
  /**
   * Share of requests (0–1) answered with a server error (the documented 5XX/default response,
   * else 500 problem+json), chosen by a seeded generator so runs repeat.
   * @default 0
   */
  errorRate?: number;
  /**
   * Requests allowed per window before 429 with `Retry-After` (whole seconds left in the window).
   * @example
   * ```ts
   * createMockServer(doc, { rateLimit: { limit: 10, windowMs: 1000 } });
   * ```
   */
  rateLimit?: {
    limit: number;
    windowMs: number;
    /**
     * Which window a request counts in, e.g. per API key; one shared window without it.
     * @example
     * ```ts
     * createMockServer(doc, { rateLimit: { limit: 10, windowMs: 1000, key: (r) => r.headers.get("x-api-key") ?? "" } });
     * ```
     */
    key?: (request: Request) => string;
  };
  /**
   * Validate path, query, header parameters and JSON/form bodies. An invalid request gets the
   * status the operation documents for invalid input (400, `4XX` or `default`; else its 422;
   * else its first other 4xx, such as Petstore's 405; else 400), with a body in the documented
   * error shape (RFC 9457 problem+json when nothing is documented) listing each problem with a
   * JSON pointer.
   * @default true
   */
  validateRequests?: boolean;
  /**
   * Answer 401 when none of the operation's security requirements has its credentials present.
   * @default false
   */
  enforceSecurity?: boolean;
  /**
   * With `enforceSecurity`: the one credential each listed security scheme accepts (HTTP basic:
   * `user:password`; bearer, OAuth2, OpenID Connect: the token; API key: the key). Another value
   * gets 401 like a missing one. Unlisted schemes accept any value.
   */
  credentials?: Record<string, string>;
  /**
   * A webhook receiver at `POST <base>/__synapseops/webhooks/<name>` for each webhook or callback
   * the document declares: Standard Webhooks signatures checked with this secret (`whsec_…`),
   * stale timestamps and bad signatures answered 401, bodies validated against the documented
   * schema (400), verified deliveries answered 204.
   */
  webhooks?: { secret: string };
  /**
   * Replays a POST's response for a repeated `Idempotency-Key` with the same body (header
   * `idempotent-replayed: true`) and answers 422 problem+json for the same key with another
   * body (IETF draft "The Idempotency-Key HTTP Header Field" §2.7).
   * @default true
   */
  idempotency?: boolean;
  /**
   * Serves list operations (a cursor, offset or page parameter, a `Link` header or a next-page
   * field) as a consistent set of pages: distinct items, next markers until the last page.
   * @default true
   */
  pagination?: boolean;
  /**
   * Echoes a documented version header (`Stripe-Version`, `api-version`) sent with a request on
   * its response when the response documents that header.
   * @default true
   */
  echoVersion?: boolean;
  /**
   * Faults to inject per request (before anything else): a status to answer with, a delay, or both.
   * @example
   * ```ts
   * createMockServer(doc, { faults: (r) => (r.headers.has("x-fail") ? { status: 503 } : undefined) });
   * ```
   */
  faults?: (request: Request) => MockFault | undefined;
  /**
   * Seed of the generator behind `errorRate` and random latency.
   * @default 1
   */
  seed?: number;
  /**
   * The path prefix requests arrive under, stripped before matching. Defaults to the path of the
   * document's first server URL (`https://api.x.com/v1` → `/v1`), and both forms are accepted.
   */
  basePath?: string;
  /**
   * The operation a request means when path templates that differ only in their parameters'
   * names match it alike (Google's `/v1/admin/{name}/subscriptions` and
   * `/v1/admin/{parent}/subscriptions`, both GET; issue 19): a real server tells them apart by
   * the value, the mock cannot. The readiness environment names the operation of the case that
   * sent the request; without a hint the first in document order answers.
   * @example
   * ```ts
   * createMockServer(doc, { operationHint: (r) => r.headers.get("x-operation") ?? undefined });
   * ```
   */
  operationHint?: (request: Request) => string | undefined;
}

/** A fault the mock injects for one request. */
export interface MockFault {
  /** Answer with this status (the documented response for it, else problem+json). */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** A running mock over HTTP. */
export interface MockListener {
  /** `http://127.0.0.1:<port>` plus the base path: what clients use as their base URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An in-process mock of one OpenAPI document. */
export interface MockServer {
  document: OpenApiDocument;
  operations: readonly OperationDescriptor[];
  /** Answers one request in process (no sockets): usable as a `fetch` replacement. */
  handle(request: Request): Promise<Response>;
  /** A `fetch`-compatible function backed by {@link MockServer.handle}. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Serves over HTTP on 127.0.0.1 (port 0: any free port). */
  listen(port?: number): Promise<MockListener>;
  /** Requests seen so far, for assertions. */
  readonly requests: { method: string; path: string; operationId?: string; status: number }[];
  /** Resets the rate-limit window and the request log. */
  reset(): void;
}
