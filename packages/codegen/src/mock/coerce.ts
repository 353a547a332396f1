import { type OpenApiDocument, type ParameterDescriptor, resolveRef } from "@synapseops/core";

type Obj = { [key: string]: unknown };

/**
 * Turns the string form of a parameter (or form field) into the value its schema describes:
 * numbers, booleans, arrays split by style, objects by deepObject brackets. Values that do not
 * convert are left as strings so validation reports them.
 */
export function coerceValue(doc: OpenApiDocument, schema: unknown, value: unknown, depth = 0): unknown {
  const resolved = (resolveRef<Obj>(doc, schema) ?? {}) as Obj;
  if (depth > 20) return value;
  const types = typeOf(doc, resolved);
  if (Array.isArray(value)) {
    if (types.has("array")) return value.map((item) => coerceValue(doc, resolved.items, item, depth + 1));
    return value.length === 1 ? coerceValue(doc, resolved, value[0], depth + 1) : value;
  }
  if (value !== null && typeof value === "object") {
    if (types.has("array") && Object.keys(value).every((k) => /^\d+$/.test(k))) {
      return Object.values(value).map((item) => coerceValue(doc, resolved.items, item, depth + 1));
    }
    const out: Obj = {};
    const props = collectProperties(doc, resolved);
    for (const [key, child] of Object.entries(value as Obj))
      out[key] = coerceValue(doc, props[key] ?? resolved.additionalProperties, child, depth + 1);
    return out;
  }
  if (typeof value !== "string") return value;
  if (types.has("string")) return value;
  if ((types.has("integer") || types.has("number")) && value.trim() !== "" && !Number.isNaN(Number(value)))
    return Number(value);
  if (types.has("boolean") && (value === "true" || value === "false")) return value === "true";
  if (types.has("null") && (value === "" || value === "null")) return null;
  // An array inside an exploded object (seldon's `body.seldonMessages`) is sent as JSON text by
  // our outputs, as objects are (below).
  if (types.has("array") && value.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return coerceValue(doc, resolved, parsed, depth + 1);
    } catch {
      // not JSON: a comma list that starts with `[`
    }
  }
  if (types.has("array"))
    return value === ""
      ? []
      : value.split(",").map((item) => coerceValue(doc, resolved.items, item, depth + 1));
  // An object outside deepObject style has no standard text form: our outputs send it as JSON
  // (AWS ElastiCache's `Tags` items in a form query; issue 19), so JSON text is read back.
  if (types.has("object") && value.startsWith("{")) {
    try {
      return coerceValue(doc, resolved, JSON.parse(value) as unknown, depth + 1);
    } catch {
      return value;
    }
  }
  return value;
}

function typeOf(doc: OpenApiDocument, schema: Obj): Set<string> {
  const out = new Set<string>();
  if (typeof schema.type === "string") out.add(schema.type);
  if (Array.isArray(schema.type)) for (const t of schema.type) out.add(String(t));
  if (schema.nullable === true) out.add("null");
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    if (Array.isArray(schema[key]))
      for (const branch of schema[key] as unknown[])
        for (const t of typeOf(doc, (resolveRef<Obj>(doc, branch) ?? {}) as Obj)) out.add(t);
  }
  if (out.size === 0 && schema.properties) out.add("object");
  if (out.size === 0 && Array.isArray(schema.enum))
    for (const value of schema.enum) out.add(value === null ? "null" : typeof value);
  return out;
}

function collectProperties(doc: OpenApiDocument, schema: Obj, depth = 0): Obj {
  if (depth > 10) return {};
  const out: Obj = { ...((schema.properties as Obj | undefined) ?? {}) };
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    if (!Array.isArray(schema[key])) continue;
    for (const branch of schema[key] as unknown[])
      Object.assign(out, collectProperties(doc, (resolveRef<Obj>(doc, branch) ?? {}) as Obj, depth + 1), out);
  }
  return out;
}

/**
 * The query parameters of a request as values: repeated keys (form, explode), comma lists
 * (form, no explode), space/pipe-delimited, and deepObject brackets (`created[gt]=1`,
 * `expand[]=a`, `items[0][price]=p`).
 */
