import { z } from "zod";

/** Name of a secret in the call context (the ref maps it to a provider key). */
const SecretName = z.string().min(1);

/** How requests authenticate. Secret *names* only: values come from the context at call time. */
export const HttpAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({
    type: z.literal("apiKey"),
    /** Where the key goes (a cookie is sent as `Cookie: <name>=<key>`). */
    in: z.enum(["header", "query", "cookie"]).default("header"),
    /** The header or query parameter name. */
    name: z.string().min(1).default("X-API-Key"),
    secret: SecretName.default("apiKey"),
  }),
  z.object({ type: z.literal("bearer"), secret: SecretName.default("token") }),
  z.object({
    type: z.literal("basic"),
    username: z.string().min(1),
    secret: SecretName.default("password"),
  }),
  z.object({
    type: z.literal("oauth2ClientCredentials"),
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: SecretName.default("clientSecret"),
    scope: z.string().optional(),
    audience: z.string().optional(),
    /** RFC 6749 §2.3.1: credentials in a Basic header (recommended) or in the form body. */
    clientAuth: z.enum(["basic", "body"]).default("basic"),
    /** Refresh this long before the token expires. */
    refreshBeforeMs: z.int().min(0).default(30_000),
  }),
]);
/** How requests authenticate. */
export type HttpAuth = z.output<typeof HttpAuth>;

/** How a request body is encoded. */
export const BodyType = z.enum(["json", "form", "text"]);
/** How a request body is encoded. */
export type BodyType = z.output<typeof BodyType>;

/** One request shape: what `write` sends, or one named operation. */
export const HttpRequestSpec = z.object({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
  /** Joined to the base URL; `{field}` is filled from the record (`/orders/{id}`). */
  path: z.string().default(""),
  query: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  body: BodyType.default("json"),
  /** The header carrying `ctx.idempotencyKey` (`Idempotency-Key`); absent: none is sent. */
  idempotencyHeader: z.string().min(1).optional(),
});
/** One request shape. */
export type HttpRequestSpec = z.output<typeof HttpRequestSpec>;

/** How `read` walks pages. */
export const HttpPagination = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({
    type: z.literal("cursor"),
    /** The query parameter the cursor goes in. */
    param: z.string().default("cursor"),
    /** Dot path of the next cursor in the response body; empty/absent ends the read. */
    nextPath: z.string().default("next_cursor"),
  }),
  /** RFC 8288 `Link: <…>; rel="next"`, as GitHub and Shopify use. */
  z.object({ type: z.literal("link-header") }),
  z.object({
    type: z.literal("offset"),
    offsetParam: z.string().default("offset"),
    limitParam: z.string().default("limit"),
    limit: z.int().min(1).default(100),
  }),
  z.object({
    type: z.literal("page"),
    pageParam: z.string().default("page"),
    sizeParam: z.string().default("per_page"),
    size: z.int().min(1).default(100),
    firstPage: z.int().min(0).default(1),
  }),
]);
/** How `read` walks pages. */
export type HttpPagination = z.output<typeof HttpPagination>;

/** What `read` requests. */
export const HttpReadSpec = z.object({
  path: z.string().default(""),
  query: z.record(z.string(), z.string()).default({}),
  /** Dot path of the records array in the response body; "" for a body that is the array. */
  itemsPath: z.string().default(""),
  pagination: HttpPagination.default({ type: "none" }),
  /** Stops after this many pages. */
  maxPages: z.int().min(1).default(10_000),
});
/** What `read` requests. */
export type HttpReadSpec = z.output<typeof HttpReadSpec>;

/** The config of an http connector ref. */
export const HttpConfig = z.object({
  /** The base URL; `baseUrls[environment]` and then the environment's own base URL win over it. */
  baseUrl: z.url().optional(),
  /** Base URL per environment name (`{ sandbox: "https://sandbox.api…" }`). */
  baseUrls: z.record(z.string(), z.url()).default({}),
  /** Headers on every request. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Per-call timeout in milliseconds. */
  timeoutMs: z.int().min(1).max(600_000).default(30_000),
  /** Largest response body read, in bytes. */
  maxResponseBytes: z
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  auth: HttpAuth.default({ type: "none" }),
  write: HttpRequestSpec.default({ method: "POST", path: "", query: {}, headers: {}, body: "json" }),
  /** Named request shapes, chosen by `ctx.operation` on write. */
  operations: z.record(z.string(), HttpRequestSpec).default({}),
  read: HttpReadSpec.default({
    path: "",
    query: {},
    itemsPath: "",
    pagination: { type: "none" },
    maxPages: 10_000,
  }),
  /** Path `test` sends a GET to; any answer below 500 but 401/403 passes. */
  testPath: z.string().default(""),
});
/** The config of an http connector ref, as the connector receives it (defaults applied). */
export type HttpConfig = z.output<typeof HttpConfig>;
/**
 * The config of an http connector ref, as written in a ref (defaults optional): what
 * `connectorRefs.put` takes for `type: "http"` in a runtime created with `http()`.
 */
export interface HttpConnectorConfig extends z.input<typeof HttpConfig> {}
/** The config of an http connector ref, as written in a ref. Same as {@link HttpConnectorConfig}. */
export type HttpConfigInput = HttpConnectorConfig;
