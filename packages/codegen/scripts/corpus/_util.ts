import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { OperationDescriptor } from "@synapseops/core";
import type { GeneratedFile } from "../../src/types";

/** The first non-empty line of an error (400 characters at most): what the report shows. */
export function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
      : String(error);
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.slice(0, 400) ?? text.slice(0, 400)
  );
}

/** Writes generated files under `dir`, replacing what a previous sweep left there. */
export function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
}

/** A folder name for a document id (its tail: ids share long prefixes). */
export function slug(id: string): string {
  return id
    .replace(/\.json$/, "")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .slice(-120);
}

/** Every n-th operation id, `count` of them: a newman run stays short on large documents. */
export function spreadOperations(operations: readonly OperationDescriptor[], count: number): string[] {
  if (operations.length <= count) return operations.map((op) => op.operationId);
  const step = operations.length / count;
  return Array.from({ length: count }, (_, i) => operations[Math.floor(i * step)]!.operationId);
}
