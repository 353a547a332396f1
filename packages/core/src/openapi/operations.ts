import { toJsonPointer } from "../json";
import { resolveRef } from "./pointer";
import {
  HTTP_METHODS,
  type HttpMethod,
  type MediaDescriptor,
  type OpenApiDocument,
  type OpenApiObject,
  type OpenApiSchema,
  type OpenApiSecurityRequirement,
  type OpenApiServer,
  type OperationDescriptor,
  type ParameterDescriptor,
  type ParameterLocation,
  type RequestBodyDescriptor,
  type ResponseDescriptor,
} from "./types";

/**
 * Every operation of a document, in path then method order, with parameters merged from the
 * path item and the operation, `$ref`s of parameters, bodies and responses resolved, and a
 * unique `operationId` (synthesised deterministically from method and path when missing).
 *
 * @example
 * ```ts
 * const ops = listOperations(await loadOpenApi("petstore.yaml"));
 * ops.find((op) => op.operationId === "showPetById")?.parameters; // [{ name: "petId", in: "path", … }]
 * ```
 */
export function listOperations(doc: OpenApiDocument): OperationDescriptor[] {
  const operations: OperationDescriptor[] = [];
  const used = new Set<string>();
  // Ids the document declares win over synthesised ones, whatever the order.
  for (const item of Object.values(doc.paths ?? {})) {
    const pathItem = resolveRef<OpenApiObject>(doc, item) ?? {};
    for (const method of HTTP_METHODS) {
      const id = (pathItem[method] as OpenApiObject | undefined)?.operationId;
      if (typeof id === "string" && id !== "") used.add(id);
    }
  }
  const declared = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const pathItem = resolveRef<OpenApiObject>(doc, item) ?? {};
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as OpenApiObject | undefined;
      if (operation === null || typeof operation !== "object") continue;
      const given =
        typeof operation.operationId === "string" && operation.operationId !== ""
          ? operation.operationId
          : undefined;
      let operationId: string;
      let synthesised = false;
      if (given !== undefined && !declared.has(given)) {
        operationId = given;
        declared.add(given);
      } else {
        synthesised = true;
        const base = given ?? synthesiseOperationId(method, path);
        operationId = base;
        for (let n = 2; used.has(operationId); n++) operationId = `${base}${n}`;
        used.add(operationId);
      }
      operations.push(describe(doc, path, method, pathItem, operation, operationId, synthesised));
    }
  }
  return operations;
}

/** `get /pets/{petId}/toys` → `getPetsByPetIdToys`. */
export function synthesiseOperationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? `By ${param[1]}` : segment;
    })
    .join(" ")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

function describe(
  doc: OpenApiDocument,
  path: string,
  method: HttpMethod,
  pathItem: OpenApiObject,
  operation: OpenApiObject,
  operationId: string,
  synthesised: boolean,
): OperationDescriptor {
  const descriptor: OperationDescriptor = {
    operationId,
    operationIdSynthesised: synthesised,
    method,
    path,
    pointer: toJsonPointer(["paths", path, method]),
    deprecated: operation.deprecated === true,
    tags: Array.isArray(operation.tags)
      ? operation.tags.filter((t): t is string => typeof t === "string")
      : [],
    parameters: mergeParameters(doc, pathItem.parameters, operation.parameters),
    responses: describeResponses(doc, operation.responses),
    security: (operation.security ?? doc.security ?? []) as OpenApiSecurityRequirement[],
    servers: (operation.servers ?? pathItem.servers ?? doc.servers ?? [{ url: "/" }]) as OpenApiServer[],
  };
  const summary = operation.summary ?? pathItem.summary;
  const description = operation.description ?? pathItem.description;
  if (typeof summary === "string") descriptor.summary = summary;
  if (typeof description === "string") descriptor.description = description;
  const body = describeRequestBody(doc, operation.requestBody);
  if (body) descriptor.requestBody = body;
  return descriptor;
}

function mergeParameters(
  doc: OpenApiDocument,
  pathLevel: unknown,
  operationLevel: unknown,
): ParameterDescriptor[] {
  const byKey = new Map<string, ParameterDescriptor>();
  for (const list of [pathLevel, operationLevel]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const param = resolveRef<OpenApiObject>(doc, raw);
      if (!param || typeof param.name !== "string" || typeof param.in !== "string") continue;
      // Operation-level parameters override path-level ones with the same name and location.
      byKey.set(`${param.in}:${param.name}`, describeParameter(doc, param));
    }
  }
  return [...byKey.values()];
}

