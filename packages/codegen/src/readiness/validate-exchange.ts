import {
  type ConformanceProblem,
  getAtPointer,
  listOperations,
  type OpenApiDocument,
  type OperationDescriptor,
  type ParameterDescriptor,
} from "@synapseops/core";
import { cookieValue, findMedia, sendableRequestBody } from "../_http";
import { coerceValue, parseBrackets, parsePathValue, parseQuery, pathValueShape } from "../mock/coerce";
import { Router } from "../mock/router";
import { hasCredentials } from "../mock/security";
import { type AnnotationMatcher, compileAnnotations } from "./annotation-matcher";
import { toHeaders } from "./validate-exchange-http";
import { checkResponse } from "./validate-exchange-response";
import { DocumentSchemas, escapeSegment } from "./validate-exchange-schemas";
import type {
  ExchangeRequest,
  ExchangeResponse,
  ExchangeValidation,
  ExchangeValidator,
  ExchangeValidatorOptions,
  MatchedOperation,
} from "./validate-exchange-types";

/**
 * Prepares the validation of exchanges against one document: operations listed and routed once,
 * schemas compiled on first use and kept, annotation conditions compiled once.
 *
 * @example
 * ```ts
 * const validator = createExchangeValidator(await loadOpenApi("stripe.json"));
 * const { problems } = await validator.validate({
 *   method: "POST",
 *   path: "/v1/payment_intents",
 *   headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Bearer sk_test" },
 *   body: { amount: "2000", currency: "usd" },
 * });
 * ```
 * @throws {CodegenConfigError} when an annotation's condition is not valid JSONata.
 */
export function createExchangeValidator(
  document: OpenApiDocument,
  options: ExchangeValidatorOptions = {},
): ExchangeValidator {
  const shared = preparedDocument(document);
  const annotations = compileAnnotations(options.annotations ?? []);
  const checkSecurity = options.checkSecurity ?? true;
  return {
    document,
    validate: (request, response) => validateWith(shared, annotations, checkSecurity, request, response),
  };
}

/** What is derived from a document once, whatever the options of the validators over it. */
interface PreparedDocument {
  doc: OpenApiDocument;
  router: Router;
  schemas: DocumentSchemas;
  basePaths: string[];
}

const prepared = new WeakMap<OpenApiDocument, PreparedDocument>();

function preparedDocument(doc: OpenApiDocument): PreparedDocument {
  let entry = prepared.get(doc);
  if (!entry) {
    entry = {
      doc,
      router: new Router(listOperations(doc)),
      schemas: new DocumentSchemas(doc),
      basePaths: serverBasePaths(doc),
    };
    prepared.set(doc, entry);
  }
  return entry;
}

const defaultValidators = new WeakMap<OpenApiDocument, ExchangeValidator>();

/**
 * Checks a request (and optionally its response) against an OpenAPI document: every problem with
 * a JSON pointer into the exchange and into the document, plus the annotations that apply. The
 * work derived from the document is cached per document object, so calling it per keystroke
 * costs only the checks; an unknown path or method is a problem, not an exception.
 *
 * @example
 * ```ts
 * const result = await validateExchange(doc, { method: "GET", path: "/pets?limit=ten" });
 * result.problems; // [{ pointer: "/request/query/limit", code: "type", documentPointer: "#/paths/~1pets/get/parameters/0/schema/type", … }]
 * ```
 */
export function validateExchange(
  doc: OpenApiDocument,
  request: ExchangeRequest,
  response?: ExchangeResponse,
): Promise<ExchangeValidation> {
  return validateExchange.prepare(doc).validate(request, response);
}

/**
 * The validator {@link validateExchange} uses for a document (created once per document object),
 * for callers that want to warm it up before the first keystroke.
 */
validateExchange.prepare = (doc: OpenApiDocument): ExchangeValidator => {
  let validator = defaultValidators.get(doc);
  if (!validator) {
    validator = createExchangeValidator(doc);
    defaultValidators.set(doc, validator);
  }
  return validator;
};

