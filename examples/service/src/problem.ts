import { randomUUID } from "node:crypto";
import {
  BlueprintInvalidError,
  ErrorCode,
  type OverloadedError,
  SynapseError,
  toSynapseError,
} from "@synapseops/core";
import { MappingError } from "@synapseops/mapping";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { fastifyProblemCode } from "./http-errors";

/** One field-level problem: where (a JSON pointer into the request part) and what. */
export interface ProblemEntry {
  pointer: string;
  detail: string;
  /** The request part the pointer is into: body, querystring or params. */
  in?: string;
  code?: string;
}

/** An RFC 9457 problem details object, with our stable error `code` and the logged error id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errorId: string;
  /** Where in the request (or the blueprint) the problem is, when known. */
  pointer?: string;
  errors?: ProblemEntry[];
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** HTTP status per error code: callers' mistakes are 4xx, our failures and peers' are 5xx. */
const STATUS: Record<string, number> = {
  [ErrorCode.INVALID_INPUT]: 400,
  [ErrorCode.MERGE_PATCH_INVALID]: 400,
  [ErrorCode.CURSOR_INVALID]: 400,
  [ErrorCode.IDEMPOTENCY_KEY_INVALID]: 400,
  [ErrorCode.CONNECTOR_INVALID]: 400,
  // A cron expression that does not parse or never fires, an unknown time zone (with its pointer).
  [ErrorCode.SCHEDULE_INVALID]: 400,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.LIFECYCLE]: 409,
  [ErrorCode.APPROVAL_NOT_PENDING]: 409,
  [ErrorCode.CANCELLED]: 409,
  [ErrorCode.RECORD_NOT_PARKED]: 409,
  // RFC 9110 §15.5.21: the request is well-formed, the blueprint it acts on is not.
  [ErrorCode.BLUEPRINT_INVALID]: 422,
  [ErrorCode.IDEMPOTENCY_CONFLICT]: 422,
  [ErrorCode.MAPPING_ENGINE]: 422,
  [ErrorCode.CONNECTOR_FAILED]: 502,
  [ErrorCode.CLOSED]: 503,
  // RFC 6585 §4; a store that cannot take the run is 503 (see overloadStatus).
  [ErrorCode.OVERLOADED]: 429,
};

const TITLE: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  408: "Request timeout",
  409: "Conflict",
  413: "Content too large",
  414: "URI too long",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
};

function problem(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `urn:synapseops:problem:${code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLE[status] ?? "Error",
    status,
    detail,
    instance: request.url,
    code,
    errorId: `err_${randomUUID()}`,
    ...extra,
  };
}

/** Fastify's Ajv errors as problem entries; a missing property points at the property itself. */
function validationEntries(error: FastifyError): ProblemEntry[] {
  return (error.validation ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: string } | undefined)?.missingProperty;
    const pointer = `${issue.instancePath}${missing === undefined ? "" : `/${missing}`}`;
    return {
      pointer,
      detail:
        missing === undefined
          ? `${pointer || "/"} ${issue.message ?? "is invalid"}`
          : `${pointer} is required`,
      ...(error.validationContext ? { in: error.validationContext } : {}),
      code: issue.keyword,
    };
  });
}

/** Turns anything a route threw into a problem: Fastify's own errors, ours, the mapping engine's. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const fastifyError = error as FastifyError;
  if (Array.isArray(fastifyError.validation)) {
    const errors = validationEntries(fastifyError);
    const first = errors[0];
    return problem(
      request,
      400,
      ErrorCode.INVALID_INPUT,
      `request ${fastifyError.validationContext ?? "input"} is invalid: ${first?.detail ?? fastifyError.message}`,
      { errors, ...(first ? { pointer: first.pointer } : {}) },
    );
  }
  if (error instanceof MappingError) {
    return problem(request, 400, error.code, error.message, error.path ? { pointer: error.path } : {});
  }
  if (error instanceof SynapseError) {
    const status = error.code === ErrorCode.OVERLOADED ? overloadStatus(error) : (STATUS[error.code] ?? 500);
    const extra: Partial<Problem> = error.path ? { pointer: error.path } : {};
    if (error instanceof BlueprintInvalidError) {
      extra.errors = error.report.issues
        .filter((issue) => issue.severity === "error")
        .map((issue) => ({ pointer: issue.path, detail: issue.message, code: issue.code }));
    }
    // A 5xx says what failed without echoing internals; the log under errorId has the rest.
    return problem(request, status, error.code, status >= 500 ? publicDetail(error) : error.message, extra);
  }
  // Fastify's client errors (bad JSON, bad URL, wrong media type, body too large) carry a 4xx statusCode.
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return problem(request, status, fastifyProblemCode(fastifyError), fastifyError.message);
  }
  return problem(request, 500, ErrorCode.INTERNAL, publicDetail(toSynapseError(error)));
}

/** 429 when the run queue is full, 503 when the store cannot take the run (issue 16). */
function overloadStatus(error: SynapseError): number {
  return (error as OverloadedError).resource === "store" ? 503 : 429;
}

/**
 * The `Retry-After` of an overloaded runtime, in whole seconds (RFC 9110 §10.2.3), at least 1;
 * undefined for any other error.
 */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof SynapseError) || error.code !== ErrorCode.OVERLOADED) return undefined;
  const ms = (error as OverloadedError).retryAfterMs;
  return Math.max(1, Math.ceil((Number.isFinite(ms) ? ms : 1_000) / 1_000));
}

function publicDetail(error: SynapseError): string {
  if (
    error.code === ErrorCode.CONNECTOR_FAILED ||
    error.code === ErrorCode.CLOSED ||
    error.code === ErrorCode.OVERLOADED
  )
    return error.message;
  return `the service failed (${error.code}); quote the errorId when reporting it`;
}

/** Fastify's error handler: answers with problem+json and logs the error under its error id. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toProblem(error, request);
  const log = { errorId: body.errorId, code: body.code, status: body.status };
  if (body.status >= 500 && body.code !== ErrorCode.OVERLOADED)
    request.log.error({ ...log, err: error }, body.detail);
  else request.log.info(log, body.detail);
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) reply.header("retry-after", String(retryAfter));
  return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** The 404 of a path no route serves, in the same shape. */
export function sendRouteNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = problem(request, 404, ErrorCode.NOT_FOUND, `no route ${request.method} ${request.url}`);
  request.log.info({ errorId: body.errorId, code: body.code, status: 404 }, body.detail);
  return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(body);
}
