import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listOperations, type OpenApiDocument, type OperationDescriptor } from "@synapseops/core";
import { idempotencyHeader, paginationShape, successSchema, versionParameter } from "../readiness/_features";
import { createSchemaValidator } from "../schema/validator";
import { documentedError, validationStatus } from "./error-body";
import { IdempotencyKeys } from "./idempotency";
import { mockPage } from "./pagination";
import { buildResponseBody, pickResponse, responseMedia, statusNumber } from "./responses";
import { type RouteMatch, Router } from "./router";
import { hasCredentials } from "./security";
import type { MockListener, MockServer, MockServerOptions } from "./types";
import { validateRequest } from "./validate-request";
import { createWebhookReceivers, WEBHOOK_PREFIX } from "./webhook-receiver";

/**
 * An in-process mock server for an OpenAPI document: routes requests to operations, validates
 * them (400 problem+json with pointers), and answers with the documented example or a body
 * synthesised from the schema. Latency, error rate and a rate limit (429 + `Retry-After`) are
 * configurable. A `Prefer: code=404` request header picks another documented response.
 *
 * @example
 * ```ts
 * const mock = createMockServer(await loadOpenApi("petstore.yaml"), { rateLimit: { limit: 5, windowMs: 1000 } });
 * const { url, close } = await mock.listen();
 * const pets = await (await fetch(`${url}/pets`)).json();
 * await close();
 * ```
 */
