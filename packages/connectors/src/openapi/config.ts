import { z } from "zod";
import { HttpAuth, HttpPagination } from "../http/config";

/** The config of an openapi connector ref. */
export const OpenApiConnectorConfig = z.object({
  /** Overrides the document's servers for every environment. */
  baseUrl: z.url().optional(),
  /** Base URL per environment name; wins over everything else. */
  baseUrls: z.record(z.string(), z.url()).default({}),
  /** Which of the document's `servers` to use when no base URL is configured, and its variables. */
  server: z
    .object({ index: z.int().min(0).default(0), variables: z.record(z.string(), z.string()).default({}) })
    .default({ index: 0, variables: {} }),
  /** Per security scheme (by its name in the document): the secret name and non-secret ids. */
  credentials: z
    .record(
      z.string(),
      z.object({
        secret: z.string().min(1).optional(),
        username: z.string().optional(),
        clientId: z.string().optional(),
      }),
    )
    .default({}),
  /** One auth for every operation, instead of the one derived from the document's security. */
  auth: HttpAuth.optional(),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.int().min(1).max(600_000).default(30_000),
  maxResponseBytes: z
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  /** The header carrying `ctx.idempotencyKey` on writes (`Idempotency-Key`). */
  idempotencyHeader: z.string().min(1).optional(),
  /** The operation `write` calls when the context names none. */
  defaultOperation: z.string().optional(),
  /** What `read` calls: a GET operation, its parameters, where the records are and how pages go. */
  read: z
    .object({
      operation: z.string(),
      parameters: z.record(z.string(), z.unknown()).default({}),
      itemsPath: z.string().default(""),
      pagination: HttpPagination.default({ type: "none" }),
      maxPages: z.int().min(1).default(10_000),
    })
    .optional(),
  /** The GET operation `test` calls. */
  testOperation: z.string().optional(),
});
/** The config of an openapi connector ref (defaults applied). */
export type OpenApiConnectorConfig = z.output<typeof OpenApiConnectorConfig>;
/** The config of an openapi connector ref, as written in a ref (defaults optional). */
export interface OpenApiConnectorConfigInput extends z.input<typeof OpenApiConnectorConfig> {}