async function validateWith(
  shared: PreparedDocument,
  annotations: AnnotationMatcher,
  checkSecurity: boolean,
  request: ExchangeRequest,
  response: ExchangeResponse | undefined,
): Promise<ExchangeValidation> {
  const problems: ConformanceProblem[] = [];
  const url = parseTarget(request.path);
  const method = (request.method ?? "").toLowerCase();
  const match = route(shared, method, url.pathname);
  if (!match) {
    const knownPath = candidatePaths(shared, url.pathname).some((path) => shared.router.hasPath(path));
    problems.push(
      knownPath
        ? {
            pointer: "/request/method",
            documentPointer: "#/paths",
            code: "method-not-allowed",
            message: `no operation for ${method.toUpperCase()} ${url.pathname} (the path exists with other methods)`,
          }
        : {
            pointer: "/request/path",
            documentPointer: "#/paths",
            code: "operation-unknown",
            message: `no operation of the document serves ${method.toUpperCase()} ${url.pathname}`,
          },
    );
    return { ok: false, problems, annotations: [] };
  }
  const { operation, pathParams } = match;
  const headers = toHeaders(request.headers);
  checkParameters(shared, operation, pathParams, url.searchParams, headers, problems);
  if (checkSecurity && !hasCredentials(shared.doc, operation, headers, url.searchParams)) {
    problems.push({
      pointer: "/request/headers/authorization",
      documentPointer:
        getAtPointer(shared.doc, `${operation.pointer}/security`) === undefined
          ? "#/security"
          : `#${operation.pointer}/security`,
      code: "security",
      message: `${operation.operationId} needs credentials for one of: ${operation.security.map((r) => Object.keys(r).join(" + ")).join(", ")}`,
    });
  }
  const body = checkRequestBody(shared, operation, headers, request.body, problems);
  if (response) checkResponse(shared.doc, shared.schemas, operation, response, problems);
  const matched: MatchedOperation = {
    id: operation.operationId,
    method: operation.method,
    path: operation.path,
    pointer: `#${operation.pointer}`,
    pathParams,
  };
  // The condition input is built only when an annotation targets the operation (the usual case
  // per keystroke is none).
  const found = !annotations.targets(operation.operationId)
    ? []
    : await annotations.match(operation.operationId, {
        request: {
          method: method.toUpperCase(),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: Object.fromEntries(headers),
          body,
        },
        ...(response
          ? {
              response: {
                status: response.status,
                headers: Object.fromEntries(toHeaders(response.headers)),
                body: response.body,
              },
            }
          : {}),
        record: body,
      });
  return { ok: problems.length === 0, operation: matched, problems, annotations: found };
}

function route(shared: PreparedDocument, method: string, pathname: string) {
  for (const path of candidatePaths(shared, pathname)) {
    const match = shared.router.match(method, path);
    if (match) return match;
  }
  return undefined;
}

/** The path as given, then without each server base path it starts with. */
function candidatePaths(shared: PreparedDocument, pathname: string): string[] {
  const paths = [pathname];
  for (const base of shared.basePaths)
    if (pathname === base || pathname.startsWith(`${base}/`)) paths.push(pathname.slice(base.length) || "/");
  return paths;
}

function checkParameters(
  shared: PreparedDocument,
  operation: OperationDescriptor,
  pathParams: Record<string, string>,
  search: URLSearchParams,
  headers: Headers,
  problems: ConformanceProblem[],
): void {
  const query = parseQuery(search, operation.parameters, shared.doc);
  for (const param of operation.parameters) {
    const raw = rawParameter(shared.doc, param, pathParams, query, headers);
    const pointer = `/request/${LOCATION[param.in]}/${escapeSegment(param.name)}`;
    const schemaAt = shared.schemas.pointerOf(param.schema);
    if (raw === undefined || raw === "") {
      if (param.required)
        problems.push({
          pointer,
          ...(schemaAt
            ? { documentPointer: `#${schemaAt.replace(/\/(content\/[^/]+\/)?schema$/, "")}/required` }
            : {}),
          code: "required",
          message: `${pointer} is required (${param.in} parameter "${param.name}")`,
        });
      continue;
    }
    // Content negotiation and credential headers are HTTP's business, not the schema's.
    if (param.in === "header" && /^(accept|content-type|authorization)$/i.test(param.name)) continue;
    const value = coerceValue(shared.doc, param.schema, raw);
    problems.push(...shared.schemas.check(param.schema)(value, pointer));
  }
}