export function createMockServer(document: OpenApiDocument, options: MockServerOptions = {}): MockServer {
  const operations = listOperations(document);
  const router = new Router(operations);
  const validator = createSchemaValidator(document);
  const basePath = normaliseBase(options.basePath ?? serverBasePath(document));
  const random = mulberry32(options.seed ?? 1);
  const bodies = new Map<string, unknown>();
  const errorBodies = new Map<string, unknown>();
  const requests: MockServer["requests"] = [];
  const windows = new Map<string, { start: number; count: number }>();
  const idempotency = new IdempotencyKeys();
  const receiveWebhook = options.webhooks
    ? createWebhookReceivers(document, operations, validator, options.webhooks.secret)
    : undefined;

  const respond = (
    status: number,
    body: unknown,
    contentType = "application/json",
    headers: Record<string, string> = {},
  ): Response => {
    const text =
      body === undefined
        ? null
        : typeof body === "string" && !/json/.test(contentType)
          ? body
          : JSON.stringify(body);
    const noBody = status === 204 || status === 304 || text === null;
    return new Response(noBody ? null : text, {
      status,
      headers: { ...(noBody ? {} : { "content-type": contentType }), ...headers },
    });
  };
  const problem = (
    status: number,
    title: string,
    detail: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Response =>
    respond(
      status,
      { type: "about:blank", title, status, detail, ...extra },
      "application/problem+json",
      headers,
    );

  /** An error the mock raises, in the operation's documented error shape for that status. */
  const operationError = (
    operation: OperationDescriptor | undefined,
    status: number,
    title: string,
    detail: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Response => {
    const problemBody = { type: "about:blank", title, status, detail, ...extra };
    const answer = documentedError(document, validator, operation, status, problemBody, errorBodies);
    return respond(answer.status, answer.body, answer.contentType, headers);
  };

  const documented = (
    operation: OperationDescriptor,
    wanted: number | undefined,
    fallback: number,
  ): Response => {
    const response = pickResponse(operation, wanted);
    const status = wanted ?? (response ? statusNumber(response.status, fallback) : fallback);
    const media = responseMedia(response);
    const key = `${operation.operationId} ${response?.status ?? "none"}`;
    if (!bodies.has(key)) bodies.set(key, buildResponseBody(document, validator, media));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(response?.headers ?? {})) {
      if (header.required) headers[name] = "1";
    }
    if (status === 204 || !media) return respond(status, undefined, undefined, headers);
    return respond(
      status,
      bodies.get(key),
      media.contentType.includes("*") ? "application/json" : media.contentType,
      headers,
    );
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    let path = url.pathname;
    if (basePath && (path === basePath || path.startsWith(`${basePath}/`)))
      path = path.slice(basePath.length) || "/";
    const hint = options.operationHint?.(request);
    const matches = router.matchAll(request.method, path, {
      headers: request.headers,
      query: url.searchParams,
      ...(hint === undefined ? {} : { operationId: hint }),
    });
    // Among templates alike but for parameter names, the operation the whole request fits, else
    // the one its parameters fit (VTEX's `/{endpoint}/pvt/orders/{id}/cancel` twice, told apart
    // by their bodies; thenounproject's `{id}` and `{slug}` by their types; issue 19).
    const alike = matches.length > 1 && options.validateRequests !== false;
    const sentText = alike && request.body ? await request.clone().text() : undefined;
    const problems = (m: RouteMatch) =>
      validateRequest(document, validator, m.operation, {
        pathParams: m.pathParams,
        query: url.searchParams,
        headers: request.headers,
        ...(sentText !== undefined ? { bodyText: sentText } : {}),
        ...(request.headers.get("content-type") ? { contentType: request.headers.get("content-type")! } : {}),
      });
    const match = alike
      ? (matches.find((m) => problems(m).length === 0) ??
        matches.find((m) => problems(m).every((problem) => problem.path.startsWith("/body"))) ??
        matches[0])
      : matches[0];
    const operation = match?.operation;
    const record = (status: number): void => {
      requests.push({
        method: request.method,
        path: url.pathname,
        ...(operation ? { operationId: operation.operationId } : {}),
        status,
      });
    };
    const latency = Array.isArray(options.latencyMs)
      ? options.latencyMs[0] + random() * (options.latencyMs[1] - options.latencyMs[0])
      : (options.latencyMs ?? 0);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const fault = options.faults?.(request);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status) {
      record(fault.status);
      return operation?.responses.some((r) => r.status === String(fault.status))
        ? documented(operation, fault.status, fault.status)
        : operationError(
            operation,
            fault.status,
            "Injected fault",
            "injected by the mock's faults option",
            {},
            { "retry-after": "0" },
          );
    }
    if (receiveWebhook && path.startsWith(WEBHOOK_PREFIX)) {
      const answer = await receiveWebhook(decodeURIComponent(path.slice(WEBHOOK_PREFIX.length)), request);
      if (answer) {
        record(answer.status);
        return answer;
      }
    }
    if (options.rateLimit) {
      const now = Date.now();
      const key = options.rateLimit.key?.(request) ?? "";
      let window = windows.get(key);
      if (!window || now - window.start >= options.rateLimit.windowMs) {
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count > options.rateLimit.limit) {
        const retryAfter = Math.max(1, Math.ceil((window.start + options.rateLimit.windowMs - now) / 1000));
        record(429);
        return operationError(
          operation,
          429,
          "Too Many Requests",
          `rate limit of ${options.rateLimit.limit} per ${options.rateLimit.windowMs} ms`,
          {},
          { "retry-after": String(retryAfter) },
        );
      }
    }
    if (!match || !operation) {
      const status = router.hasPath(path) ? 405 : 404;
      record(status);
      return problem(
        status,
        status === 405 ? "Method Not Allowed" : "Not Found",
        `no operation for ${request.method} ${url.pathname}`,
      );
    }
    if (
      options.enforceSecurity &&
      !hasCredentials(document, operation, request.headers, url.searchParams, options.credentials)
    ) {
      // The refusal the operation documents: 401, else 403 (Vercel documents only 403).
      const refusal = operation.responses.some((r) => r.status === "401")
        ? 401
        : operation.responses.some((r) => r.status === "403")
          ? 403
          : 401;
      record(refusal);
      return operationError(
        operation,
        refusal,
        "Unauthorized",
        `${operation.operationId} needs valid credentials`,
      );
    }
    const bodyText = request.body ? await request.text() : undefined;
    // IETF idempotency-key draft: a key is checked before the request is processed (and validated).
    const idempotencyKey =
      options.idempotency !== false && (operation.method === "post" || idempotencyHeader(operation))
        ? request.headers.get("idempotency-key")
        : null;
    if (idempotencyKey) {
      const verdict = idempotency.check(operation.operationId, idempotencyKey, bodyText ?? "");
      if (verdict.kind === "replay") {
        record(verdict.response.status);
        return verdict.response;
      }
      if (verdict.kind === "conflict") {
        record(422);
        return operationError(
          operation,
          422,
          "Unprocessable Content",
          `Idempotency-Key "${idempotencyKey}" was used with another request body`,
        );
      }
    }
    const answer = await answerOperation(operation, match.pathParams, url, request, bodyText);
    record(answer.status);
    return idempotencyKey
      ? idempotency.keep(operation.operationId, idempotencyKey, bodyText ?? "", answer)
      : answer;
  };

  const answerOperation = async (
    operation: OperationDescriptor,
    pathParams: Record<string, string>,
    url: URL,
    request: Request,
    bodyText: string | undefined,
  ): Promise<Response> => {
    if (options.validateRequests !== false) {
      const problems = validateRequest(document, validator, operation, {
        pathParams,
        query: url.searchParams,
        headers: request.headers,
        ...(bodyText !== undefined ? { bodyText } : {}),
        ...(request.headers.get("content-type") ? { contentType: request.headers.get("content-type")! } : {}),
      });
      if (problems.length > 0) {
        return operationError(
          operation,
          validationStatus(operation),
          "Bad Request",
          problems.map((p) => p.message).join("; "),
          {
            errors: problems.map((p) => ({ pointer: p.path, detail: p.message })),
          },
        );
      }
    }
    if ((options.errorRate ?? 0) > 0 && random() < (options.errorRate ?? 0)) {
      const documented5xx = operation.responses.find((r) => /^5/.test(r.status));
      return documented5xx
        ? documented(operation, statusNumber(documented5xx.status, 500), 500)
        : problem(500, "Internal Server Error", "injected by the mock's errorRate");
    }
    // A final status only: a `Response` cannot hold a 1xx (RFC 9110 §15.2).
    const prefer = /code=([2-5]\d\d)/.exec(request.headers.get("prefer") ?? "");
    let response = documented(operation, prefer ? Number(prefer[1]) : undefined, 200);
    const shape =
      options.pagination !== false && !prefer && response.status < 300
        ? paginationShape(document, operation)
        : undefined;
    if (shape) {
      const sample = await response
        .clone()
        .json()
        .catch(() => undefined);
      const page = mockPage(document, validator, shape, successSchema(operation), sample, url);
      if (page) {
        const headers = new Headers(response.headers);
        for (const [name, value] of Object.entries(page.headers)) headers.set(name, value);
        response = new Response(JSON.stringify(page.body), { status: response.status, headers });
      }
    }
    const version = options.echoVersion !== false ? versionParameter(operation) : undefined;
    const asked = version?.in === "header" ? request.headers.get(version.name) : null;
    const documentedResponse = operation.responses.find((r) => r.status === String(response.status));
    const echo = Object.keys(documentedResponse?.headers ?? {}).find(
      (h) => h.toLowerCase() === version?.name.toLowerCase(),
    );
    if (asked !== null && echo) response.headers.set(echo, asked);
    return response;
  };

  const mockFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    // Like fetch: an aborted signal rejects before anything is answered.
    if (request.signal.aborted) return Promise.reject(request.signal.reason);
    return handle(request);
  };

  return {
    document,
    operations,
    handle,
    fetch: mockFetch,
    requests,
    reset() {
      windows.clear();
      idempotency.clear();
      requests.length = 0;
    },
    listen: (port = 0) => listen(handle, port, basePath),
  };
}

