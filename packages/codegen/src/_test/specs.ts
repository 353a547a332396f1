import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  listOperations,
  loadOpenApiSync,
  type OpenApiDocument,
  type OperationDescriptor,
} from "@synapseops/core";
import type { GeneratedFile } from "../types";

const here = dirname(fileURLToPath(import.meta.url));
/** The shared, read-only OpenAPI documents. */
export const SPECS_DIR = join(here, "../../../../../shared/specs");
/** Scratch output of tests (git- and biome-ignored). */
export const OUT_DIR = join(here, "../../.bench-out");

/** Every document under specs/, relative paths, small first. */
export function specFiles(options: { large?: boolean } = {}): string[] {
  const list = [
    ...readdirSync(join(SPECS_DIR, "edge/3.0")).map((f) => `edge/3.0/${f}`),
    ...readdirSync(join(SPECS_DIR, "edge/3.1")).map((f) => `edge/3.1/${f}`),
    ...readdirSync(join(SPECS_DIR, "real")).map((f) => `real/${f}`),
  ].sort();
  return options.large ? [...list, "large/stripe.json", "large/github.json"] : list;
}

const cache = new Map<string, { document: OpenApiDocument; operations: OperationDescriptor[] }>();
/** A loaded document with its operations (cached per test file). */
export function loadSpec(file: string): {
  document: OpenApiDocument;
  operations: OperationDescriptor[];
  inputHash: string;
} {
  let entry = cache.get(file);
  if (!entry) {
    const document = loadOpenApiSync(join(SPECS_DIR, file));
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
