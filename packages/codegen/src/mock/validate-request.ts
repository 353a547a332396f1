import { type OpenApiDocument, type OperationDescriptor, resolveRef } from "@synapseops/core";
import { cookieValue, findMedia, isIgnoredParameter, sendableRequestBody } from "../_http";
import type { SchemaProblem, SchemaValidator } from "../schema/validator";
import { coerceValue, parseBrackets, parsePathValue, parseQuery, pathValueShape } from "./coerce";
import { multipartValue, parseMultipart } from "./multipart";

/** A request as the mock sees it after parsing. */
export interface ParsedRequest {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: Headers;
  /** Raw body text (undefined without a body). */
  bodyText?: string;
  contentType?: string;
}

/**
 * Every problem of a request against its operation: missing required parameters, parameter
 * values and the body (JSON, urlencoded or multipart form) against their schemas. Pointers are
 * `/path/<name>`, `/query/<name>`, `/header/<name>`, `/body/…`.
 */
export function validateRequest(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  operation: OperationDescriptor,
  request: ParsedRequest,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const query = parseQuery(request.query, operation.parameters, doc);
  for (const param of operation.parameters) {
    if (isIgnoredParameter(param)) continue;
    let raw: unknown;
    if (param.in === "path")
      raw = parsePathValue(
        param.name,
        request.pathParams[param.name],
        param.style,
        param.explode,
        pathValueShape(doc, param.schema),
      );
    else if (param.in === "query") raw = query[param.name];
    else if (param.in === "header") raw = request.headers.get(param.name) ?? undefined;
    else raw = cookieValue(request.headers.get("cookie"), param.name);
    const where = `/${param.in}/${param.name}`;
    if (raw === undefined || raw === "") {
      if (param.required && !(param.in === "header" && raw === ""))
        problems.push({ path: where, message: `${where} is required` });
      continue;
    }
    const value = coerceValue(doc, param.schema, raw);
    for (const problem of validator.validate(param.schema, value)) {
      problems.push({
        path: `${where}${problem.path}`,
        message: `${where}${problem.message.replace(/^\//, "/")}`,
      });
    }
  }
  const body = sendableRequestBody(operation);
  if (!body) return problems;
  if (request.bodyText === undefined || request.bodyText === "") {
    if (body.required) problems.push({ path: "/body", message: "/body is required" });
    return problems;
  }
  const type = (request.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const media = findMedia(body.content, type);
  if (!media) {
    problems.push({
      path: "/header/content-type",
      message: `content type "${type}" is not one of ${body.content.map((m) => m.contentType).join(", ")}`,
    });
    return problems;
  }
  let value: unknown;
  if (/json/.test(type)) {
    try {
      value = JSON.parse(request.bodyText);
    } catch {
      problems.push({ path: "/body", message: "/body is not valid JSON" });
      return problems;
    }
  } else if (type === "application/x-www-form-urlencoded") {
    const search = new URLSearchParams(request.bodyText);
    const flat: Record<string, unknown> = {};
    for (const key of new Set(search.keys()))
      if (!key.includes("["))
        flat[key] = search.getAll(key).length > 1 ? search.getAll(key) : search.get(key);
    value = coerceValue(doc, media.schema, { ...flat, ...parseBrackets(search) });
    if (!isObjectSchema(doc, media.schema)) return problems;
  } else if (type === "multipart/form-data") {
    // issue 19: a multipart body is parsed (boundary, parts, names) and its fields validated.
    const parsed = parseMultipart(request.contentType ?? "", request.bodyText);
    if ("problem" in parsed) {
      problems.push({ path: "/body", message: `/body ${parsed.problem}` });
      return problems;
    }
    value = coerceValue(doc, media.schema, multipartValue(parsed.parts));
    if (!isObjectSchema(doc, media.schema)) return problems;
  } else return problems; // binary bodies are accepted as they come
  for (const problem of validator.validate(media.schema, value))
    problems.push({ path: `/body${problem.path}`, message: `/body${problem.message.replace(/^\/ /, " ")}` });
  return problems;
}

/** Whether a form's schema is an object: its own type or properties, or an `allOf` part's (mineskin; issue 19). */
function isObjectSchema(doc: OpenApiDocument, schema: unknown, depth = 0): boolean {
  const resolved = resolveRef<{ type?: unknown; properties?: unknown; allOf?: unknown }>(doc, schema);
  if (resolved?.type === "object" || resolved?.properties !== undefined) return true;
  return (
    depth < 8 &&
    Array.isArray(resolved?.allOf) &&
    resolved.allOf.some((part) => isObjectSchema(doc, part, depth + 1))
  );
}