const LOCATION = { path: "path", query: "query", header: "headers", cookie: "cookies" } as const;

function rawParameter(
  doc: OpenApiDocument,
  param: ParameterDescriptor,
  pathParams: Record<string, string>,
  query: Record<string, unknown>,
  headers: Headers,
): unknown {
  switch (param.in) {
    case "path": {
      return parsePathValue(
        param.name,
        pathParams[param.name],
        param.style,
        param.explode,
        pathValueShape(doc, param.schema),
      );
    }
    case "query":
      return query[param.name];
    case "header":
      return headers.get(param.name) ?? undefined;
    case "cookie":
      return cookieValue(headers.get("cookie"), param.name);
  }
}

/** Checks the body; returns the parsed body (what annotation conditions see). */
function checkRequestBody(
  shared: PreparedDocument,
  operation: OperationDescriptor,
  headers: Headers,
  body: unknown,
  problems: ConformanceProblem[],
): unknown {
  const described = sendableRequestBody(operation);
  const documentPointer = `#${operation.pointer}/requestBody`;
  if (!described) return body;
  if (body === undefined || body === null || body === "") {
    if (described.required)
      problems.push({
        pointer: "/request/body",
        documentPointer: `${documentPointer}/required`,
        code: "required",
        message: "/request/body is required",
      });
    return body;
  }
  const given = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  const type = given || described.contentType.toLowerCase();
  const media = findMedia(described.content, type);
  if (!media) {
    problems.push({
      pointer: "/request/headers/content-type",
      documentPointer: `${documentPointer}/content`,
      code: "content-type",
      message: `content type "${type}" is not one of ${described.content.map((m) => m.contentType).join(", ")}`,
    });
    return body;
  }
  let value: unknown = body;
  if (/json/.test(type)) {
    if (typeof body === "string") {
      try {
        value = JSON.parse(body);
      } catch (error) {
        problems.push({
          pointer: "/request/body",
          code: "json",
          message: `/request/body is not valid JSON: ${(error as Error).message}`,
        });
        return body;
      }
    }
  } else if (type === "application/x-www-form-urlencoded") {
    value = coerceValue(shared.doc, media.schema, typeof body === "string" ? parseForm(body) : body);
  } else return body; // multipart and binary bodies are not checked
  problems.push(...shared.schemas.check(media.schema)(value, "/request/body"));
  return value;
}

/** `a=1&b[c]=2&d=x&d=y` → `{ a: "1", b: { c: "2" }, d: ["x", "y"] }`. */
function parseForm(text: string): Record<string, unknown> {
  const search = new URLSearchParams(text);
  const flat: Record<string, unknown> = {};
  for (const key of new Set(search.keys()))
    if (!key.includes("[")) flat[key] = search.getAll(key).length > 1 ? search.getAll(key) : search.get(key);
  return { ...flat, ...parseBrackets(search) };
}

function parseTarget(path: string): URL {
  try {
    return new URL(path ?? "/", "http://playground.invalid");
  } catch {
    return new URL("http://playground.invalid/");
  }
}

/** The paths of the document's server URLs (`https://api.x.com/v1` → `/v1`), longest first. */
function serverBasePaths(doc: OpenApiDocument): string[] {
  const bases = new Set<string>();
  for (const server of doc.servers ?? []) {
    const url = server.url.replace(
      /\{([^}]+)\}/g,
      (_, name: string) => server.variables?.[name]?.default ?? "",
    );
    try {
      const path = new URL(url, "http://base.invalid").pathname.replace(/\/+$/, "");
      if (path) bases.add(path);
    } catch {
      // A server URL that does not parse contributes no base path.
    }
  }
  return [...bases].sort((a, b) => b.length - a.length);
}
