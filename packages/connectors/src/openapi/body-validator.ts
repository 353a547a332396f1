import { ConnectorError, type OpenApiDocument, type OpenApiSchema } from "@synapseops/core";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** Validates request bodies against their schemas before anything is sent. */
export interface BodyValidator {
  /** @throws ConnectorError (not retryable) naming the first failing field. */
  check(operationId: string, schema: OpenApiSchema | undefined, body: unknown): void;
}

/**
 * Ajv validators compiled lazily per operation and cached. 3.1 documents use JSON Schema 2020-12
 * (Ajv2020); 3.0 schemas are a draft-04/07 dialect with `nullable`, which Ajv's default class
 * understands. Non-schema OpenAPI keywords (`example`, `xml`, `discriminator`…) are ignored
 * (`strict: false`), and local `$ref`s resolve against the document's `components`.
 */
export function bodyValidator(doc: OpenApiDocument): BodyValidator {
  const is31 = doc.openapi.startsWith("3.1");
  const ajv = is31 ? new Ajv2020(AJV_OPTIONS) : new Ajv(AJV_OPTIONS);
  (addFormats as unknown as (instance: Ajv | Ajv2020) => void)(ajv);
  // The components once, as their own resource; body schemas' `#/components/…` refs point into it.
  // (Compiling each body with the components inlined would re-walk them per operation: slow on big APIs.)
  ajv.addSchema({ components: normalise(doc.components ?? {}, !is31, false) as object }, COMPONENTS_ID);
  const cache = new Map<string, ValidateFunction | Error>();
  const compile = (operationId: string, schema: OpenApiSchema): ValidateFunction | Error => {
    let compiled = cache.get(operationId);
    if (compiled === undefined) {
      try {
        compiled = ajv.compile(
          typeof schema === "boolean" ? schema : (normalise(schema, !is31, true) as object),
        );
      } catch (error) {
        compiled = error instanceof Error ? error : new Error(String(error));
      }
      cache.set(operationId, compiled);
    }
    return compiled;
  };
  return {
    check(operationId, schema, body) {
      if (schema === undefined) return;
      const validate = compile(operationId, schema);
      if (validate instanceof Error) {
        throw ConnectorError.nonRetryable(
          `operation "${operationId}": the request body schema does not compile (${validate.message})`,
          { cause: validate },
        );
      }
      if (validate(body)) return;
      const first = validate.errors?.[0];
      const at = first?.instancePath ?? "";
      throw ConnectorError.nonRetryable(
        `operation "${operationId}": request body ${at || "/"} ${first?.message ?? "is invalid"}; nothing was sent`,
        { path: `/body${at}` },
      );
    },
  };
}

const COMPONENTS_ID = "openapi:components";

/**
 * Real documents are not always valid JSON Schema (duplicate enum values, `nullable` without
 * `type`): we validate bodies, not the document, so the schema itself is not meta-validated.
 */
const AJV_OPTIONS = {
  strict: false,
  allErrors: false,
  logger: false,
  validateFormats: true,
  validateSchema: false,
} as const;

/**
 * A copy of a schema ready for Ajv: with `rebaseRefs`, local `$ref`s point into the components
 * resource; for 3.0, `nullable: true` becomes a `"null"` type (OpenAPI 3.0 §4.7.24.1), since
 * Ajv's own `nullable` refuses schemas without `type`, which real documents have, and boolean
 * `exclusiveMinimum`/`exclusiveMaximum` (draft-04, which 3.0 follows) become numbers.
 */
function normalise(value: unknown, openapi30: boolean, rebaseRefs: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, openapi30, rebaseRefs));
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "$ref" && typeof item === "string") {
      copy[key] = rebaseRefs && item.startsWith("#/") ? `${COMPONENTS_ID}${item}` : item;
    } else if (!(openapi30 && key === "nullable")) {
      copy[key] = normalise(item, openapi30, rebaseRefs);
    }
  }
  if (openapi30) {
    // 3.0 schemas are draft-04 here: a boolean exclusiveMinimum/Maximum modifies minimum/maximum.
    for (const [flag, bound] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ] as const) {
      if (typeof copy[flag] !== "boolean") continue;
      if (copy[flag] === true && typeof copy[bound] === "number") {
        copy[flag] = copy[bound];
        delete copy[bound];
      } else delete copy[flag];
    }
  }
  if (openapi30 && (value as { nullable?: unknown }).nullable === true) {
    if (typeof copy.type === "string") copy.type = [copy.type, "null"];
    else if (copy.type === undefined) return { anyOf: [copy, { type: "null" }] };
    if (Array.isArray(copy.enum) && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  }
  return copy;
}
