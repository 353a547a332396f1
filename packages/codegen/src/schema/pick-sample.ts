import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { impliedType, sampleFromSchema } from "./sample";
import type { SchemaValidator } from "./validator";

type Obj = Record<string, unknown>;

/** Where a sample goes: a request (required properties only, no readOnly) or a response. */
export interface PickSampleOptions {
  direction: "request" | "response";
  /** Documented examples, in order of preference (media `example`, then `examples.*`). */
  examples?: readonly unknown[];
  /** Whether optional properties are filled. @default false for requests, true for responses */
  optionalProperties?: boolean;
}

/**
 * The one rule every output picks a sample by — Postman, contract tests, readiness suites and
 * the mock (issue 19): a documented example only when it validates against its schema (real
 * documents wrap examples as `{"request_body": …}`, misspell property names, put date-times in
 * `format: date`), else a value synthesised from the schema (a few `oneOf` variants, with then
 * without the schemas' own examples) until one validates. `valid: false` when none does: the
 * schema admits no value, so a request carrying it can only be refused.
 *
 * Compiling a validator per schema is the slow part on big documents (Stripe has thousands of
 * inline schemas): a request schema with no combinator and no example or default in its
 * required tree is sampled exactly, without a check.
 */
export function pickSample(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  schema: unknown,
  options: PickSampleOptions,
): { value: unknown; valid: boolean } {
  const optionalProperties = options.optionalProperties ?? options.direction === "response";
  const examples = (options.examples ?? [])
    .map((example) => exampleOfSchemaType(doc, schema, example))
    .filter((example) => example !== undefined);
  for (const example of examples)
    if (validator.validate(schema, example).length === 0) return { value: example, valid: true };
  const base = { optionalProperties, direction: options.direction } as const;
  if (options.direction === "request" && !optionalProperties && !needsCheck(doc, schema, 0))
    return { value: sampleFromSchema(doc, schema, base), valid: true };
  let first: unknown;
  for (let variant = 0; variant < 4; variant++) {
    for (const useExamples of [true, false]) {
      const value = sampleFromSchema(doc, schema, { ...base, variant, useExamples });
      if (first === undefined) first = value;
      if (validator.validate(schema, value).length === 0) return { value, valid: true };
    }
  }
  const pruned = pruneToFit(validator, schema, first);
  return pruned === undefined ? { value: first, valid: false } : { value: pruned, valid: true };
}

/**
 * The sample with what the validator names left out, one at a time, until it fits (undefined
 * when it never does): a property deleted, an array element spliced out, and an object that
 * misses a required property (it held no valid value) removed in turn. Some schemas admit a
 * property no value can hold — Azure's `allOf` bases with `additionalProperties: {type: object}`
 * turn every boolean of the derived schema into a breach (issue 19, Graph RBAC's
 * `allowGuestsSignIn`), Azure Logic's base and derived schemas that each say
 * `additionalProperties: false`, Visual Studio's `{type: integer, enum: ["0 (User)"]}` — a body without
 * them still conforms, a body with them cannot.
 */
function pruneToFit(validator: SchemaValidator, schema: unknown, sample: unknown): unknown {
  if (sample === null || typeof sample !== "object") return undefined;
  const value = structuredClone(sample);
  for (let attempt = 0; attempt < 64; attempt++) {
    const problem = validator.validate(schema, value)[0];
    if (!problem) return value;
    const path = problem.path
      .split("/")
      .slice(1)
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
    // A property `additionalProperties: false` forbids (Azure's `allOf` base and derived schema
    // each forbid the other's properties: only `{}` fits; issue 19) is named beside the object.
    if (problem.property !== undefined) path.push(problem.property);
    if (!removeAt(value, path)) return undefined;
  }
  return undefined;
}

/** Removes what a path points at (not the root): false when nothing is there. */
function removeAt(root: unknown, path: readonly string[]): boolean {
  const key = path.at(-1);
  if (key === undefined) return false;
  const parent = path.slice(0, -1).reduce<unknown>((node, part) => (node as Obj | null)?.[part], root);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) return false;
    parent.splice(index, 1);
    return true;
  }
  if (parent === null || typeof parent !== "object" || !(key in parent)) return false;
  delete (parent as Obj)[key];
  return true;
}

/** Whether a sample of the schema's required tree could break it: combinators, or examples and defaults the sampler would copy unchecked. */
function needsCheck(doc: OpenApiDocument, raw: unknown, depth: number): boolean {
  if (depth > 6) return true;
  const schema = resolveRef<Obj>(doc, raw);
  if (!schema || typeof schema !== "object") return false;
  if (schema.oneOf || schema.anyOf || schema.allOf || schema.not || schema.discriminator) return true;
  if (schema.example !== undefined || schema.examples !== undefined || schema.default !== undefined)
    return true;
  if (schema.items && needsCheck(doc, schema.items, depth + 1)) return true;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const properties = (schema.properties ?? {}) as Obj;
  return required.some((name) => needsCheck(doc, properties[name], depth + 1));
}

/**
 * The example in the shape the schema's top-level type asks for: documents often give an object
 * or array example as JSON text, which is parsed; an example of another type is dropped.
 */
function exampleOfSchemaType(doc: OpenApiDocument, schema: unknown, example: unknown): unknown {
  const resolved = resolveRef<Obj>(doc, schema);
  const type = resolved ? impliedType(resolved) : undefined;
  if (example === undefined) return example;
  // Issue 19: an unfilled placeholder (`example: "string"` on an integer `page`) is no sample.
  if (type === "integer" || type === "number") {
    const number = typeof example === "string" && /^-?\d+(\.\d+)?$/.test(example) ? Number(example) : example;
    return typeof number === "number" && (type === "number" || Number.isInteger(number)) ? number : undefined;
  }
  if (type === "boolean") return typeof example === "boolean" ? example : undefined;
  if (type !== "object" && type !== "array") return example;
  let value = example;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const isArray = Array.isArray(value);
  const fits = type === "array" ? isArray : typeof value === "object" && value !== null && !isArray;
  return fits ? value : undefined;
}
