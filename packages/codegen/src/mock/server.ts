import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listOperations, type OpenApiDocument, type OperationDescriptor } from "@synapseops/core";
import { createSchemaValidator } from "../schema/validator";
import { buildResponseBody, pickResponse, responseMedia, statusNumber } from "./responses";
import { Router } from "./router";
import { hasCredentials } from "./security";
import type { MockListener, MockServer, MockServerOptions } from "./types";
import { validateRequest } from "./validate-request";

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
  const requests: MockServer["requests"] = [];
  let windowStart = Date.now();
  let windowCount = 0;

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
    const match = router.match(request.method, path);
    const record = (status: number): void => {
      requests.push({
        method: request.method,
        path: url.pathname,
        ...(match ? { operationId: match.operation.operationId } : {}),
        status,
      });
    };
    const latency = Array.isArray(options.latencyMs)
      ? options.latencyMs[0] + random() * (options.latencyMs[1] - options.latencyMs[0])
      : (options.latencyMs ?? 0);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (options.rateLimit) {
      const now = Date.now();
      if (now - windowStart >= options.rateLimit.windowMs) {
        windowStart = now;
        windowCount = 0;
      }
      windowCount++;
      if (windowCount > options.rateLimit.limit) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + options.rateLimit.windowMs - now) / 1000));
        record(429);
        return problem(
          429,
          "Too Many Requests",
          `rate limit of ${options.rateLimit.limit} per ${options.rateLimit.windowMs} ms`,
          {},
          { "retry-after": String(retryAfter) },
        );
      }
    }
    if (!match) {
      const status = router.hasPath(path) ? 405 : 404;
      record(status);
      return problem(
        status,
        status === 405 ? "Method Not Allowed" : "Not Found",
        `no operation for ${request.method} ${url.pathname}`,
      );
    }
    const { operation } = match;
    if (options.enforceSecurity && !hasCredentials(document, operation, request.headers, url.searchParams)) {
      record(401);
      return problem(401, "Unauthorized", `${operation.operationId} needs credentials`);
    }
    if (options.validateRequests !== false) {
      const bodyText = request.body ? await request.text() : undefined;
      const problems = validateRequest(document, validator, operation, {
        pathParams: match.pathParams,
        query: url.searchParams,
        headers: request.headers,
        ...(bodyText !== undefined ? { bodyText } : {}),
        ...(request.headers.get("content-type") ? { contentType: request.headers.get("content-type")! } : {}),
      });
      if (problems.length > 0) {
        record(400);
        return problem(400, "Bad Request", problems.map((p) => p.message).join("; "), {
          errors: problems.map((p) => ({ pointer: p.path, detail: p.message })),
        });
      }
    }
    if ((options.errorRate ?? 0) > 0 && random() < (options.errorRate ?? 0)) {
      record(500);
      const documented5xx = operation.responses.find((r) => /^5/.test(r.status));
      return documented5xx
        ? documented(operation, statusNumber(documented5xx.status, 500), 500)
        : problem(500, "Internal Server Error", "injected by the mock's errorRate");
    }
    const prefer = /code=(\d{3})/.exec(request.headers.get("prefer") ?? "");
    const response = documented(operation, prefer ? Number(prefer[1]) : undefined, 200);
    record(response.status);
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
      windowStart = Date.now();
      windowCount = 0;
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
    const hasBody = chunks.length > 0 && req.method !== "GET" && req.method !== "HEAD";
    const response = await handle(
      new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
      }),
    );
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
  const trimmed = path.replace(/\/+$/, "");
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
