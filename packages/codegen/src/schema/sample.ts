import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { sampleForPattern } from "./_pattern";
import { unicodePattern } from "./_unicode-pattern";

type Obj = { [key: string]: unknown };

/** Options of {@link sampleFromSchema}. */
export interface SampleOptions {
  /**
   * Use `example`/`default` values found on schemas.
   * @default true
   */
  useExamples?: boolean;
  /**
   * Include optional properties (up to `maxDepth`); when false, only required ones.
   * @default true
   */
  optionalProperties?: boolean;
  /**
   * Depth past which optional properties are left out (cycles end there too).
   * @default 4
   */
  maxDepth?: number;
  /**
   * Which `oneOf`/`anyOf` branch to take (modulo the branch count): callers retry other
   * variants when a sample does not validate.
   * @default 0
   */
  variant?: number;
  /** Read-only properties are left out of request samples, write-only of response samples. */
  direction?: "request" | "response";
}

const PATTERN_CANDIDATES = [
  "abc",
  "ABC",
  "a",
  "1",
  "123",
  "abc123",
  "a-b",
  "2020-01-01",
  "A1",
  "ab_cd",
  "x@y.z",
  "+15555550100",
  "AC00000000000000000000000000000000",
];
const FORMAT_SAMPLES: Record<string, string> = {
  "date-time": "2024-01-01T00:00:00Z",
  date: "2024-01-01",
  time: "12:00:00Z",
  email: "user@example.com",
  uri: "https://example.com",
  url: "https://example.com",
  "uri-reference": "https://example.com",
  uuid: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  hostname: "example.com",
  byte: "YWJj",
  binary: "abc",
  password: "secret",
  // ISO 8601 durations (Azure's `freeTrialRemainingTime`; issue 19).
  duration: "P1D",
  "idn-email": "user@example.com",
  "idn-hostname": "example.com",
  iri: "https://example.com",
  "iri-reference": "https://example.com",
  "json-pointer": "/a",
  regex: "^a$",
};

/**
 * A value that fits `schema` (a schema of `doc`; local `$ref`s followed, cycles cut at depth):
 * enums, consts, formats, bounds, required properties and simple patterns respected. Deterministic.
 *
 * @example
 * ```ts
 * sampleFromSchema(doc, { type: "object", required: ["id"], properties: { id: { type: "integer", minimum: 1 } } });
 * // → { id: 1 }
 * ```
 */
export function sampleFromSchema(
  doc: OpenApiDocument,
  schema: unknown,
  options: SampleOptions = {},
): unknown {
  return sample(doc, schema, { ...options }, 0, new Set());
}

function sample(
  doc: OpenApiDocument,
  raw: unknown,
  options: SampleOptions,
  depth: number,
  stack: Set<unknown>,
): unknown {
  if (raw === true || raw === undefined) return {};
  if (raw === false || raw === null || typeof raw !== "object") return null;
  if (stack.has(raw) || depth > 40) return undefined;
  const schema = (resolveRef<Obj>(doc, raw) ?? {}) as Obj;
  stack.add(raw);
  try {
    return sampleResolved(doc, schema, options, depth, stack);
  } finally {
    stack.delete(raw);
  }
}

