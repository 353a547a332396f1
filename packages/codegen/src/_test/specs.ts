import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  listOperations,
  loadOpenApiSync,
  type OpenApiDocument,
  type OperationDescriptor,
} from "@synapseops/core";
import { type SpecName, specNames, specPath } from "../../../core/test/openapi-specs";
import type { GeneratedFile } from "../types";

export type { SpecName };
export { specPath };

const here = dirname(fileURLToPath(import.meta.url));
/** Scratch output of tests (git- and biome-ignored). */
export const OUT_DIR = join(here, "../../.bench-out");

/** Every real OpenAPI document by logical name, small first (see core/test/openapi-specs.ts). */
export function specFiles(options: { large?: boolean } = {}): SpecName[] {
  return specNames(options);
}

const cache = new Map<string, { document: OpenApiDocument; operations: OperationDescriptor[] }>();
/** A loaded document with its operations (cached per test file). */
export function loadSpec(file: SpecName): {
  document: OpenApiDocument;
  operations: OperationDescriptor[];
  inputHash: string;
} {
  let entry = cache.get(file);
  if (!entry) {
    const document = loadOpenApiSync(specPath(file));
    entry = { document, operations: listOperations(document) };
    cache.set(file, entry);
  }
  return { ...entry, inputHash: file };
}

/** A folder-safe name for a spec file. */
export function slug(file: string): string {
  return file.replace(/\.json$/, "").replace(/[^A-Za-z0-9]+/g, "_");
}

/** Writes files under a fresh folder of OUT_DIR and returns its path. */
export function writeOut(folder: string, files: readonly GeneratedFile[]): string {
  const dir = join(OUT_DIR, folder);
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
  return dir;
}

/** Every n-th operation id, `count` of them: a stable sample of a large document. */
export function sampleOperations(operations: readonly OperationDescriptor[], count: number): string[] {
  if (operations.length <= count) return operations.map((op) => op.operationId);
  const step = operations.length / count;
  return Array.from({ length: count }, (_, i) => operations[Math.floor(i * step)]!.operationId);
}
