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
  rateLimit?: { limit: number; windowMs: number };
  /**
   * Validate path, query, header parameters and JSON/form bodies; invalid requests get 400
   * problem+json listing each problem with a JSON pointer.
   * @default true
   */
  validateRequests?: boolean;
  /**
   * Answer 401 when none of the operation's security requirements has its credentials present.
   * @default false
   */
  enforceSecurity?: boolean;
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
