import {
  HTTP_METHODS,
  type OpenApiDocument,
  type OpenApiObject,
  type OperationDescriptor,
  type ParameterDescriptor,
  resolveRef,
} from "@synapseops/core";
import { answersWithBody } from "../_http";

/*
 * What a document says about the behaviours the golden categories test: shared by the profile
 * (which categories apply), the suite (which operations to test) and the mock (what to serve).
 */

type Obj = { [key: string]: unknown };

/** Query parameters that carry a page position, by pagination kind. */
const CURSOR_PARAM =
  /^(cursor|after|starting_after|page_?token|next_?token|continuation_?token|marker|iterator)$/i;
const OFFSET_PARAM = /^(offset|skip|start)$/i;
const PAGE_PARAM = /^(page|page_?number)$/i;
const LIMIT_PARAM = /^(limit|per_?page|page_?size|max_?results|count)$/i;
/** Response body fields that carry the next page's cursor or URL. */
const NEXT_FIELD =
  /^(next_?cursor|next_?page_?token|next_?page_?uri|next_?page_?url|next_?page|next|next_?url|iterator)$/i;
const HAS_MORE_FIELD = /^(has_?more|has_?next(_?page)?)$/i;
/** Response headers that announce a rate limit. */
const RATE_LIMIT_HEADER = /^(x-)?rate-?limit|^retry-after$/i;
/** Header or query parameters that select an API version. */
const VERSION_PARAM = /(^|[-_])(api[-_]?)?version$/i;

/** How one list operation pages through its results. */
export interface PaginationShape {
  kind: "link" | "cursor" | "offset" | "page";
  /** The query parameter that carries the position (cursor, offset or page number). */
  param?: string;
  /** The query parameter that sets the page size. */
  limitParam?: string;
  /** Path of the body field holding the next cursor or URL (`["response_metadata", "next_cursor"]`). */
  nextField?: string[];
  /** The body field saying more pages follow. */
  hasMoreField?: string;
  /** Path of the array of items in the body (`[]`: the body is the array). */
  itemsField?: string[];
  /**
   * The page size an offset's `multipleOf` fixes when no parameter sets one (NYT Books' `offset`
   * in steps of 20): the mock serves pages of that size and the walk steps by it.
   */
  pageSize?: number;
}

/**
 * How the position parameter counts: `offset` (items skipped), `page` (1-based page number), or
 * `cursor` (an opaque token). A Link list with a page parameter numbers its pages; a next marker
 * going back in an offset or page parameter (Red Hat's `links.next` + `offset`, metadapi's
 * `links.next` + required `offset`) counts too. The mock serves and the suite starts walks by
 * this one rule: the walk's first page was the sample's `offset=1`, an empty page (issue 19).
 */
export function positionKind(shape: PaginationShape): "offset" | "page" | "cursor" {
  if (shape.kind === "cursor" && shape.param) {
    if (/^(offset|skip|start)$/i.test(shape.param)) return "offset";
    if (/^(page|page_?number)$/i.test(shape.param)) return "page";
  }
  if (shape.kind === "link") return shape.param ? "page" : "cursor";
  return shape.kind;
}

/** The properties of an object schema, through `$ref`s and `allOf`. */
export function schemaProperties(doc: OpenApiDocument, schema: unknown, depth = 0): Record<string, unknown> {
  const resolved = resolveRef<Obj>(doc, schema);
  if (!resolved || typeof resolved !== "object" || depth > 8) return {};
  const out: Record<string, unknown> = { ...((resolved.properties as Obj | undefined) ?? {}) };
  for (const part of (resolved.allOf as unknown[] | undefined) ?? [])
    Object.assign(out, schemaProperties(doc, part, depth + 1));
  return out;
}

/**
 * Whether a (resolved) schema is an array schema: typed so, or untyped with `items`. A declared
 * other type wins over a stray `items` (MarketCheck's `facets: {type: object, items: …}` was
 * paged as the item array; issue 19).
 */
