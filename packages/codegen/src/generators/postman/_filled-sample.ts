import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { sampleFromSchema } from "../../schema/sample";
import type { SchemaValidator } from "../../schema/validator";

type Obj = Record<string, unknown>;

/** Whether a sample is `{}`: nothing to send as form fields, multipart parts or query pairs. */
export function isEmptyObject(value: unknown): boolean {
  return (
    value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

/**
 * An object sample with one member, for a schema whose sample `{}` would send nothing: the
 * first property whose sample keeps the object valid, else one map entry (`additionalProperties`);
 * undefined when none does.
 */
export function firstPropertySample(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  schema: unknown,
): Obj | undefined {
  const resolved = resolveRef<Obj>(doc, schema) ?? {};
  const candidates: Obj[] = Object.entries((resolved.properties as Obj | undefined) ?? {}).map(
    ([name, field]) => ({ [name]: sampleFromSchema(doc, field) }),
  );
  if (resolved.additionalProperties !== false && resolved.additionalProperties !== undefined)
    candidates.push({
      key: sampleFromSchema(doc, resolved.additionalProperties === true ? {} : resolved.additionalProperties),
    });
  return candidates.find((candidate) => validator.validate(schema, candidate).length === 0);
}

/**
 * The sample of a required form body (urlencoded or multipart). Its sample `{}` — no property is
 * required — sends no field, so the request reads as having no body at all (seldon's
 * `{json: SeldonMessageList}`: 400 from our own mock; issue 19). It gets its first property that
 * keeps it valid; an empty object or array there goes as JSON text, since `json={}` is a field
 * and `json[…]` pairs of nothing are none (seldon's `encoding` asks for JSON; the mock reads JSON
 * text back). Postman, the contract tests and the suites send form bodies by this.
 */
export function filledFormSample(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  schema: unknown,
  value: unknown,
  required: boolean,
): unknown {
  if (!required || !isEmptyObject(value)) return value;
  const filled = firstPropertySample(doc, validator, schema);
  if (!filled) return value;
  const container = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : isEmptyObject(v));
  return Object.fromEntries(
    Object.entries(filled).map(([name, v]) => [name, container(v) ? JSON.stringify(v) : v]),
  );
}
