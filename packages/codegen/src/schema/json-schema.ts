import type { OpenApiDocument } from "@synapseops/core";
import { unicodePattern } from "./_unicode-pattern";

/** The `$id` the converted document is registered under in Ajv. */
export const DOCUMENT_ID = "urn:synapseops:openapi";

type Obj = { [key: string]: unknown };

/**
 * An OpenAPI schema as JSON Schema 2020-12 for Ajv: 3.0's `nullable` and boolean
 * `exclusiveMinimum`/`exclusiveMaximum` rewritten, and local `$ref`s made absolute against
 * {@link DOCUMENT_ID} so that any sub-schema compiles on its own, and patterns in Unicode mode
 * (see `unicodePattern`). 3.1 schemas pass through but
 * for the refs. Returns a new value; the input is not changed. With `origins`, each converted
 * object is mapped to the document object it came from (to point validation errors into the document).
 */
export function toJsonSchema(
  schema: unknown,
  dialect30: boolean,
  origins?: WeakMap<object, object>,
): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, dialect30, origins));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Obj = {};
  origins?.set(out, schema);
  for (const [key, value] of Object.entries(schema as Obj)) {
    if (
      key === "example" ||
      key === "examples" ||
      key === "xml" ||
      key === "discriminator" ||
      key.startsWith("x-")
    )
      continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.startsWith("#") ? `${DOCUMENT_ID}${value}` : value;
      continue;
    }
    if (key === "const" || key === "enum" || key === "default") {
      out[key] = value;
      continue;
    }
    if (key === "pattern" && typeof value === "string") {
      const pattern = unicodePattern(value);
      if (pattern !== undefined) out.pattern = pattern;
      continue;
    }
    // `oneOf` is checked as `anyOf`: real documents' branches often overlap (Cat and Dog both fit
    // `{ petType }`, the discriminator — maybe inside an allOf — picks one), so "exactly one"
    // would reject valid payloads.
    const target = key === "oneOf" ? "anyOf" : key;
    out[target] = toJsonSchema(value, dialect30, origins);
  }
  if (out.type === "null" && Array.isArray(out.anyOf)) return nullableComposition(out, schema, origins);
  if (!dialect30) return out;
  if (typeof out.exclusiveMinimum === "boolean") {
    if (out.exclusiveMinimum && typeof out.minimum === "number") {
      out.exclusiveMinimum = out.minimum;
      delete out.minimum;
    } else delete out.exclusiveMinimum;
  }
  if (typeof out.exclusiveMaximum === "boolean") {
    if (out.exclusiveMaximum && typeof out.maximum === "number") {
      out.exclusiveMaximum = out.maximum;
      delete out.maximum;
    } else delete out.exclusiveMaximum;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    const wrapper = { anyOf: [out, { type: "null" }] };
    origins?.set(wrapper, schema);
    return wrapper;
  }
  delete out.nullable;
  return out;
}

/**
 * `{ type: "null", oneOf: [number, boolean] }` (Vercel's document, as emitted from nullable
 * unions) can hold no value read literally: `null` fails every branch, any other value the type.
 * It is meant as "null, or one of the branches" — read that way, as 3.0's `nullable` is.
 */
function nullableComposition(out: Obj, schema: object, origins?: WeakMap<object, object>): Obj {
  const { type: _null, ...rest } = out;
  const wrapper = { anyOf: [rest, { type: "null" }] };
  origins?.set(wrapper, schema);
  return wrapper;
}

/** Whether a document uses the OpenAPI 3.0 schema dialect. */
export function isDialect30(doc: OpenApiDocument): boolean {
  return doc.openapi.startsWith("3.0");
}