function sampleResolved(
  doc: OpenApiDocument,
  schema: Obj,
  options: SampleOptions,
  depth: number,
  stack: Set<unknown>,
): unknown {
  const useExamples = options.useExamples !== false;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return (
      schema.enum.find((value) => value !== null && fitsType(schema, value)) ??
      schema.enum.find((value) => value !== null) ??
      schema.enum[0]
    );
  }
  if (useExamples) {
    const given = [
      schema.example,
      ...(Array.isArray(schema.examples) ? schema.examples : []),
      schema.default,
    ];
    // An example of another type than its schema's (Vimeo's `active: {type: boolean, example:
    // "true"}`) is no sample: the body would break its own schema (issue 19). Nor is an empty
    // string (VTEX's required `isConnected` with `default: ""`): a required query parameter
    // cannot be empty (OpenAPI `allowEmptyValue`), and our own mock refused every request.
    const example = given.find((value) => value !== undefined && value !== "" && fitsType(schema, value));
    if (example !== undefined) return example;
  }
  if (Array.isArray(schema.allOf)) {
    // One part's `required` can name a property another part defines (Nexmo's status base
    // requires `channel`, each channel's part gives its enum; issue 19): each part fills the
    // names any part requires, and the defining part's value wins over a bare required filler.
    const defs = schema.allOf.map((part) => (resolveRef<Obj>(doc, part) ?? {}) as Obj);
    const required = new Set(
      [schema, ...defs].flatMap((s) => (Array.isArray(s.required) ? (s.required as string[]) : [])),
    );
    const parts = schema.allOf.map((part, i) =>
      sample(doc, requiring(part, defs[i]!, required), options, depth, stack),
    );
    // A part cut by a cycle leaves its required properties out: no sample rather than one that
    // breaks the schema, so an optional property holding it is left out (issue 19: Bing's
    // `thumbnail.image` without `_type`).
    if (parts.some((part) => part === undefined)) return undefined;
    const own = { ...schema };
    delete own.allOf;
    const base = Object.keys(own).some((k) => k === "properties" || k === "type")
      ? sampleResolved(doc, own, options, depth, stack)
      : undefined;
    const values = [base, ...parts];
    if (values.every((p) => p === undefined || (typeof p === "object" && p !== null && !Array.isArray(p)))) {
      const merged: Obj = Object.assign({}, ...values.filter((p) => p !== undefined));
      // Where several parts define a property, a value from an enum or const fits the looser
      // parts too (GitHub's `active_lock_reason`: an enum in one part, a plain string in another).
      const enumerated = new Set<string>();
      const definitions = new Map<string, unknown[]>();
      [own, ...defs].forEach((def, i) => {
        const value = values[i] as Obj | undefined;
        for (const [key, raw] of Object.entries((def.properties ?? {}) as Obj)) {
          if (!value || !(key in value)) continue;
          definitions.set(key, [...(definitions.get(key) ?? []), raw]);
          const property = (resolveRef<Obj>(doc, raw) ?? {}) as Obj;
          const fixed = Array.isArray(property.enum) || property.const !== undefined;
          if (enumerated.has(key) && !fixed) continue;
          merged[key] = value[key];
          if (fixed) enumerated.add(key);
        }
      });
      // Otherwise a property several parts define is sampled from all of them: GitHub's
      // `assignees` is `[{}]` in one part and items requiring `login` in another, and the looser
      // part's sample broke the stricter one (issue 19, signed webhook deliveries answered 400).
      for (const [key, raws] of definitions) {
        if (raws.length < 2 || enumerated.has(key)) continue;
        if (raws.every((raw) => resolveRef(doc, raw) === resolveRef(doc, raws[0]))) continue;
        const joint = sample(doc, jointSchema(doc, raws), options, depth + 1, stack);
        if (joint !== undefined) merged[key] = joint;
      }
      return merged;
    }
    return parts.find((p) => p !== undefined) ?? base;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const nonNull = branches.filter((b) => (resolveRef<Obj>(doc, b) as Obj | undefined)?.type !== "null");
      const list = nonNull.length > 0 ? nonNull : branches;
      const branch = list[(options.variant ?? 0) % list.length];
      const value = sample(doc, branch, options, depth, stack);
      setDiscriminator(schema, branch, value);
      const props = schema.properties ? sampleObject(doc, schema, options, depth, stack) : undefined;
      if (props && typeof value === "object" && value !== null && !Array.isArray(value))
        return { ...(props as Obj), ...value };
      return value;
    }
  }
  const type = pickType(schema);
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return true;
    case "integer":
    case "number":
      return sampleNumber(schema, type);
    case "string":
      return sampleString(schema);
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      if (depth >= (options.maxDepth ?? 4) && min === 0) return [];
      const item = sample(doc, schema.items, options, depth + 1, stack);
      if (item === undefined) return [];
      const count = Math.max(min, 1);
      return Array.from({ length: count }, (_, i) =>
        schema.uniqueItems && typeof item === "number" ? item + i : item,
      );
    }
    case "object":
      return sampleObject(doc, schema, options, depth, stack);
    default:
      return {};
  }
}

/**
 * A schema's type, or the one its keywords imply (`properties`/`additionalProperties`: object,
 * `items`: array). The samples, the examples they accept and Postman's shape test read the same
 * type: an untyped schema with properties took an array example the test then refused (Azure's
 * list responses; issue 19).
 */
export function impliedType(schema: Obj): string | undefined {
  return pickType(schema);
}

/** One schema every definition holds for: scalars merged, arrays by their items' `allOf`, else an `allOf`. */
function jointSchema(doc: OpenApiDocument, raws: readonly unknown[]): Obj {
  const resolved = raws.map((raw) => (resolveRef<Obj>(doc, raw) ?? {}) as Obj);
  // Scalars by their keywords together: an `allOf` of them takes the first part's value, and
  // GitHub's `closed_at` is a plain string in one part and a `date-time` in the other.
  const scalar = (schema: Obj): boolean =>
    !schema.allOf &&
    !schema.anyOf &&
    !schema.oneOf &&
    !["object", "array"].includes(pickType(schema) ?? "object");
  if (resolved.every(scalar)) return Object.assign({}, ...resolved) as Obj;
  if (!resolved.every((schema) => pickType(schema) === "array")) return { allOf: raws };
  const minItems = Math.max(
    0,
    ...resolved.map((schema) => (typeof schema.minItems === "number" ? schema.minItems : 0)),
  );
  return { type: "array", items: { allOf: resolved.map((schema) => schema.items ?? {}) }, minItems };
}

