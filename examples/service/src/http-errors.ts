import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { checkInput, ErrorCode, ValidationError } from "@synapseops/core";
import type { FastifyError, FastifyRequest } from "fastify";

/**
 * Codes of the problems the HTTP layer answers by itself, beside the library's `ErrorCode`:
 * requests refused for their size, media type or framing before any route runs. Stable: hosts
 * branch on them.
 */
export const HttpErrorCode = {
  /** 413: the body is larger than the service takes (1 MiB). */
  BODY_TOO_LARGE: "BODY_TOO_LARGE",
  /** 415: a body in a media type the route does not read (only `application/json`). */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /** 414: a path segment longer than the router takes (`maxParamLength`). */
  URI_TOO_LONG: "URI_TOO_LONG",
  /** 431: the request line and headers exceed Node's limit (16 KiB). */
  HEADERS_TOO_LARGE: "HEADERS_TOO_LARGE",
  /** 408: the request did not arrive in time. */
  REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  /** 401: no valid API token or session (issue 23). */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** 403: a session's mutating call without its CSRF token (`x-csrf-token`). */
  CSRF_INVALID: "CSRF_INVALID",
  /** 429: more calls than the rate limit allows. */
  RATE_LIMITED: "RATE_LIMITED",
} as const;

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: HttpErrorCode.BODY_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_MAX_PARAM_LENGTH: HttpErrorCode.URI_TOO_LONG,
  FST_CSRF_MISSING_SECRET: HttpErrorCode.CSRF_INVALID,
  FST_CSRF_INVALID_TOKEN: HttpErrorCode.CSRF_INVALID,
  // The access layer's own (auth/access.ts httpError), and the token routes' 404 and 409.
  UNAUTHENTICATED: HttpErrorCode.UNAUTHENTICATED,
  RATE_LIMITED: HttpErrorCode.RATE_LIMITED,
  NOT_FOUND: ErrorCode.NOT_FOUND,
  CONFLICT: ErrorCode.CONFLICT,
};

/** The problem code of a 4xx error Fastify raised (bad JSON, bad URL, body too large…). */
export function fastifyProblemCode(error: FastifyError): string {
  return FASTIFY_CODES[error.code] ?? ErrorCode.INVALID_INPUT;
}

/**
 * Refuses, before validation, request parts no store can keep (issue 16): NUL or lone
 * surrogates in a path parameter, query value or body string, and bodies nesting deeper than
 * the library's limit — the same check the runtime makes, answered as a 400 with a pointer.
 */
export async function refuseHostileInput(request: FastifyRequest): Promise<void> {
  checkInput(request.params, { what: "request path" });
  checkInput(request.query, { what: "request querystring" });
  checkInput(request.body, { what: "request body" });
}

/**
 * RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. Node would answer it with an empty
 * body before Fastify runs, so the server turns Node's check off and makes it here instead.
 */
export async function requireHost(request: FastifyRequest): Promise<void> {
  if (request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor === 1 && !request.headers.host) {
    throw new ValidationError("an HTTP/1.1 request needs a Host header (RFC 9112 §3.2)", { path: "/host" });
  }
}

const CLIENT_ERRORS: Record<string, { status: number; title: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    title: "Request header fields too large",
    code: HttpErrorCode.HEADERS_TOO_LARGE,
    detail: "the request line and headers exceed the 16 KiB the server reads",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    title: "Request timeout",
    code: HttpErrorCode.REQUEST_TIMEOUT,
    detail: "the request did not arrive in time",
  },
};

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (headers too large, a bad
 * request line, a malformed content length or chunk) never reaches a route, so it is answered
 * here, on the socket, as problem+json like every other error — then the connection closes.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ""] ?? {
    status: 400,
    title: "Bad request",
    code: ErrorCode.INVALID_INPUT,
    detail: "the request is not valid HTTP/1.1",
  };
  const errorId = `err_${randomUUID()}`;
  const body = JSON.stringify({
    type: `urn:synapseops:problem:${known.code.toLowerCase().replaceAll("_", "-")}`,
    title: known.title,
    status: known.status,
    detail: known.detail,
    instance: `urn:synapseops:error:${errorId}`,
    code: known.code,
    errorId,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