export function isArraySchema(doc: OpenApiDocument, schema: unknown): boolean {
  const resolved = resolveRef<Obj>(doc, schema);
  if (!resolved || typeof resolved !== "object") return false;
  const type = resolved.type;
  if (type === undefined) return resolved.items !== undefined;
  return type === "array" || (Array.isArray(type) && type.includes("array"));
}

/** The JSON schema of an operation's first 2xx response, if any. */
export function successSchema(operation: OperationDescriptor): unknown {
  const response = operation.responses.find((r) => /^2(\d\d|XX)$/i.test(r.status));
  return response?.content.find((m) => /json/i.test(m.contentType))?.schema;
}

/** Array fields that report on the call, never the page's items (Cloudflare's `errors`, `messages`). */
const REPORT_FIELD = /^(errors?|warnings?|messages?|notices?)$/i;

/**
 * Where a body's item array is: the body itself, `data`, `items`, `result`… or the first array
 * property that is not a report of the call (`errors`, `warnings`: issue 19).
 */
export function findItemsField(doc: OpenApiDocument, schema: unknown): string[] | undefined {
  if (isArraySchema(doc, schema)) return [];
  const properties = schemaProperties(doc, schema);
  const arrays = Object.keys(properties).filter(
    (name) => isArraySchema(doc, properties[name]) && !REPORT_FIELD.test(name),
  );
  const preferred = arrays.find((name) => /^(data|items|results?|entries|records|values|list)$/i.test(name));
  const name = preferred ?? arrays[0];
  return name === undefined ? undefined : [name];
}

function findNextField(doc: OpenApiDocument, schema: unknown, depth = 0): string[] | undefined {
  const properties = schemaProperties(doc, schema);
  for (const name of Object.keys(properties)) {
    if (!NEXT_FIELD.test(name)) continue;
    // An object marker (Asana's `next_page: { offset, uri }`, HubSpot's `paging.next: { after,
    // link }`): its token, else its URL.
    const inner = Object.keys(schemaProperties(doc, properties[name]));
    if (inner.length === 0) return [name];
    const child =
      inner.find((n) => /^(offset|cursor|token|next_?cursor|after)$/i.test(n)) ??
      inner.find((n) => /^(uri|url)$/i.test(n));
    return child ? [name, child] : undefined;
  }
  if (depth > 0) return undefined;
  // One level down: Slack's `response_metadata.next_cursor`, `meta.next`, `links.next`.
  for (const [name, child] of Object.entries(properties)) {
    const nested = findNextField(doc, child, depth + 1);
    if (nested) return [name, ...nested];
  }
  return undefined;
}

/**
 * Whether a parameter can carry a count (an offset, a page number, a size): a number, or a
 * string with no format, enum or pattern. Spinitron's `start` is a `date-time` filter beside
 * its `page` parameter; taken for the offset, page 2 was `start=2` (issue 19).
 */
function holdsCount(doc: OpenApiDocument, parameter: ParameterDescriptor): boolean {
  const schema = resolveRef<Obj>(doc, parameter.schema) ?? {};
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "integer" || type === "number" || type === undefined) return true;
  return type === "string" && schema.format === undefined && !schema.enum && !schema.pattern;
}

/**
 * Whether a cursor parameter can carry an opaque token: a string with no date or time format and
 * no enum. intellifi's `after` is a `date-time` filter; taken for the cursor, page 2 carried the
 * mock's token and was refused (issue 19).
 */
function holdsToken(doc: OpenApiDocument, parameter: ParameterDescriptor): boolean {
  const schema = resolveRef<Obj>(doc, parameter.schema) ?? {};
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type !== undefined && type !== "string") return false;
  return !schema.enum && !(typeof schema.format === "string" && /date|time/i.test(schema.format));
}

/** The fixed page size of an offset in steps of `multipleOf`, when no limit parameter sizes pages. */
function offsetStep(
  doc: OpenApiDocument,
  offset: ParameterDescriptor,
  limit: ParameterDescriptor | undefined,
): { pageSize?: number } {
  const step = resolveRef<Obj>(doc, offset.schema)?.multipleOf;
  return !limit && typeof step === "number" && Number.isInteger(step) && step > 1 ? { pageSize: step } : {};
}