/** An `allOf` part that also requires the names other parts require, when it defines them. */
function requiring(raw: unknown, part: Obj, required: ReadonlySet<string>): unknown {
  const properties = (part.properties ?? {}) as Obj;
  const own = Array.isArray(part.required) ? (part.required as string[]) : [];
  const missing = [...required].filter((name) => name in properties && !own.includes(name));
  return missing.length === 0 ? raw : { ...part, required: [...own, ...missing] };
}

/** Whether a value has the schema's (implied) type; a schema with no type takes anything. */
function fitsType(schema: Obj, value: unknown): boolean {
  if (value === null)
    return schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes("null"));
  switch (pickType(schema)) {
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

function pickType(schema: Obj): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type))
    return (schema.type.find((t) => t !== "null") ?? schema.type[0]) as string | undefined;
  if (schema.properties || schema.additionalProperties) return "object";
  if (schema.items) return "array";
  return undefined;
}

function sampleObject(
  doc: OpenApiDocument,
  schema: Obj,
  options: SampleOptions,
  depth: number,
  stack: Set<unknown>,
): Obj {
  const out: Obj = {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties = (schema.properties ?? {}) as Obj;
  const includeOptional = options.optionalProperties !== false && depth < (options.maxDepth ?? 4);
  for (const [name, propSchema] of Object.entries(properties)) {
    if (!required.has(name) && !includeOptional) continue;
    const resolved = resolveRef<Obj>(doc, propSchema);
    if (!required.has(name) && options.direction === "request" && resolved?.readOnly === true) continue;
    if (!required.has(name) && options.direction === "response" && resolved?.writeOnly === true) continue;
    const value = sample(doc, propSchema, options, depth + 1, stack);
    // An optional string no value can fit (seldon's `format: byte` beside a pattern requiring
    // spaces) is left out rather than sent in breach of its own schema (issue 19).
    if (!required.has(name) && typeof value === "string" && resolved && !stringFits(resolved, value))
      continue;
    if (value !== undefined) out[name] = value;
    else if (required.has(name))
      out[name] =
        resolved &&
        (resolved.nullable === true || (Array.isArray(resolved.type) && resolved.type.includes("null")))
          ? null
          : {};
  }
  // A name can be required without a schema in `properties`: it then takes what
  // `additionalProperties` allows, or any value.
  for (const name of required) {
    if (name in out) continue;
    const extra = schema.additionalProperties;
    const value =
      extra !== undefined && typeof extra === "object"
        ? sample(doc, extra, options, depth + 1, stack)
        : undefined;
    out[name] = value ?? "string";
  }
  // `minProperties` (AWS tag maps, APIs.guru's `versions`): optional properties first, then
  // entries `additionalProperties` allows (issue 19: a mock body below its own minimum).
  const minimum = typeof schema.minProperties === "number" ? schema.minProperties : 0;
  for (const [name, propSchema] of Object.entries(properties)) {
    if (Object.keys(out).length >= minimum) break;
    if (name in out) continue;
    const value = sample(doc, propSchema, options, depth + 1, stack);
    if (value !== undefined) out[name] = value;
  }
  const extra = schema.additionalProperties;
  for (let index = 1; Object.keys(out).length < minimum && extra !== false && index <= minimum; index++) {
    const value =
      typeof extra === "object" && extra !== null ? sample(doc, extra, options, depth + 1, stack) : "string";
    out[`key${index}`] = value ?? "string";
  }
  // `maxProperties` (Amadeus' error `source`: one of `parameter`, `pointer`, `example`): optional
  // properties go, last first, until it holds (issue 19: the mock fell back to a broken example).
  if (typeof schema.maxProperties === "number")
    for (const name of Object.keys(out).reverse()) {
      if (Object.keys(out).length <= schema.maxProperties) break;
      if (!required.has(name)) delete out[name];
    }
  return out;
}

function sampleNumber(schema: Obj, type: string): number {
  let value = 1;
  if (typeof schema.minimum === "number") value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === "number") value = Math.max(value, schema.exclusiveMinimum + 1);
  else if (schema.exclusiveMinimum === true && typeof schema.minimum === "number") value = schema.minimum + 1;
  if (typeof schema.maximum === "number") value = Math.min(value, schema.maximum);
  if (typeof schema.exclusiveMaximum === "number") value = Math.min(value, schema.exclusiveMaximum - 1);
  if (typeof schema.multipleOf === "number" && schema.multipleOf > 0)
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return type === "integer" ? Math.ceil(value) : value;
}

