import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { shortestMatchLength } from "./_pattern-length";

type Obj = Record<string, unknown>;

/**
 * Why no object can satisfy a schema, when it provably cannot: `additionalProperties: false`
 * allows only the schema's own `properties`, so a property required beside it (by itself or an
 * `allOf` part) that it does not declare can never be present. Codat's `TransactionMetadataList`
 * says `additionalProperties: false` beside `allOf: [{results}, PagingInfo]` (which requires
 * `pageNumber`): every body breaks it — the document's own error, not the server's (issue 19).
 * Both rules hold for what a body must carry, through required properties (ShipEngine's
 * `links.first` is a `link`: `additionalProperties: false` beside its part's required `href`).
 * And a string whose `pattern` needs more characters than its `maxLength` allows: App Runner's
 * `ServiceId` is a 36-character UUID pattern with `maxLength: 32`. Undefined when these rules find nothing (the schema may still admit no value).
 */
export function unsatisfiableReason(doc: OpenApiDocument, schema: unknown): string | undefined {
  return requiredReason(doc, schema, "", new Set(), 0);
}

function forbiddenRequiredReason(doc: OpenApiDocument, schema: unknown): string | undefined {
  const resolved = resolveRef<Obj>(doc, schema);
  const typeless = enumOfAnotherType(resolved);
  if (typeless) return typeless;
  if (resolved?.additionalProperties !== false || resolved.patternProperties) return undefined;
  const own = new Set(Object.keys((resolved.properties as Obj | undefined) ?? {}));
  const required = new Set<string>(requiredOf(resolved));
  for (const part of (resolved.allOf as unknown[] | undefined) ?? [])
    for (const name of requiredOf(resolveRef<Obj>(doc, part))) required.add(name);
  const forbidden = [...required].filter((name) => !own.has(name));
  if (forbidden.length === 0) return undefined;
  return `additionalProperties: false forbids the required ${forbidden
    .slice(0, 3)
    .map((n) => `"${n}"`)
    .join(", ")}, which only an allOf part declares`;
}

function requiredOf(schema: Obj | undefined): string[] {
  return Array.isArray(schema?.required) ? (schema.required as unknown[]).map(String) : [];
}

/** How deep required properties are followed: bodies nest a few levels, cycles stop earlier. */
const MAX_DEPTH = 8;

/** The first value a body must carry (itself, then its required properties) that none can fit. */
function requiredReason(
  doc: OpenApiDocument,
  schema: unknown,
  pointer: string,
  seen: Set<unknown>,
  depth: number,
): string | undefined {
  const parts = allOfParts(doc, schema, new Set());
  if (parts.some((part) => seen.has(part)) || depth > MAX_DEPTH) return undefined;
  const inner = new Set([...seen, ...parts]);
  const own =
    parts.map((part) => forbiddenRequiredReason(doc, part)).find((reason) => reason !== undefined) ??
    stringReason(parts);
  if (own) return pointer ? `${pointer}: ${own}` : own;
  for (const name of new Set(parts.flatMap(requiredOf)))
    for (const part of parts) {
      const property = (part.properties as Obj | undefined)?.[name];
      if (property === undefined) continue;
      const reason = requiredReason(doc, property, `${pointer}/${name}`, inner, depth + 1);
      if (reason) return reason;
    }
  return undefined;
}

/** A schema and its `allOf` parts, resolved: every one of them holds for the same value. */
function allOfParts(doc: OpenApiDocument, schema: unknown, seen: Set<unknown>): Obj[] {
  const resolved = resolveRef<Obj>(doc, schema);
  if (!resolved || seen.has(resolved)) return [];
  seen.add(resolved);
  const parts = Array.isArray(resolved.allOf) ? resolved.allOf : [];
  return [resolved, ...parts.flatMap((part) => allOfParts(doc, part, seen))];
}

/** Why no string fits these parts together: a pattern longer than the shortest `maxLength`. */
function stringReason(parts: readonly Obj[]): string | undefined {
  const maxLength = Math.min(...parts.map((p) => (typeof p.maxLength === "number" ? p.maxLength : Infinity)));
  if (!Number.isFinite(maxLength)) return undefined;
  for (const part of parts) {
    if (typeof part.pattern !== "string") continue;
    const shortest = shortestMatchLength(part.pattern);
    if (shortest !== undefined && shortest > maxLength)
      return `pattern "${part.pattern}" needs at least ${shortest} characters, maxLength is ${maxLength}`;
  }
  return undefined;
}

/**
 * An `enum` none of whose values has the schema's `type`: visagecloud's `purposes` is
 * `{type: array, items: {enum: [FEATURES, …]}, enum: [FEATURES, …]}` — the array itself must be
 * one of the strings, so no value fits (issue 19).
 */
function enumOfAnotherType(schema: Obj | undefined): string | undefined {
  const type = schema?.type;
  if (typeof type !== "string" || !Array.isArray(schema?.enum) || schema.enum.length === 0) return undefined;
  const fits = (value: unknown): boolean =>
    value === null
      ? schema.nullable === true
      : type === "array"
        ? Array.isArray(value)
        : type === "object"
          ? typeof value === "object" && !Array.isArray(value)
          : type === "integer"
            ? Number.isInteger(value)
            : typeof value === type;
  if (schema.enum.some(fits)) return undefined;
  return `type: ${type} beside an enum of no ${type} (${schema.enum
    .slice(0, 3)
    .map((v) => JSON.stringify(v))
    .join(", ")})`;
}