function listen(
  handle: (request: Request) => Promise<Response>,
  port: number,
  basePath: string,
): Promise<MockListener> {
  const server = createServer((req, res) => {
    void serve(handle, req, res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}${basePath}`,
        port: actual,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function serve(
  handle: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const method = req.method ?? "GET";
    const hasBody = chunks.length > 0 && method !== "GET" && method !== "HEAD";
    // Fetch forbids a Request with CONNECT, TRACE or TRACK (Fetch standard, "forbidden method"),
    // but Postman sends httpbin's documented TRACE: it is read as a GET that keeps its own
    // method, not refused with a 500 (issue 19).
    const forbidden = /^(CONNECT|TRACE|TRACK)$/i.test(method);
    const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
      method: forbidden ? "GET" : method,
      headers,
      ...(hasBody && !forbidden ? { body: Buffer.concat(chunks) } : {}),
    });
    if (forbidden) Object.defineProperty(request, "method", { value: method.toUpperCase() });
    const response = await handle(request);
    res.statusCode = response.status;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.end(req.method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.statusCode = 500;
    res.setHeader("content-type", "application/problem+json");
    res.end(
      JSON.stringify({ type: "about:blank", title: "Mock failure", status: 500, detail: String(error) }),
    );
  }
}

function serverBasePath(doc: OpenApiDocument): string {
  const server = doc.servers?.[0];
  if (!server) return "";
  let url = server.url;
  for (const [name, variable] of Object.entries(server.variables ?? {}))
    url = url.replaceAll(`{${name}}`, variable.default);
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    return "";
  }
}

function normaliseBase(path: string): string {
  // `https://host/{basePath}` with basePath `/api` reads `//api` (Red Hat): one slash (issue 19).
  const trimmed = path.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  return trimmed === "" || trimmed === "/" ? "" : trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** A small seeded PRNG (mulberry32): repeatable error injection and latency. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