function sampleString(schema: Obj): string {
  const format = typeof schema.format === "string" ? schema.format : undefined;
  // `format: ""` (hhs.gov) is no format: `"" && …` sampled an empty string, which a required
  // query parameter cannot be (issue 19).
  let value = (format ? FORMAT_SAMPLES[format] : undefined) ?? "string";
  if (typeof schema.pattern === "string") {
    const regex = compiledPattern(schema.pattern);
    if (regex && !regex.test(value)) {
      const generated = sampleForPattern(schema.pattern);
      value =
        generated !== undefined && regex.test(generated)
          ? generated
          : (PATTERN_CANDIDATES.find((candidate) => regex.test(candidate)) ?? value);
    }
  }
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (value.length < min) value = lengthened(value, min, schema);
  if (value.length > max) value = value.slice(0, max);
  return value;
}

/**
 * A sample padded to `min` characters, keeping its pattern: repeating its last character first
 * (AWS's `^(dra-[0-9a-f]{8,})$` with `minLength: 13` wants `dra-000000000`, not `dra-00000000x`;
 * issue 19), then the first, then `x`.
 */
function lengthened(value: string, min: number, schema: Obj): string {
  const regex = typeof schema.pattern === "string" ? compiledPattern(schema.pattern) : undefined;
  const fills = [value.at(-1), value[0], "x"].filter((c): c is string => c !== undefined);
  const extra = min - value.length;
  // A time is lengthened by fractional seconds, which keep its format: unicourt's `date-time`
  // with `minLength: 25` was padded to `…00ZZZZZ`, which no validator accepts (issue 19).
  const fraction =
    TIME_END.test(value) && extra >= 2
      ? [
          value.replace(
            TIME_END,
            (_, time: string, zone: string) => `${time}.${"0".repeat(extra - 1)}${zone}`,
          ),
        ]
      : [];
  const candidates = [...fraction, ...fills.map((fill) => value.padEnd(min, fill))];
  return (
    candidates.find((candidate) => stringFits(schema, candidate)) ??
    candidates.find((candidate) => !regex || regex.test(candidate)) ??
    candidates.at(-1)!
  );
}

/** The seconds and zone that end a `date-time` or `time` sample. */
const TIME_END = /(\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)$/;

/** Compiled patterns by source (null: JavaScript cannot compile it): big documents repeat them. */
const compiledPatterns = new Map<string, RegExp | null>();

function compiledPattern(pattern: string): RegExp | undefined {
  let regex = compiledPatterns.get(pattern);
  if (regex === undefined) {
    const source = unicodePattern(pattern);
    regex = source === undefined ? null : new RegExp(source, "u");
    compiledPatterns.set(pattern, regex);
  }
  return regex ?? undefined;
}

/** Whether `value` meets the string schema's pattern, length bounds and (known) format. */
function stringFits(schema: Obj, value: string): boolean {
  if (typeof schema.minLength === "number" && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === "number" && value.length > schema.maxLength) return false;
  // A pattern JavaScript cannot compile is not checked here (nor by the validator).
  if (typeof schema.pattern === "string" && compiledPattern(schema.pattern)?.test(value) === false)
    return false;
  const format =
    typeof schema.format === "string" ? (fullFormats as Record<string, unknown>)[schema.format] : undefined;
  const definition =
    format && typeof format === "object" && !(format instanceof RegExp)
      ? (format as { type?: unknown; validate?: unknown })
      : undefined;
  // Number formats (`int64`, `double`) do not apply to strings, as in Ajv.
  if (definition?.type !== undefined && definition.type !== "string") return true;
  const check = definition ? definition.validate : format;
  if (check instanceof RegExp) return check.test(value);
  if (typeof check === "function") return (check as (v: string) => boolean)(value) === true;
  return true;
}

/** Sets the discriminator property of a sampled `oneOf`/`anyOf` branch to the value that names it. */
function setDiscriminator(schema: Obj, branch: unknown, value: unknown): void {
  const discriminator = schema.discriminator as
    | { propertyName?: unknown; mapping?: Record<string, string> }
    | undefined;
  const ref = (branch as { $ref?: unknown } | null)?.$ref;
  if (!discriminator || typeof discriminator.propertyName !== "string" || typeof ref !== "string") return;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const mapped = Object.entries(discriminator.mapping ?? {}).find(([, target]) => target === ref)?.[0];
  (value as Obj)[discriminator.propertyName] = mapped ?? ref.slice(ref.lastIndexOf("/") + 1);
}
