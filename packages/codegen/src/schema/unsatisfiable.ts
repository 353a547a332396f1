import { type OpenApiDocument, resolveRef } from "@synapseops/core";

type Obj = Record<string, unknown>;

/**
 * Why no object can satisfy a schema, when it provably cannot: `additionalProperties: false`
 * allows only the schema's own `properties`, so a property required beside it (by itself or an
 * `allOf` part) that it does not declare can never be present. Codat's `TransactionMetadataList`
 * says `additionalProperties: false` beside `allOf: [{results}, PagingInfo]` (which requires
 * `pageNumber`): every body breaks it — the document's own error, not the server's (issue 19).
 * Undefined when this rule finds nothing (the schema may still admit no value).
 */
export function unsatisfiableReason(doc: OpenApiDocument, schema: unknown): string | undefined {
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
