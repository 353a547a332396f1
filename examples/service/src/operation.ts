import type { FastifyInstance, FastifySchema, RouteHandlerMethod } from "fastify";
import type { z } from "zod";
import type { RouteAccess } from "./auth/access";
import { type JsonSchema, toJsonSchema } from "./json-schema";

/** A documented response of an operation. */
export interface ResponseSpec {
  description: string;
  /** A component name (`Run`) or an inline JSON Schema. */
  schema?: string | JsonSchema;
  /** @default "application/json" */
  contentType?: string;
  /** Response headers worth documenting (`Location`). */
  headers?: Record<string, { description: string }>;
}

/** One API operation: what it validates (zod → Fastify's Ajv) and what the OpenAPI document says. */
export interface OperationSpec {
  operationId: string;
  summary: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** Who may call it (see {@link RouteAccess}); without it, `project.read` on every project. */
  access?: RouteAccess;
  /** A tighter rate limit than the service's (login). */
  rateLimitPerMinute?: number;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set by {@link addOperation}; the OpenAPI builder reads it back from the route table. */
    operation?: OperationSpec;
  }
}

/** A route of the API as the OpenAPI builder sees it. */
export interface RegisteredOperation {
  method: string;
  /** Fastify's form: `/runs/:id`. */
  url: string;
  spec: OperationSpec;
  schema: FastifySchema;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Registers a route whose request is validated from the spec's zod schemas; the spec travels in
 * the route config so `/openapi.json` is built from the routes that really exist.
 */
export function addOperation(
  app: FastifyInstance,
  method: Method,
  url: string,
  spec: OperationSpec,
  handler: RouteHandlerMethod,
): void {
  const schema: FastifySchema = {
    ...(spec.params ? { params: toJsonSchema(spec.params) } : {}),
    ...(spec.query ? { querystring: toJsonSchema(spec.query) } : {}),
    ...(spec.body ? { body: toJsonSchema(spec.body) } : {}),
  };
  app.route({
    method,
    url,
    schema,
    config: {
      operation: spec,
      ...(spec.access ? { access: spec.access } : {}),
      // Per client address: the caller is not known yet (login), whatever headers it sends.
      ...(spec.rateLimitPerMinute
        ? {
            rateLimit: {
              max: spec.rateLimitPerMinute,
              timeWindow: 60_000,
              keyGenerator: (request: { ip: string }) => request.ip,
            },
          }
        : {}),
    },
    handler,
  });
}
