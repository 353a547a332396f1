import { modelJsonSchemas } from "@synapseops/core";
import type { GeneratedFile } from "./types";

/**
 * The JSON Schemas of the SynapseOps model (blueprints, runs, …), one file per entity under
 * `schemas/`, for UIs and services in other languages. Deterministic: the same core version gives
 * byte-identical files.
 *
 * @example
 * ```ts
 * for (const file of generateModelSchemas()) await writeFile(join(outDir, file.path), file.contents);
 * ```
 */
export function generateModelSchemas(options: { io?: "input" | "output" } = {}): GeneratedFile[] {
  const schemas = modelJsonSchemas(options);
  return Object.keys(schemas)
    .sort()
    .map((name) => ({
      path: `schemas/${name}.json`,
      contents: `${JSON.stringify({ $id: `https://synapseops.dev/schemas/${name}.json`, title: name, ...schemas[name as keyof typeof schemas] }, null, 2)}\n`,
    }));
}
