import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  BlueprintBody,
  canonicalJson,
  loadOpenApiSync,
  type OpenApiDocument,
  ValidationError,
} from "@synapseops/core";
import { parse as parseYaml } from "yaml";
import type { BlueprintOpenApiOptions } from "./generators/openapi/_from-blueprints";
import { blueprintsToOpenApi } from "./generators/openapi/_from-blueprints";
import type { BlueprintInput } from "./types";

/** What `generate()` accepts as input. */
export type GenerateInput =
  | string
  | OpenApiDocument
  | BlueprintInput
  | BlueprintInput[]
  | { blueprints: BlueprintInput[] }
  | object;

/** A resolved input: the document generators read, the blueprints it came from, and a hash. */
export interface ResolvedInput {
  document: OpenApiDocument;
  blueprints?: BlueprintInput[];
  inputHash: string;
  kind: "openapi" | "blueprints";
}

/**
 * Resolves an input: a file path (OpenAPI JSON/YAML or a blueprint JSON/YAML), text, an OpenAPI
 * object, a blueprint (`{ id, name, body }` or a bare body), a list of them, or `{ blueprints }`.
 */
export function resolveInput(
  input: GenerateInput,
  options: BlueprintOpenApiOptions & { baseDir?: string } = {},
): ResolvedInput {
  let value: unknown = input;
  let text: string | undefined;
  let file: string | undefined;
  if (typeof input === "string") {
    const looksLikeText = input.includes("\n") || /^\s*[{[]/.test(input);
    if (!looksLikeText) {
      file = resolve(options.baseDir ?? process.cwd(), input);
      if (!existsSync(file)) throw new ValidationError(`input file not found: ${file}`, { path: "/input" });
      text = readFileSync(file, "utf8");
    } else text = input;
    const head = text.slice(0, 4096);
    // OpenAPI documents go to the loader as they are (it reports lines); blueprints are parsed here.
    if (/["']?(openapi|swagger)["']?\s*:/.test(head)) {
      const document = loadOpenApiSync(file ?? text, options.baseDir ? { baseDir: options.baseDir } : {});
      return { document, kind: "openapi", inputHash: sha256(text) };
    }
    try {
      value = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
    } catch (cause) {
      throw new ValidationError(
        `input ${file ?? "text"} is neither an OpenAPI document nor a blueprint (cannot parse: ${(cause as Error).message})`,
        { path: "/input", cause },
      );
    }
  }
  const blueprints = asBlueprints(value);
  if (blueprints) {
    const document = blueprintsToOpenApi(blueprints, options);
    return { document, blueprints, kind: "blueprints", inputHash: sha256(text ?? canonicalJson(blueprints)) };
  }
  const document = loadOpenApiSync(value as object, options.baseDir ? { baseDir: options.baseDir } : {});
  return { document, kind: "openapi", inputHash: sha256(text ?? JSON.stringify(value)) };
}

function asBlueprints(value: unknown): BlueprintInput[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if ("openapi" in value || "swagger" in value) return undefined;
  const list = Array.isArray(value)
    ? value
    : "blueprints" in value && Array.isArray(value.blueprints)
      ? value.blueprints
      : [value];
  if (!list.every((item) => item !== null && typeof item === "object" && ("body" in item || "steps" in item)))
    return undefined;
  return list.map((item: Record<string, unknown>, index: number) => {
    const raw = "body" in item ? item.body : item;
    const parsed = BlueprintBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const pointer = `/${index}/body${issue ? issue.path.map((p) => `/${String(p)}`).join("") : ""}`;
      throw new ValidationError(`blueprint ${index} is invalid: ${issue?.message ?? "invalid"}`, {
        path: pointer,
      });
    }
    const id = typeof item.id === "string" ? item.id : `blueprint-${index + 1}`;
    return { id, name: typeof item.name === "string" ? item.name : id, body: parsed.data };
  });
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