/** How a GET operation paginates, or undefined when it does not. */
export function paginationShape(
  doc: OpenApiDocument,
  operation: OperationDescriptor,
): PaginationShape | undefined {
  if (operation.method !== "get") return undefined;
  const query = operation.parameters.filter((p) => p.in === "query");
  const cursor = query.find((p) => CURSOR_PARAM.test(p.name) && holdsToken(doc, p));
  const offset = query.find((p) => OFFSET_PARAM.test(p.name) && holdsCount(doc, p));
  const page = query.find((p) => PAGE_PARAM.test(p.name) && holdsCount(doc, p));
  const limit = query.find((p) => LIMIT_PARAM.test(p.name) && holdsCount(doc, p));
  const success = operation.responses.find((r) => /^2(\d\d|XX)$/i.test(r.status));
  const link = Object.keys(success?.headers ?? {}).some((name) => name.toLowerCase() === "link");
  const schema = successSchema(operation);
  const itemsField = schema === undefined ? undefined : findItemsField(doc, schema);
  const nextField = schema === undefined ? undefined : findNextField(doc, schema);
  const hasMoreField = Object.keys(schemaProperties(doc, schema)).find((name) => HAS_MORE_FIELD.test(name));
  // A list needs items to page through; a position parameter or a next marker says it pages.
  if (itemsField === undefined) return undefined;
  const base = {
    itemsField,
    ...(limit ? { limitParam: limit.name } : {}),
    ...(nextField ? { nextField } : {}),
    ...(hasMoreField ? { hasMoreField } : {}),
  };
  if (link) return { kind: "link", ...base, ...(page ? { param: page.name } : {}) };
  if (cursor && (nextField || hasMoreField)) return { kind: "cursor", param: cursor.name, ...base };
  // A next URL one level down with nothing that sizes a page is a nested collection of a single
  // resource (Spotify's album with `tracks.next`), not a list to page (issue 19).
  if (nextField && !cursor && !offset && !page && (nextField.length === 1 || limit))
    return { kind: "cursor", ...base };
  if (nextField && !cursor && !offset && !page) return undefined;
  // A next marker wins over counting: the server's token goes back in the offset/page parameter.
  if (nextField && (offset || page)) return { kind: "cursor", param: (offset ?? page)!.name, ...base };
  if (offset) return { kind: "offset", param: offset.name, ...base, ...offsetStep(doc, offset, limit) };
  if (page) return { kind: "page", param: page.name, ...base };
  // A cursor parameter no response fills (Google Books' `pageToken` beside no `nextPageToken`)
  // leads nowhere a client can follow: the walk stopped at page 1 and took the stated total for
  // a gap (issue 19). It is no list to page.
  return undefined;
}

/** The operation's `Idempotency-Key` header parameter, when it declares one. */
export function idempotencyHeader(operation: OperationDescriptor): ParameterDescriptor | undefined {
  return operation.parameters.find((p) => p.in === "header" && /^idempotency-key$/i.test(p.name));
}

/** Whether the operation documents a 429 or rate-limit headers on any response. */
export function documentsRateLimit(operation: OperationDescriptor): boolean {
  return operation.responses.some(
    (r) => r.status === "429" || Object.keys(r.headers).some((name) => RATE_LIMIT_HEADER.test(name)),
  );
}

/** The operation's API-version header or query parameter (`Stripe-Version`, `api-version`). */
export function versionParameter(operation: OperationDescriptor): ParameterDescriptor | undefined {
  return operation.parameters.find(
    (p) => (p.in === "header" || p.in === "query") && VERSION_PARAM.test(p.name),
  );
}

