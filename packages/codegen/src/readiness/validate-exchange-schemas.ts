import type { ConformanceProblem, OpenApiDocument } from "@synapseops/core";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { DOCUMENT_ID, isDialect30, toJsonSchema } from "../schema/json-schema";

// ajv-formats is CommonJS with a default export; under ESM interop it may be nested.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

/** Checks one value against one schema of the document; problems point into both. */
export type SchemaCheck = (value: unknown, pointer: string) => ConformanceProblem[];

/**
 * Schema checks for one document with every error reported (a playground shows them all) and
 * each error's rule located in the document: Ajv's `parentSchema` (verbose mode) is a converted
 * schema object, `origins` leads back to the document's object and `pointers` to its location.
 */
export class DocumentSchemas {
  private readonly ajv: Ajv2020;
  private readonly dialect30: boolean;
  private readonly origins = new WeakMap<object, object>();
  private pointers: WeakMap<object, string> | undefined;
  private readonly checks = new WeakMap<object, SchemaCheck>();

  constructor(private readonly doc: OpenApiDocument) {
    this.dialect30 = isDialect30(doc);
    // inlineRefs off: each referenced component compiles once, which keeps first calls on large
    // documents (Stripe's payment_intent reaches most of the document) several times faster.
    this.ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      verbose: true,
      inlineRefs: false,
      validateSchema: false,
      logger: false,
      discriminator: false,
    });
    addFormats(this.ajv);
    this.ajv.addSchema(
      {
        $id: DOCUMENT_ID,
        components: toJsonSchema(doc.components ?? {}, this.dialect30, this.origins),
      } as object,
      undefined,
      undefined,
      false,
    );
  }

  /** Where a document object is (`/components/schemas/order`), once the document was walked. */
  pointerOf(node: unknown): string | undefined {
    if (node === null || typeof node !== "object") return undefined;
    this.pointers ??= indexPointers(this.doc);
    return this.pointers.get(node);
  }

  /** The check for a schema object of the document (compiled on first use, then cached). */
  check(schema: unknown): SchemaCheck {
    if (schema === undefined || schema === true || schema === null || typeof schema !== "object")
      return () => [];
    let check = this.checks.get(schema);
    if (!check) {
      check = this.compile(schema);
      this.checks.set(schema, check);
    }
    return check;
  }

  private compile(schema: object): SchemaCheck {
    let fn: ValidateFunction;
    try {
      fn = this.ajv.compile(toJsonSchema(schema, this.dialect30, this.origins) as object);
    } catch {
      // A schema Ajv cannot compile (an unsupported construct) checks nothing rather than failing calls.
      return () => [];
    }
    const base = this.pointerOf(schema);
    return (value, pointer) => {
      if (fn(value)) return [];
      return (fn.errors ?? []).map((error) => this.toProblem(error, pointer, base));
    };
  }

  private toProblem(error: ErrorObject, pointer: string, base: string | undefined): ConformanceProblem {
    const missing = error.keyword === "required" ? String(error.params.missingProperty) : undefined;
    const at = `${pointer}${error.instancePath}${missing === undefined ? "" : `/${escapeSegment(missing)}`}`;
    const allowed =
      error.params && "allowedValues" in error.params ? (error.params.allowedValues as unknown[]) : [];
    const message =
      missing !== undefined
        ? `${at} is required`
        : `${at} ${error.message ?? "is invalid"}${allowed.length > 0 ? ` (${allowed.map((v) => JSON.stringify(v)).join(", ")})` : ""}`;
    const documentPointer = this.ruleLocation(error, base);
    return { pointer: at, ...(documentPointer ? { documentPointer } : {}), code: error.keyword, message };
  }

  /** `#/…/properties/amount/type`: the schema holding the failed keyword, then the keyword. */
  private ruleLocation(error: ErrorObject, base: string | undefined): string | undefined {
    const converted = error.parentSchema;
    const origin = converted && typeof converted === "object" ? this.origins.get(converted) : undefined;
    const at = origin ? this.pointerOf(origin) : undefined;
    if (at === undefined) return base === undefined ? undefined : `#${base}`;
    const keys = origin as Record<string, unknown>;
    // `oneOf` is validated as `anyOf` (see toJsonSchema); name the keyword the document wrote.
    const keyword =
      error.keyword in keys
        ? error.keyword
        : error.keyword === "anyOf" && "oneOf" in keys
          ? "oneOf"
          : undefined;
    return `#${at}${keyword === undefined ? "" : `/${escapeSegment(keyword)}`}`;
  }
}

/** Every object of the document to its JSON pointer (first place found wins for shared objects). */
function indexPointers(doc: OpenApiDocument): WeakMap<object, string> {
  const map = new WeakMap<object, string>();
  const stack: [unknown, string][] = [[doc, ""]];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (node === null || typeof node !== "object" || map.has(node)) continue;
    map.set(node, pointer);
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) stack.push([node[index], `${pointer}/${index}`]);
    } else
      for (const [key, value] of Object.entries(node))
        stack.push([value, `${pointer}/${escapeSegment(key)}`]);
  }
  return map;
}

/** RFC 6901 escaping of one pointer segment. */
export function escapeSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
