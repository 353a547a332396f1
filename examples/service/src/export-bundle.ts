import { generate } from "@synapseops/codegen";
import type { Runtime } from "@synapseops/core";

/** The export of a blueprint revision: codegen's reproducible zip of its artifacts. */
export interface BlueprintExport {
  fileName: string;
  zip: Uint8Array;
}

/** Artifacts the export carries, besides codegen's manifest. */
export const EXPORT_TARGETS = ["openapi", "sdk-ts", "postman", "tests", "bundle"] as const;

/**
 * Runs codegen in memory over the blueprint's approved revision (the head when none is approved)
 * and returns the bundle generator's zip: OpenAPI, TypeScript SDK, Postman collection, contract
 * tests and `manifest.json` with a sha256 per file.
 */
export async function exportBlueprint(runtime: Runtime, blueprintId: string): Promise<BlueprintExport> {
  const blueprint = await runtime.blueprints.get(blueprintId);
  const revision = blueprint.approvedRevision ?? blueprint.revision;
  const body = await runtime.blueprints.body(blueprintId, revision);
  const fileName = `${blueprint.id}-r${revision}.zip`;
  const { files } = await generate({
    input: { id: blueprint.id, name: blueprint.name, body },
    targets: EXPORT_TARGETS,
    inMemory: true,
    options: { bundle: { fileName } },
  });
  const bundle = files.find((file) => file.path === `bundle/${fileName}`);
  if (bundle === undefined || typeof bundle.contents === "string") {
    throw new Error(`codegen produced no bundle/${fileName}`);
  }
  return { fileName, zip: bundle.contents };
}
