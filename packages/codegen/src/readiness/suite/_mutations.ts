import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import type { SchemaValidator } from "../../schema/validator";
import { schemaProperties } from "../_features";

type Obj = Record<string, unknown>;

/** An invalid variant of a valid body, and what makes it invalid. */
export interface BodyMutation {
  kind: "missing-required" | "wrong-type" | "enum-violation";
  /** The top-level field changed. */
  field: string;
  value: Obj;
}

const NOT_IN_ENUM = "synapseops-not-in-enum";

/** A value of another type than the schema's (a string for numbers/booleans/objects, a number for strings). */
function wrongTypeValue(doc: OpenApiDocument, schema: unknown, kind: "json" | "form"): unknown {
  const resolved = resolveRef<Obj>(doc, schema);
  const type = Array.isArray(resolved?.type) ? resolved?.type[0] : resolved?.type;
  if (type === "string") return { synapseops: "not a string" };
  if (type === "integer" || type === "number" || type === "boolean") return "not-a-number";
  // In a form, `data=x` is a one-item list: a string is no wrong type for a list of strings
  // (SalesLoft's `data`; issue 19).
  if (type === "array" && kind === "form" && takesText(doc, resolved?.items)) return undefined;
  if (type === "array") return "not-an-array";
  if (type === "object" || resolved?.properties) return "not-an-object";
  return undefined;
}

/** Whether a list item schema accepts a bare string (a string type, or no type nor properties). */
function takesText(doc: OpenApiDocument, items: unknown): boolean {
  const resolved = resolveRef<Obj>(doc, items) ?? {};
  const type = resolved.type;
  if (type === undefined) return resolved.properties === undefined;
  return type === "string" || (Array.isArray(type) && type.includes("string"));
}

/**
 * Invalid variants of a valid object body, each checked invalid by the document's own schema
 * (so a server refusing it is what the document promises): a required field left out, a field
 * of the wrong type, a value outside an enum. At most one of each kind.
 */
export function bodyMutations(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  schema: unknown,
  valid: unknown,
  kind: "json" | "form" = "json",
): BodyMutation[] {
  if (valid === null || typeof valid !== "object" || Array.isArray(valid)) return [];
  const body = valid as Obj;
  const resolved = resolveRef<Obj>(doc, schema);
  const properties = schemaProperties(doc, schema);
  const required = ((resolved?.required as string[] | undefined) ?? []).filter((name) => name in body);
  const out: BodyMutation[] = [];
  const invalid = (value: Obj): boolean => validator.validate(schema, value).length > 0;
  for (const field of required) {
    const { [field]: _removed, ...rest } = body;
    // An emptied form body reads as "no body", which an optional body allows: not a mutation.
    if ((kind === "json" || Object.keys(rest).length > 0) && invalid(rest)) {
      out.push({ kind: "missing-required", field, value: rest });
      break;
    }
  }
  for (const field of Object.keys(body)) {
    const wrong = wrongTypeValue(doc, properties[field], kind);
    if (wrong === undefined) continue;
    const value = { ...body, [field]: wrong };
    if (invalid(value)) {
      out.push({ kind: "wrong-type", field, value });
      break;
    }
  }
  for (const [field, property] of Object.entries(properties)) {
    const resolvedProperty = resolveRef<Obj>(doc, property);
    if (!Array.isArray(resolvedProperty?.enum)) continue;
    const value = { ...body, [field]: NOT_IN_ENUM };
    if (invalid(value)) {
      out.push({ kind: "enum-violation", field, value });
      break;
    }
  }
  return out;
}
