import type { OpenApiDocument, OpenApiSchema, OperationDescriptor } from "@synapseops/core";
import { errorResponse } from "../readiness/_features";
import type { SchemaValidator } from "../schema/validator";
import { buildResponseBody } from "./responses";

/** An error the mock answers: status, content type and body. */
export interface ErrorAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * The body of an error the mock raises itself (validation, credentials, conflicts, rate limit)
 * in the shape the operation documents for that status (its own, `4XX`, else `default`): the
 * RFC 9457 problem when it fits the documented schema, else a body synthesised from that schema
 * with its `message`/`detail` set when it has one. Undocumented: the problem as
 * `application/problem+json`.
 */
export function documentedError(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  operation: OperationDescriptor | undefined,
  status: number,
  problem: Record<string, unknown>,
  cache: Map<string, unknown>,
): ErrorAnswer {
  const documented = operation ? errorResponse(operation, status) : undefined;
  if (!operation || !documented) return { status, contentType: "application/problem+json", body: problem };
  const contentType = documented.contentType.includes("*") ? "application/json" : documented.contentType;
  if (validator.validate(documented.schema, problem).length === 0)
    return { status, contentType, body: problem };
  const key = `${operation.operationId} ${documented.status}`;
  if (!cache.has(key))
    cache.set(
      key,
      buildResponseBody(doc, validator, {
        contentType: documented.contentType,
        schema: documented.schema as OpenApiSchema,
      }),
    );
  const synthesised = cache.get(key);
  if (synthesised && typeof synthesised === "object" && !Array.isArray(synthesised)) {
    for (const field of ["detail", "message"]) {
      if (typeof (synthesised as Record<string, unknown>)[field] !== "string") continue;
      const withDetail = { ...synthesised, [field]: String(problem.detail ?? problem.title) };
      if (validator.validate(documented.schema, withDetail).length === 0)
        return { status, contentType, body: withDetail };
    }
  }
  return { status, contentType, body: synthesised };
}

/**
 * The status the mock refuses an invalid request with: 400 when documented (or `4XX`/`default`),
 * else a documented 422, else the first documented 4xx that is not about credentials, absence
 * or rate (Petstore's `405 Invalid input`), else 400.
 */
export function validationStatus(operation: OperationDescriptor): number {
  const statuses = operation.responses.map((r) => r.status.toUpperCase());
  if (statuses.some((s) => s === "400" || s === "4XX" || s === "DEFAULT")) return 400;
  if (statuses.includes("422")) return 422;
  const other = statuses.find((s) => /^4\d\d$/.test(s) && !["401", "403", "404", "429"].includes(s));
  return other ? Number(other) : 400;
}
