import { dirname, resolve } from "node:path";
import { toJsonPointer } from "../json";
import { bundleExternalRefs } from "./_bundle";
import { locatePointer, looksLikeText, type ParsedSource, parseText, readSourceFile } from "./_source";
import { convertSwagger2 } from "./_swagger2";
import { OpenApiError } from "./errors";
import { getAtPointer } from "./pointer";
import type { LoadOpenApiOptions, OpenApiDocument, OpenApiObject } from "./types";

/**
 * Loads an OpenAPI 3.0/3.1 document (Swagger 2.0 is converted to 3.0) from a file path, JSON or
 * YAML text, or an object; bundles multi-file `$ref`s in and checks that local ones resolve.
 * Local `$ref`s are kept (documents may be circular); follow them with `resolveRef`.
 * Objects passed in are not modified. Throws {@link OpenApiError} with a JSON pointer and, for
 * files and text, the line.
 *
 * @example
 * ```ts
 * const doc = await loadOpenApi("./specs/stripe.json");
 * for (const op of listOperations(doc)) console.log(op.method, op.path, op.operationId);
 * ```
 */
export async function loadOpenApi(
  input: string | object,
  options: LoadOpenApiOptions = {},
): Promise<OpenApiDocument> {
  return loadOpenApiSync(input, options);
}

/** The synchronous form of {@link loadOpenApi}, for build scripts and generators. */
export function loadOpenApiSync(input: string | object, options: LoadOpenApiOptions = {}): OpenApiDocument {
  let source: ParsedSource;
  let baseDir = options.baseDir ?? process.cwd();
  if (typeof input === "string") {
    if (looksLikeText(input)) source = { value: parseText(input), text: input };
    else {
      if (/^https?:\/\//i.test(input)) {
        throw new OpenApiError(
          `remote documents are not fetched ("${input}"): download it and pass the file`,
        );
      }
      const file = resolve(baseDir, input);
      source = readSourceFile(file);
      baseDir = options.baseDir ?? dirname(file);
    }
  } else if (input !== null && typeof input === "object" && !Array.isArray(input)) {
    source = { value: input };
  } else {
    throw new OpenApiError("input must be a file path, JSON or YAML text, or an object");
  }
  const fail = (message: string, path: string): never => {
    const location = locatePointer(source, path);
    throw new OpenApiError(message, { path, ...(location ? { location } : {}) });
  };
  let doc = source.value as OpenApiObject;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    fail("the document is not an object", "");
  if (typeof doc.swagger === "string") {
    if (!doc.swagger.startsWith("2.")) fail(`unsupported swagger version "${doc.swagger}"`, "/swagger");
    if (options.convertSwagger2 === false)
      fail("Swagger 2.0 documents are not accepted (convertSwagger2: false)", "/swagger");
    doc = convertSwagger2(doc);
    source = { value: doc };
  }
  if (typeof doc.openapi !== "string")
    fail('not an OpenAPI document: no "openapi" version field', "/openapi");
  if (!/^3\.[01]\.\d+/.test(String(doc.openapi)))
    fail(`unsupported OpenAPI version "${String(doc.openapi)}" (3.0 and 3.1 are)`, "/openapi");
  const info = doc.info as OpenApiObject | undefined;
  if (info === null || typeof info !== "object") fail('"info" is missing', "/info");
  if (doc.paths !== undefined && (doc.paths === null || typeof doc.paths !== "object"))
    fail('"paths" must be an object', "/paths");
  if (doc.paths === undefined && doc.webhooks === undefined && doc.components === undefined) {
    fail('the document has no "paths", "webhooks" or "components"', "");
  }
  let scan = scanRefs(doc);
  if (scan.external) {
    try {
      doc = bundleExternalRefs(doc, baseDir);
    } catch (error) {
      if (error instanceof OpenApiError && error.path !== undefined && !error.location) {
        fail(error.message.replace(/^openapi .*?: /, ""), error.path);
      }
      throw error;
    }
    source = { value: doc };
    scan = scanRefs(doc);
  }
  if (options.checkRefs !== false) {
    const broken = scan.local.find((ref) => getAtPointer(doc, ref.ref) === undefined);
    if (broken) fail(`$ref "${broken.ref}" does not resolve`, broken.at);
  }
  return doc as OpenApiDocument;
}

interface RefScan {
  external: boolean;
  /** Distinct local refs with where each was first seen. */
  local: { ref: string; at: string }[];
}

/** One walk: whether any `$ref` points to another file, and each distinct local `$ref`. */
function scanRefs(doc: OpenApiObject): RefScan {
  const scan: RefScan = { external: false, local: [] };
  const seenRefs = new Set<string>();
  const seen = new Set<object>();
  // Segments of the current location; joined only when a new ref is recorded (the walk is hot).
  const stack: string[] = [];
  const walk = (value: object): void => {
    // Shared subtrees (YAML anchors) are walked once.
    if (seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (child === null || typeof child !== "object") continue;
        stack.push(String(i));
        walk(child);
        stack.pop();
      }
      return;
    }
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === "string") {
      if (!ref.startsWith("#")) scan.external = true;
      else if (!seenRefs.has(ref)) {
        seenRefs.add(ref);
        scan.local.push({ ref, at: toJsonPointer([...stack, "$ref"]) });
      }
    }
    for (const key in value) {
      // `example` holds arbitrary payloads, where a `$ref` key is just data.
      if (key === "example") continue;
      const child = (value as OpenApiObject)[key];
      if (child === null || typeof child !== "object") continue;
      stack.push(key);
      walk(child);
      stack.pop();
    }
  };
  walk(doc);
  return scan;
}
