/**
 * The build's artifact sets, read from the same config files the CLI uses, and one function
 * that regenerates (or, with `check`, verifies) all of them through the programmatic API.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type GenerateReport, generate, type SynapseOpsConfig } from "@synapseops/codegen";
import blueprintConfig from "../blueprint.config";
import openApiConfig from "../synapseops.config";

/** The example's folder: config paths resolve against it, as the CLI resolves them against the config file. */
export const exampleDir = fileURLToPath(new URL("..", import.meta.url));

/** One input and what is generated from it. */
export interface ArtifactSet {
  name: string;
  config: SynapseOpsConfig;
}

/** Everything this project generates: one set per input. */
export const artifactSets: readonly ArtifactSet[] = [
  { name: "orders-api (OpenAPI document)", config: openApiConfig },
  { name: "shop-to-erp (blueprint)", config: blueprintConfig },
];

/** What {@link buildArtifacts} takes. */
export interface BuildOptions {
  /** Compare instead of writing; a stale file makes `generate` throw `StaleOutputError`. @default false */
  check?: boolean;
  /**
   * Folder that replaces the example's own as the root of every `outDir` (a temp folder in tests).
   * @default the example's folder
   */
  outRoot?: string;
  /** Progress lines. */
  onProgress?: (line: string) => void;
}

/** Regenerates every artifact set (or checks it with `check`); resolves to one report per set. */
export async function buildArtifacts(
  options: BuildOptions = {},
): Promise<Array<{ set: ArtifactSet; outDir: string; report: GenerateReport }>> {
  const results = [];
  for (const set of artifactSets) {
    const outDir = resolve(options.outRoot ?? exampleDir, set.config.outDir ?? "generated");
    const { report } = await generate({
      ...set.config,
      outDir,
      baseDir: exampleDir,
      check: options.check ?? false,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    results.push({ set, outDir, report });
  }
  return results;
}