function describeParameter(doc: OpenApiDocument, param: OpenApiObject): ParameterDescriptor {
  const location = param.in as ParameterLocation;
  const style =
    typeof param.style === "string"
      ? param.style
      : location === "query" || location === "cookie"
        ? "form"
        : "simple";
  let schema = param.schema as OpenApiSchema | undefined;
  let contentType: string | undefined;
  if (schema === undefined && param.content && typeof param.content === "object") {
    const [type, media] = Object.entries(param.content as OpenApiObject)[0] ?? [];
    contentType = type;
    schema = (resolveRef<OpenApiObject>(doc, media)?.schema as OpenApiSchema | undefined) ?? {};
  }
  const descriptor: ParameterDescriptor = {
    name: param.name as string,
    in: location,
    required: location === "path" || param.required === true,
    schema: schema ?? {},
    style,
    explode: typeof param.explode === "boolean" ? param.explode : style === "form",
  };
  if (contentType) descriptor.contentType = contentType;
  if (typeof param.description === "string") descriptor.description = param.description;
  if (param.deprecated === true) descriptor.deprecated = true;
  const example = param.example ?? firstExample(doc, param.examples);
  if (example !== undefined) descriptor.example = example;
  return descriptor;
}

function describeMedia(doc: OpenApiDocument, content: unknown): MediaDescriptor[] {
  if (!content || typeof content !== "object") return [];
  return Object.entries(content as OpenApiObject).map(([contentType, raw]) => {
    const media = resolveRef<OpenApiObject>(doc, raw) ?? {};
    const descriptor: MediaDescriptor = { contentType };
    if (media.schema !== undefined) descriptor.schema = media.schema as OpenApiSchema;
    const examples = namedExamples(doc, media.examples);
    if (examples) descriptor.examples = examples;
    const example = media.example ?? (examples ? Object.values(examples)[0] : undefined);
    if (example !== undefined) descriptor.example = example;
    return descriptor;
  });
}

function namedExamples(doc: OpenApiDocument, examples: unknown): { [name: string]: unknown } | undefined {
  if (!examples || typeof examples !== "object" || Array.isArray(examples)) return undefined;
  const out: { [name: string]: unknown } = {};
  for (const [name, raw] of Object.entries(examples as OpenApiObject)) {
    const example = resolveRef<OpenApiObject>(doc, raw);
    if (example && typeof example === "object" && "value" in example) out[name] = example.value;
  }
  return Object.keys(out).length ? out : undefined;
}

function firstExample(doc: OpenApiDocument, examples: unknown): unknown {
  const named = namedExamples(doc, examples);
  return named ? Object.values(named)[0] : undefined;
}

const BODY_PREFERENCE = [/json/i, /x-www-form-urlencoded/i, /multipart\//i];

/** The content entry a client should send or expect: JSON first, then forms, then the first. */
export function preferredMedia(media: readonly MediaDescriptor[]): MediaDescriptor | undefined {
  for (const pattern of BODY_PREFERENCE) {
    const found = media.find((m) => pattern.test(m.contentType));
    if (found) return found;
  }
  return media[0];
}

function describeRequestBody(doc: OpenApiDocument, raw: unknown): RequestBodyDescriptor | undefined {
  const body = resolveRef<OpenApiObject>(doc, raw);
  if (!body || typeof body !== "object") return undefined;
  const content = describeMedia(doc, body.content);
  const preferred = preferredMedia(content);
  if (!preferred) return undefined;
  const descriptor: RequestBodyDescriptor = {
    contentType: preferred.contentType,
    required: body.required === true,
    content,
  };
  if (preferred.schema !== undefined) descriptor.schema = preferred.schema;
  if (typeof body.description === "string") descriptor.description = body.description;
  return descriptor;
}

function describeResponses(doc: OpenApiDocument, raw: unknown): ResponseDescriptor[] {
  if (!raw || typeof raw !== "object") return [];
  const out: ResponseDescriptor[] = [];
  for (const [status, value] of Object.entries(raw as OpenApiObject)) {
    if (status.startsWith("x-")) continue;
    const response = resolveRef<OpenApiObject>(doc, value) ?? {};
    const headers: ResponseDescriptor["headers"] = {};
    for (const [name, h] of Object.entries((response.headers as OpenApiObject | undefined) ?? {})) {
      const header = resolveRef<OpenApiObject>(doc, h) ?? {};
      headers[name] = {
        required: header.required === true,
        ...(header.schema !== undefined ? { schema: header.schema as OpenApiSchema } : {}),
        ...(typeof header.description === "string" ? { description: header.description } : {}),
      };
    }
    out.push({
      status,
      description: typeof response.description === "string" ? response.description : "",
      content: describeMedia(doc, response.content),
      headers,
    });
  }
  return out;
}