export function parseQuery(
  search: URLSearchParams,
  parameters: readonly ParameterDescriptor[],
  doc?: OpenApiDocument,
): Obj {
  const out: Obj = {};
  const bracketed = parseBrackets(search);
  for (const param of parameters) {
    if (param.in !== "query") continue;
    const all = search.getAll(param.name);
    if (param.style === "deepObject" || (all.length === 0 && bracketed[param.name] !== undefined)) {
      if (bracketed[param.name] !== undefined) out[param.name] = bracketed[param.name];
      continue;
    }
    if (all.length === 0) {
      const exploded = doc ? explodedObject(doc, search, param, parameters) : undefined;
      if (exploded) out[param.name] = exploded;
      continue;
    }
    if (param.contentType) {
      try {
        out[param.name] = JSON.parse(all[0]!);
      } catch {
        out[param.name] = all[0];
      }
      continue;
    }
    const separator =
      param.style === "spaceDelimited" ? " " : param.style === "pipeDelimited" ? "|" : undefined;
    if (separator && all.length === 1) out[param.name] = all[0]!.split(separator);
    else out[param.name] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/**
 * An object parameter in `form` style, exploded: one pair per property, none named after the
 * parameter (OpenAPI 3 §4.8.12.4) — its declared properties, and for a map (`additionalProperties`)
 * every key no other parameter claims. Seldon's required `body` and SQS's `Tags` read as missing
 * (issue 19). Undefined when no pair belongs to it.
 */
function explodedObject(
  doc: OpenApiDocument,
  search: URLSearchParams,
  param: ParameterDescriptor,
  parameters: readonly ParameterDescriptor[],
): Obj | undefined {
  if (param.style !== "form" || !param.explode || param.contentType) return undefined;
  const schema = (resolveRef<Obj>(doc, param.schema) ?? {}) as Obj;
  if (impliedObject(schema) === false) return undefined;
  const declared = collectProperties(doc, schema, 0);
  const claimed = new Set(parameters.filter((p) => p.in === "query").map((p) => p.name));
  const isMap = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
  const out: Obj = {};
  for (const [key, value] of search)
    if (key in declared || (isMap && !claimed.has(key) && !key.includes("["))) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

function impliedObject(schema: Obj): boolean {
  return (
    schema.type === "object" ||
    (schema.type === undefined && (!!schema.properties || !!schema.additionalProperties))
  );
}

/** Nests `a[b][c]=v` and `a[]=v` keys into objects and arrays. */
export function parseBrackets(search: URLSearchParams): Obj {
  const out: Obj = {};
  for (const [rawKey, value] of search) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(rawKey);
    if (!match) continue;
    const keys = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: Obj | unknown[] = out;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const last = i === keys.length - 1;
      if (Array.isArray(node)) {
        if (last) node.push(value);
        else {
          const next = keys[i + 1] === "" ? [] : {};
          node.push(next);
          node = next;
        }
        continue;
      }
      if (last) {
        const existing = node[key];
        node[key] =
          existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      } else {
        node[key] ??= keys[i + 1] === "" ? [] : {};
        node = node[key] as Obj | unknown[];
      }
    }
  }
  return out;
}

/** How a path parameter's text splits: into an object, into a list, or not at all. */
export type PathValueShape = "object" | "list" | "scalar";

/**
 * The shape of a path parameter's schema: an object (`type: object`, or untyped with
 * properties), a scalar (a string, number, integer or boolean — `London,UK` is one string;
 * issue 19, Visual Crossing), else a list.
 */
export function pathValueShape(doc: OpenApiDocument, schema: unknown): PathValueShape {
  const resolved = resolveRef<Obj>(doc, schema);
  if (resolved?.type === "object" || (resolved?.type === undefined && resolved?.properties !== undefined))
    return "object";
  const types = typeof resolved?.type === "string" ? [resolved.type] : resolved?.type;
  if (
    Array.isArray(types) &&
    types.length > 0 &&
    types.every((t) => ["string", "integer", "number", "boolean", "null"].includes(String(t)))
  )
    return "scalar";
  return "list";
}

/**
 * A path parameter's value by style: label (`.a.b`), matrix (`;id=a,b`), simple (`a,b`); objects
 * from `k,v,k2,v2` or, exploded, `k=v,k2=v2`. Lists come back as arrays for coercion; a scalar
 * keeps its separators.
 */
export function parsePathValue(
  name: string,
  raw: string | undefined,
  style: string,
  explode: boolean,
  shape: PathValueShape,
): unknown {
  const object = shape === "object";
  if (raw === undefined) return undefined;
  let text = raw;
  let separator = ",";
  if (style === "label") {
    text = text.replace(/^\./, "");
    if (explode) separator = ".";
  } else if (style === "matrix") {
    text = text.replace(/^;/, "");
    if (explode && !object) {
      return text.split(";").map((part) => part.replace(new RegExp(`^${name}=`), ""));
    }
    if (explode && object) separator = ";";
    else text = text.replace(new RegExp(`^${name}=`), "");
  }
  if (object) {
    const out: Record<string, string> = {};
    const parts = text.split(separator);
    if (explode) {
      for (const part of parts) {
        const [k, ...v] = part.split("=");
        if (k) out[k] = v.join("=");
      }
    } else for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
    return out;
  }
  return shape === "list" && text.includes(separator) ? text.split(separator) : text;
}