/** A documented error response with a body schema: the status's own, else `4XX`, else `default`. */
export function errorResponse(
  operation: OperationDescriptor,
  status: number,
): { status: string; contentType: string; schema: unknown } | undefined {
  const candidates = [String(status), `${String(status)[0]}XX`, "DEFAULT"];
  for (const wanted of candidates) {
    // Both sides upper-cased: `default` and `4xx` match (issue 19: `default` never did).
    const response = operation.responses.find((r) => r.status.toUpperCase() === wanted);
    if (!response) continue;
    const media =
      response.content.find((m) => /problem\+json/i.test(m.contentType)) ??
      response.content.find((m) => /json/i.test(m.contentType));
    if (!media || media.schema === undefined) return undefined;
    return { status: response.status, contentType: media.contentType, schema: media.schema };
  }
  return undefined;
}

/** Whether the operation documents any 4xx/5xx/default response with a body schema (HEAD has none). */
export function documentsErrorBody(operation: OperationDescriptor): boolean {
  return (
    answersWithBody(operation) &&
    operation.responses.some(
      (r) =>
        /^([45]\d\d|[45]XX|default)$/i.test(r.status) &&
        r.content.some((m) => /json/i.test(m.contentType) && m.schema !== undefined),
    )
  );
}

/** A webhook or callback the API sends, with the body it documents. */
export interface WebhookDeclaration {
  /** The webhook's name (`newPet`) or `<operationId>.<callback name>`. */
  name: string;
  /** Where it is declared: `#/webhooks/newPet`, `#/paths/~1subscribe/post/callbacks/onEvent`. */
  pointer: string;
  method: string;
  /** The JSON schema of the delivery body, when documented. */
  schema?: unknown;
  contentType: string;
}

/** Every webhook (3.1 `webhooks`, `x-webhooks`) and callback a document declares. */
export function listWebhooks(
  doc: OpenApiDocument,
  operations: readonly OperationDescriptor[],
): WebhookDeclaration[] {
  const out: WebhookDeclaration[] = [];
  const addPathItem = (name: string, pointer: string, item: unknown): void => {
    const resolved = resolveRef<OpenApiObject>(doc, item);
    if (!resolved || typeof resolved !== "object") return;
    for (const method of HTTP_METHODS) {
      const operation = resolved[method] as Obj | undefined;
      if (!operation) continue;
      const body = resolveRef<Obj>(doc, operation.requestBody);
      const content = (body?.content ?? {}) as Record<string, Obj>;
      const contentType = Object.keys(content).find((type) => /json/i.test(type)) ?? "application/json";
      const schema = content[contentType]?.schema;
      out.push({
        name,
        pointer: `${pointer}/${method}`,
        method,
        contentType,
        ...(schema !== undefined ? { schema } : {}),
      });
      return; // one delivery per webhook
    }
  };
  for (const key of ["webhooks", "x-webhooks"]) {
    const webhooks = doc[key] as Record<string, unknown> | undefined;
    for (const [name, item] of Object.entries(webhooks ?? {}))
      addPathItem(name, `#/${key}/${escapePointer(name)}`, item);
  }
  for (const operation of operations) {
    const raw = resolveRef<Obj>(doc, (doc.paths?.[operation.path] as Obj | undefined)?.[operation.method]);
    const callbacks = (raw?.callbacks ?? {}) as Record<string, unknown>;
    for (const [callbackName, callback] of Object.entries(callbacks)) {
      const expressions = resolveRef<Record<string, unknown>>(doc, callback) ?? {};
      const first = Object.entries(expressions)[0];
      if (!first) continue;
      addPathItem(
        `${operation.operationId}.${callbackName}`,
        `#${operation.pointer}/callbacks/${escapePointer(callbackName)}/${escapePointer(first[0])}`,
        first[1],
      );
    }
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Names of the security schemes operations actually require. */
export function usedSecuritySchemes(
  doc: OpenApiDocument,
  operations: readonly OperationDescriptor[],
): string[] {
  const declared = (doc.components?.securitySchemes ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  for (const operation of operations)
    for (const requirement of operation.security)
      for (const name of Object.keys(requirement)) if (name in declared) used.add(name);
  return [...used].sort();
}
