import type { OpenApiDocument } from "@synapseops/core";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { DOCUMENT_ID, isDialect30, toJsonSchema } from "./json-schema";

// ajv-formats is CommonJS with a default export; under ESM interop it may be nested.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

/** One problem found by a {@link SchemaValidator}. */
export interface SchemaProblem {
  /** JSON pointer into the validated value. */
  path: string;
  message: string;
  /** The property `additionalProperties` forbids there (Ajv names it beside the object's path). */
  property?: string;
}

/** Validates values against the schemas of one OpenAPI document (compiled once each, lazily). */
export interface SchemaValidator {
  /** Problems of `value` against `schema` (a schema object of the document); `[]` when valid. */
  validate(schema: unknown, value: unknown): SchemaProblem[];
}

/**
 * A validator over a document's schemas with Ajv (JSON Schema 2020-12, formats from
 * ajv-formats). 3.0 schemas are converted on the way in; unknown keywords and formats are ignored.
 *
 * @example
 * ```ts
 * const validator = createSchemaValidator(doc);
 * validator.validate(op.responses[0].content[0].schema, body); // [] when body fits
 * ```
 */
export function createSchemaValidator(doc: OpenApiDocument): SchemaValidator {
  const dialect30 = isDialect30(doc);
  const ajv = new Ajv2020({
    strict: false,
    allErrors: false,
    validateSchema: false,
    logger: false,
    discriminator: false,
  });
  addFormats(ajv);
  // The document is registered whole (refs compile on demand); only `components` is needed.
  ajv.addSchema(
    { $id: DOCUMENT_ID, components: toJsonSchema(doc.components ?? {}, dialect30) } as object,
    undefined,
    undefined,
    false,
  );
  const cache = new WeakMap<object, ValidateFunction>();
  const compile = (schema: unknown): ValidateFunction | undefined => {
    if (schema === true || schema === undefined) return undefined;
    const key = (typeof schema === "object" && schema !== null ? schema : { schema }) as object;
    let fn = cache.get(key);
    if (!fn) {
      try {
        fn = ajv.compile(toJsonSchema(schema, dialect30) as object);
      } catch {
        // A schema Ajv cannot compile (an unsupported construct) validates nothing rather than failing calls.
        fn = Object.assign(() => true, { errors: null }) as unknown as ValidateFunction;
      }
      cache.set(key, fn);
    }
    return fn;
  };
  return {
    validate(schema, value) {
      const fn = compile(schema);
      if (!fn || fn(value)) return [];
      return (fn.errors ?? []).map((error: ErrorObject) => {
        const extra = error.keyword === "additionalProperties" ? error.params.additionalProperty : undefined;
        return {
          path: error.instancePath,
          message: `${error.instancePath || "/"} ${error.message ?? "is invalid"}${error.params && "allowedValues" in error.params ? ` (${(error.params.allowedValues as unknown[]).join(", ")})` : ""}${typeof extra === "string" ? ` (${extra})` : ""}`,
          ...(typeof extra === "string" ? { property: extra } : {}),
        };
      });
    },
  };
}
